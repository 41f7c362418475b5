"""A catalogue: one language's words by key, with named placeholders and CLDR plural forms.

An entry is a text (``"Rest {seconds}."``) or, when it counts something, one text per
CLDR plural category (``{one: "{n} set", other: "{n} sets"}``): Babel's plural rules
choose the form for the number ``n``. A placeholder written with a capital
(``{Side}``) is the same value with its first letter capitalized, for a value that
starts a sentence in one language and not in another. Numbers are written as digits,
with the language's decimal sign ("1,5" in German): every speech engine reads digits in
its voice's language, and the clip cache then shares "12" between "12 reps" and the count.

``Phrase`` is a key with its values, a sentence not yet worded: the training log hands
its decisions to the compiler as phrases, and the compiler words them in the session's
language. A value may itself be a phrase (``Phrase("reps", n=10)``), worded first.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import babel
import yaml

# A text, or plural forms as (category, text) pairs (frozen, so a Program can hold one).
Entry = str | tuple[tuple[str, str], ...]
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")  # CLDR's, in its order
COUNT = "n"  # the value a plural entry's form is chosen by


@dataclass(frozen=True)
class Phrase:
    """A catalogue key and its values: words to be said in whichever language is chosen."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, key: str, **values: Any) -> Phrase:
        return cls(key, tuple(values.items()))


def placeholders(text: str) -> set[str]:
    """The placeholder names a text uses, as declared (``{Side}`` is ``side``)."""
    names = set()
    for _literal, name, _spec, _conversion in string.Formatter().parse(text):
        if name is not None:
            names.add(name[:1].lower() + name[1:])
    return names


def entry_placeholders(entry: Entry) -> set[str]:
    """Every placeholder of an entry, over all its plural forms."""
    if isinstance(entry, str):
        return placeholders(entry)
    return set().union(*(placeholders(text) for _category, text in entry))


def entry_texts(entry: Entry) -> list[str]:
    return [entry] if isinstance(entry, str) else [text for _category, text in entry]


def frozen_entry(value: str | Mapping[str, str]) -> Entry:
    """A YAML value (a text, or a mapping of plural forms) as an Entry."""
    if isinstance(value, str):
        return value
    return tuple((str(category), str(text)) for category, text in value.items())


class Catalogue:
    """One language's words; ``with_words`` lays a program's own words over them."""

    def __init__(
        self,
        language: str,
        entries: Mapping[str, Entry],
        how_often: Iterable[str] = (),
        iso639_2: str = "und",
    ) -> None:
        self.language = language
        self.iso639_2 = iso639_2  # the three-letter code ID3 tags name a language by
        self.entries = dict(entries)
        # The words a schedule uses to say how often itself ("three times per week"): a
        # program's schedule is said once, not after "Train 3 times a week" again.
        self.how_often = tuple(how_often)
        locale = babel.Locale.parse(language)
        self._plural = locale.plural_form
        self._decimal = locale.number_symbols["latn"]["decimal"]

    @property
    def plural_categories(self) -> tuple[str, ...]:
        """The CLDR categories this language's numbers fall into ("one", "other", ...)."""
        tags = set(self._plural.tags) | {"other"}
        return tuple(category for category in PLURAL_CATEGORIES if category in tags)

    def with_words(self, words: Iterable[tuple[str, Entry]]) -> Catalogue:
        """This catalogue with some entries replaced (a program's ``words:``)."""
        words = tuple(words)
        if not words:
            return self
        entries = {**self.entries, **dict(words)}
        return Catalogue(self.language, entries, self.how_often, self.iso639_2)

    def number(self, value: float) -> str:
        """A number as the language writes it: ``12``, ``1.5`` / ``1,5``."""
        if isinstance(value, int) or float(value).is_integer():
            return str(int(value))
        return f"{value:g}".replace(".", self._decimal)

    def say(self, key: str, /, **values: Any) -> str:
        """The words of ``key`` with its placeholders filled in."""
        entry = self.entries[key]
        if isinstance(entry, str):
            template = entry
        else:
            forms = dict(entry)
            category = self._plural(values[COUNT]) if COUNT in values else "other"
            template = forms.get(category, forms["other"])
        filled = {}
        for name in placeholders(template):
            value = values[name]
            if isinstance(value, Phrase):
                value = self.word(value)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                value = self.number(value)
            filled[name] = str(value)
            filled[name[:1].upper() + name[1:]] = str(value)[:1].upper() + str(value)[1:]
        return template.format(**filled)

    def weeks(self, first: int, through: int | None, form: str = "said") -> dict[str, Any]:
        """The values of a key that names the week ({week}, counted by {n}): ``3`` for one
        week; for a run of weeks that are the same session, "1 and 2" or "1 to 4" to be
        said, "1–2" to be shown, "1-2" on a card (its font has no en dash)."""
        last = first if through is None else through
        if last == first:
            return {COUNT: 1, "week": first}
        key = {
            "said": "week_pair" if last == first + 1 else "week_run",
            "shown": "week_span",
            "card": "card_week_span",
        }[form]
        return {COUNT: last - first + 1, "week": self.say(key, first=first, last=last)}

    def word(self, phrase: Phrase) -> str:
        """A phrase in this catalogue's words."""
        return self.say(phrase.key, **dict(phrase.values))

    def sentences(self, phrases: Iterable[Phrase]) -> str:
        """Phrases that are sentences, one after another."""
        return " ".join(self.word(phrase) for phrase in phrases)


def catalogue_text(language: str) -> str:
    """The catalogue file of ``language`` as shipped (src/voicecoach/words/LANG.yaml)."""
    return (resources.files("voicecoach.words") / f"{language}.yaml").read_text("utf-8")


@cache
def shipped_languages() -> tuple[str, ...]:
    """The languages a catalogue ships for, English first."""
    names = sorted(
        item.name.removesuffix(".yaml")
        for item in resources.files("voicecoach.words").iterdir()
        if item.name.endswith(".yaml")
    )
    return tuple(sorted(names, key=lambda name: name != "en"))


@cache
def catalogue(language: str = "en") -> Catalogue:
    """The shipped catalogue of ``language`` (a code of ``shipped_languages()``)."""
    data = yaml.safe_load(catalogue_text(language))
    entries = {str(key): frozen_entry(value) for key, value in data["words"].items()}
    return Catalogue(data["language"], entries, data.get("how_often", ()), data["iso639_2"])
