"""Checks on a program's own words (``words:``): each returns what is wrong, or None.

The program stage calls them while it reads the file and locates the complaint
(file:line:column); they know the catalogue's keys, not YAML.
"""

from __future__ import annotations

from voicecoach.words.catalogue import (
    COUNT,
    PLURAL_CATEGORIES,
    Entry,
    catalogue,
    entry_placeholders,
    entry_texts,
    placeholders,
)
from voicecoach.words.keys import KEYS
from voicecoach.words.timing import estimate_speech_ms

# A beat word's placeholders are filled with this when its length is estimated: the
# longest a count usually gets ("10" of a 10-second hold's counts).
_SAMPLE_VALUE = "10"


def key_placeholders(key: str) -> set[str]:
    """The placeholders ``key`` takes (the English catalogue's)."""
    return entry_placeholders(catalogue("en").entries[key])


def is_counted(key: str) -> bool:
    """Whether ``key`` has plural forms (its words depend on {n})."""
    return not isinstance(catalogue("en").entries[key], str)


def takes(key: str) -> str:
    """ "rest_next takes {exercise}" or "go takes no placeholders"."""
    names = sorted(key_placeholders(key))
    if not names:
        return f"{key} takes no placeholders"
    return f"{key} takes " + ", ".join(f"{{{name}}}" for name in names)


def entry_problem(key: str, entry: Entry) -> str | None:
    """What is wrong with ``entry`` as the words of ``key``: a plural form that is no
    CLDR category, a placeholder the key does not take, or one it needs and lacks."""
    if not isinstance(entry, str):
        if not is_counted(key):
            return f"{key} is not counted: give one text, not plural forms"
        categories = [category for category, _text in entry]
        unknown = [c for c in categories if c not in PLURAL_CATEGORIES]
        if unknown:
            return (
                f"unknown plural form {unknown[0]!r}; the forms are "
                f"{', '.join(PLURAL_CATEGORIES)} (and 'other' is required)"
            )
        if "other" not in categories:
            return "plural forms need 'other' (used for every number no other form names)"
    wanted = key_placeholders(key)
    for text in entry_texts(entry):
        try:
            given = placeholders(text)
        except ValueError as exc:  # "Rest {seconds" : an unclosed brace
            return f"{exc} in {text!r} (write {{{{ and }}}} for a brace itself)"
        unknown = sorted(given - wanted)
        if unknown:
            return f"unknown placeholder {{{unknown[0]}}}; {takes(key)}"
    # A counted entry's forms may leave out {n} ("Train once a week"), not the others.
    needed = wanted - {COUNT} if is_counted(key) else wanted
    used = entry_placeholders(entry)
    missing = sorted(needed - used)
    if missing:
        return f"missing placeholder {{{missing[0]}}}; {takes(key)}"
    return None


def beat_problem(key: str, entry: Entry, rate: int) -> str | None:
    """For a key said on a beat: whether its words fit the beat at ``rate`` wpm."""
    room = KEYS[key].beat_ms
    if room is None:
        return None
    for text in entry_texts(entry):
        sample = text.format(**{name: _SAMPLE_VALUE for name in _all_spellings(text)})
        needs = estimate_speech_ms(sample, rate)
        if needs > room:
            return (
                f"{text!r} takes about {needs} ms to say at {rate} words per minute, and "
                f"{key} is said on a beat that leaves it {room} ms: say it shorter, or "
                "speak faster (voice.rate)"
            )
    return None


def _all_spellings(text: str) -> set[str]:
    names = placeholders(text)
    return names | {name[:1].upper() + name[1:] for name in names}
