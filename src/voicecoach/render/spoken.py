"""Display text -> the words a speech engine is given: written shorthand said as a coach would.

The timeline, the chapters and the plan keep the display text ("Stand 2-3 feet",
"Dumbbell Romanian Deadlift (RDL)"); only the engine gets ``spoken_form(text)``, right
before it speaks. Each rule mends something Piper's phonemizer (espeak-ng) was heard or
seen to read badly in the shipped programs (docs/performance.md, "Voice quality"):

* "1-2 repetitions", "2-3 feet": read "one dash two". A range of two numbers becomes
  "1 or 2" when they are neighbours (as a coach says it) and "12 to 15" otherwise; a
  run of three or more ("5-0-2-0", a tempo) is read digit group by digit group.
* "60-90s", "45 s", "2 min": units after a number are said in full.
* "90-degree angle": the number and the word were fused into one ("ninetydegree").
* "(RDL)": an all-caps abbreviation in brackets repeats the words before it, spelled
  out letter by letter; it is dropped.
* "(palms facing each other)": brackets are silent, so an aside ran on without a
  breath; it becomes a comma-delimited aside.
* "Cat/Cow": read "cat slash cow"; "&" and a few Latin abbreviations are said as words.
* A phrase with no closing punctuation ("2", "Go", "Rep 3, down") gets a full stop: the
  voice then ends it as a finished word instead of trailing off (pocketsphinx heard
  "5" and "1" right only with it). The words, so what a count says, never change.

Each rule that says words says them in the session's language (``RULES``: "60 bis 90
Sekunden", "60 a 90 segundos"); numbers stay digits, which espeak-ng (and so Piper's
phonemizer) reads in the voice's language exactly as the words: ``espeak-ng -v de -x
"90"`` and ``"neunzig"`` give the same phonemes. A program's ``pronounce:`` is applied
first, word by word: the engine's text only, never what is shown.

Bump ``SPOKEN_FORM_VERSION`` whenever a rule changes: it is part of every clip's cache key,
so a changed rule re-synthesizes the phrases it touches instead of replaying old clips.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

SPOKEN_FORM_VERSION = 2


@dataclass(frozen=True)
class Rules:
    """The words one language's rules say."""

    and_word: str  # "&"
    neighbours: str  # "1-2": "1 or 2"
    range_word: str  # "12-15": "12 to 15"
    units: dict[str, tuple[str, str]]  # "s": ("second", "seconds")
    abbreviations: dict[str, str] = field(default_factory=dict)  # pattern -> words
    decimal: str = "."  # the decimal sign of "1.5 min"


_EN_SECOND, _EN_MINUTE = ("second", "seconds"), ("minute", "minutes")
RULES: dict[str, Rules] = {
    "en": Rules(
        "and",
        "or",
        "to",
        {"s": _EN_SECOND, "sec": _EN_SECOND, "secs": _EN_SECOND,
         "min": _EN_MINUTE, "mins": _EN_MINUTE},
        {
            # The last dot may be missing ("e.g" ends a phrase: the full stop added below
            # would make it "e.g." for a second reading).
            r"\be\.g(?:\.|\b)": "for example",
            r"\bi\.e(?:\.|\b)": "that is",
            r"\bvs\.?(?=\s)": "versus",
            r"\bapprox(?:\.|\b)": "about",
        },
    ),
    "de": Rules(
        "und",
        "oder",
        "bis",
        {"s": ("Sekunde", "Sekunden"), "sek": ("Sekunde", "Sekunden"),
         "min": ("Minute", "Minuten")},
        {
            r"\bz\.\s?B(?:\.|\b)": "zum Beispiel",
            r"\bd\.\s?h(?:\.|\b)": "das heißt",
            r"\bbzw(?:\.|\b)": "beziehungsweise",
            r"\bca\.(?=\s)": "circa",
            r"\bggf(?:\.|\b)": "gegebenenfalls",
        },
        ",",
    ),
    "es": Rules(
        "y",
        "o",
        "a",
        {"s": ("segundo", "segundos"), "seg": ("segundo", "segundos"),
         "min": ("minuto", "minutos")},
        {
            r"\bp\.\s?ej(?:\.|\b)": "por ejemplo",
            r"\baprox(?:\.|\b)": "aproximadamente",
            r"\betc(?:\.|\b)": "etcétera",
        },
        ",",
    ),
}  # fmt: skip

# "(RDL)", "(DB)", "(RDLs)": an abbreviation of the words before it.
_ABBREVIATION = re.compile(r"\s*\(([A-Z]{2,6}s?)\)")
_ASIDE = re.compile(r"\s*\(([^()]*)\)")
# Not before ".5": "0,.5" would become the number "0.5".
_COMMA_BEFORE_PUNCTUATION = re.compile(r",\s*(?=[,;:!?]|\.(?!\d)|$)")
# Numbers end at a non-digit, not a word boundary: "60-90s" is a range with a unit.
_SEQUENCE = re.compile(r"(?<!\d)(?<!\d\.)\d+(?:\s?[-\u2013]\s?\d+){2,}(?!\.?\d)")
_RANGE = re.compile(r"(?<!\d)(?<!\d\.)(\d+)\s?[-\u2013]\s?(\d+)(?!\.?\d)")
_TERMINAL = (".", "!", "?", ":", ";", ",")


def spoken_form(text: str, language: str = "en", pronounce: Iterable[tuple[str, str]] = ()) -> str:
    """The words to say for ``text`` in ``language``: same meaning, no written shorthand;
    ``pronounce`` says how to say some words (each replaced where it stands as a word)."""
    rules = RULES[language]
    # One space between words first: the rules below allow one ("8 - 12"), not two.
    spoken = " ".join(text.split())
    for word, said in sorted(pronounce, key=lambda pair: -len(pair[0])):
        # A function, not a template: the words said may hold a backslash.
        spoken = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", _literally(said), spoken)
    spoken = _ABBREVIATION.sub(_drop_abbreviation, spoken)
    # Innermost brackets first, until none are left: "(a (b))" is two asides.
    while (unbracketed := _ASIDE.sub(lambda m: f", {m.group(1).strip()},", spoken)) != spoken:
        spoken = unbracketed
    spoken = _COMMA_BEFORE_PUNCTUATION.sub("", spoken)
    spoken = spoken.replace("&", f" {rules.and_word} ")
    for pattern, words in rules.abbreviations.items():
        spoken = re.sub(pattern, words, spoken, flags=re.IGNORECASE)
    spoken = _SEQUENCE.sub(_say_sequence, spoken)
    spoken = _RANGE.sub(lambda match: _say_range(match, rules), spoken)
    # Before the units: "2-min" is "2 min", which is "2 minutes" (so a second pass, which
    # would read the unit, changes nothing).
    patterns = _patterns(language)
    spoken = patterns.number_hyphen_word.sub(" ", spoken)
    spoken = patterns.unit.sub(lambda match: _say_unit(match, rules), spoken)
    spoken = patterns.word_slash_word.sub("-", spoken)
    spoken = " ".join(spoken.split()).lstrip(", ")
    if spoken and not spoken.endswith(_TERMINAL):
        spoken += "."
    return spoken


@dataclass(frozen=True)
class _Patterns:
    unit: re.Pattern[str]
    number_hyphen_word: re.Pattern[str]
    word_slash_word: re.Pattern[str]


@functools.cache
def _patterns(language: str) -> _Patterns:
    rules = RULES[language]
    units = "|".join(rules.units)
    decimal = re.escape(rules.decimal)
    # English's letters are ASCII, as they always were (its clips' keys stay valid);
    # German and Spanish words start with any letter ("90-Grad-Winkel", "A/Ü").
    letter = "[A-Za-z]" if language == "en" else r"[^\W\d_]"
    return _Patterns(
        # Up to three digits: "the 1990s" is not a duration.
        unit=re.compile(rf"(?<!\d)(?<!\d{decimal})(\d{{1,3}}(?:{decimal}\d+)?)\s?({units})\b"),
        number_hyphen_word=re.compile(rf"(?<=\d)-(?={letter})"),
        word_slash_word=re.compile(rf"(?<={letter})/(?={letter})"),
    )


def _literally(words: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: words


def _drop_abbreviation(match: re.Match[str]) -> str:
    # A space stays between the words around it: "0(DB)0" is two numbers, not "00".
    rest = match.string[match.end() :]
    return " " if rest[:1].isalnum() else ""


def _say_sequence(match: re.Match[str]) -> str:
    return ", ".join(re.findall(r"\d+", match.group()))


def _say_range(match: re.Match[str], rules: Rules) -> str:
    low, high = match.group(1), match.group(2)
    if int(high) <= int(low):  # not a range: "5-0" is a tempo's two phases
        return f"{low}, {high}"
    joiner = rules.neighbours if int(high) == int(low) + 1 else rules.range_word
    return f"{low} {joiner} {high}"


def _say_unit(match: re.Match[str], rules: Rules) -> str:
    number, (one, many) = match.group(1), rules.units[match.group(2)]
    return f"{number} {one if number == '1' else many}"
