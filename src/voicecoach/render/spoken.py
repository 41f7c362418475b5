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

Bump ``SPOKEN_FORM_VERSION`` whenever a rule changes: it is part of every clip's cache key,
so a changed rule re-synthesizes the phrases it touches instead of replaying old clips.
"""

from __future__ import annotations

import re

SPOKEN_FORM_VERSION = 2

# "(RDL)", "(DB)", "(RDLs)": an abbreviation of the words before it.
_ABBREVIATION = re.compile(r"\s*\(([A-Z]{2,6}s?)\)")
_ASIDE = re.compile(r"\s*\(([^()]*)\)")
# Not before ".5": "0,.5" would become the number "0.5".
_COMMA_BEFORE_PUNCTUATION = re.compile(r",\s*(?=[,;:!?]|\.(?!\d)|$)")
# Numbers end at a non-digit, not a word boundary: "60-90s" is a range with a unit.
_SEQUENCE = re.compile(r"(?<!\d)(?<!\d\.)\d+(?:\s?[-\u2013]\s?\d+){2,}(?!\.?\d)")
_RANGE = re.compile(r"(?<!\d)(?<!\d\.)(\d+)\s?[-\u2013]\s?(\d+)(?!\.?\d)")
# Up to three digits: "the 1990s" is not a duration.
_UNIT = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,3}(?:\.\d+)?)\s?(s|sec|secs|min|mins)\b")
_NUMBER_HYPHEN_WORD = re.compile(r"(?<=\d)-(?=[A-Za-z])")
_WORD_SLASH_WORD = re.compile(r"(?<=[A-Za-z])/(?=[A-Za-z])")
_UNIT_WORDS = {"s": "second", "sec": "second", "secs": "second", "min": "minute", "mins": "minute"}
_ABBREVIATIONS = {
    # The last dot may be missing ("e.g" ends a phrase: the full stop added below would
    # make it "e.g." for a second reading).
    r"\be\.g(?:\.|\b)": "for example",
    r"\bi\.e(?:\.|\b)": "that is",
    r"\bvs\.?(?=\s)": "versus",
    r"\bapprox(?:\.|\b)": "about",
}
_TERMINAL = (".", "!", "?", ":", ";", ",")


def spoken_form(text: str) -> str:
    """The words to say for ``text``: same meaning, no written shorthand."""
    # One space between words first: the rules below allow one ("8 - 12"), not two.
    spoken = _ABBREVIATION.sub(_drop_abbreviation, " ".join(text.split()))
    # Innermost brackets first, until none are left: "(a (b))" is two asides.
    while (unbracketed := _ASIDE.sub(lambda m: f", {m.group(1).strip()},", spoken)) != spoken:
        spoken = unbracketed
    spoken = _COMMA_BEFORE_PUNCTUATION.sub("", spoken)
    spoken = spoken.replace("&", " and ")
    for pattern, words in _ABBREVIATIONS.items():
        spoken = re.sub(pattern, words, spoken, flags=re.IGNORECASE)
    spoken = _SEQUENCE.sub(_say_sequence, spoken)
    spoken = _RANGE.sub(_say_range, spoken)
    # Before the units: "2-min" is "2 min", which is "2 minutes" (so a second pass, which
    # would read the unit, changes nothing).
    spoken = _NUMBER_HYPHEN_WORD.sub(" ", spoken)
    spoken = _UNIT.sub(_say_unit, spoken)
    spoken = _WORD_SLASH_WORD.sub("-", spoken)
    spoken = " ".join(spoken.split()).lstrip(", ")
    if spoken and not spoken.endswith(_TERMINAL):
        spoken += "."
    return spoken


def _drop_abbreviation(match: re.Match[str]) -> str:
    # A space stays between the words around it: "0(DB)0" is two numbers, not "00".
    rest = match.string[match.end() :]
    return " " if rest[:1].isalnum() else ""


def _say_sequence(match: re.Match[str]) -> str:
    return ", ".join(re.findall(r"\d+", match.group()))


def _say_range(match: re.Match[str]) -> str:
    low, high = match.group(1), match.group(2)
    if int(high) <= int(low):  # not a range: "5-0" is a tempo's two phases
        return f"{low}, {high}"
    joiner = "or" if int(high) == int(low) + 1 else "to"
    return f"{low} {joiner} {high}"


def _say_unit(match: re.Match[str]) -> str:
    number, unit = match.group(1), _UNIT_WORDS[match.group(2)]
    return f"{number} {unit}" + ("" if number == "1" else "s")
