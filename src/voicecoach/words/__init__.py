"""The words stage: every text the coach says or shows, by key, in each shipped language.

catalogue  a language's words: keys, named placeholders, CLDR plural forms (Babel),
           a program's own words laid over them; Phrase, a key with its values
keys       every key declared once: what it is for, whether it is said on a beat
checks     a program's ``words:`` checked against the keys (placeholders, beats)
timing     how long words take to say before an engine has said them
reference  the key list of docs/program-format.md, generated from keys and en.yaml
en.yaml, de.yaml, es.yaml   the catalogues (package data)

The compiler decides when words are heard; this stage decides what they are. It
imports no other stage: the program stage checks a file's words with it, the compiler
and the renderer word their phrases with it, the log hands the compiler Phrases.
"""

from voicecoach.words.catalogue import (
    COUNT,
    PLURAL_CATEGORIES,
    Catalogue,
    Entry,
    Phrase,
    catalogue,
    entry_placeholders,
    frozen_entry,
    placeholders,
    shipped_languages,
)
from voicecoach.words.checks import beat_problem, entry_problem, key_placeholders
from voicecoach.words.keys import GROUPS, KEYS, Key
from voicecoach.words.timing import DEFAULT_RATE_WPM, estimate_speech_ms

LANGUAGES: tuple[str, ...] = shipped_languages()
"""The languages a catalogue ships for ("en" first): what ``language:`` accepts."""

__all__ = [
    "COUNT",
    "DEFAULT_RATE_WPM",
    "GROUPS",
    "KEYS",
    "LANGUAGES",
    "PLURAL_CATEGORIES",
    "Catalogue",
    "Entry",
    "Key",
    "Phrase",
    "beat_problem",
    "catalogue",
    "entry_placeholders",
    "entry_problem",
    "estimate_speech_ms",
    "frozen_entry",
    "key_placeholders",
    "placeholders",
    "shipped_languages",
]
