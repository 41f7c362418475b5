"""The phrase catalogues (voicecoach.words): complete in every language, worded by their
plural rules, checked against the compiler's timing; a program's own words and
pronunciations reach the timeline and the engine's text; --language chooses."""

from __future__ import annotations

import json
import re
from pathlib import Path

import babel
import pytest
from click.testing import CliRunner

from conftest import CASES, SHIPPED
from voicecoach.cli import cli
from voicecoach.compiler import (
    MAX_SPEEDUP,
    PALETTE,
    TONE_GAP_MS,
    CompileOptions,
    check_invariants,
    compile_program,
)
from voicecoach.compiler.session import BEAT_MS
from voicecoach.program import load_program, parse_program
from voicecoach.render.cache import ClipCache
from voicecoach.render.clips import ClipLibrary
from voicecoach.render.engines import EngineSpec, open_engine
from voicecoach.render.spoken import RULES, SPOKEN_FORM_VERSION, spoken_form
from voicecoach.words import (
    DEFAULT_RATE_WPM,
    KEYS,
    LANGUAGES,
    Phrase,
    beat_problem,
    catalogue,
    entry_placeholders,
)
from voicecoach.words.keys import (
    ROOM_AFTER_GO_TONE_MS,
    ROOM_AFTER_PHASE_TONE_MS,
    ROOM_BEFORE_END_TONE_MS,
)

ENGLISH = catalogue("en")
OTHERS = [language for language in LANGUAGES if language != "en"]
GERMAN_CASE = CASES / "deutsch.yaml"
SPANISH_CASE = CASES / "espanol.yaml"
CASE_OF = {"de": GERMAN_CASE, "es": SPANISH_CASE}


def test_german_and_spanish_ship() -> None:
    assert LANGUAGES == ("en", "de", "es")


def test_the_declaration_is_the_english_catalogue_key_for_key() -> None:
    assert list(ENGLISH.entries) == list(KEYS)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogue_has_every_key_with_the_same_placeholders(language: str) -> None:
    words = catalogue(language)
    assert words.language == language
    assert list(words.entries) == list(KEYS)
    different = {
        key: (entry_placeholders(words.entries[key]), entry_placeholders(english))
        for key, english in ENGLISH.entries.items()
        if entry_placeholders(words.entries[key]) != entry_placeholders(english)
    }
    assert different == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_counted_keys_have_the_plural_forms_their_language_needs(language: str) -> None:
    """Babel's CLDR rules name the categories a language's numbers fall into (en, de:
    one, other; es: one, many, other): every counted key has exactly those forms."""
    words = catalogue(language)
    needed = set(babel.Locale.parse(language).plural_form.tags) | {"other"}
    assert set(words.plural_categories) == needed
    counted = [key for key, entry in ENGLISH.entries.items() if not isinstance(entry, str)]
    assert len(counted) >= 14
    for key in KEYS:
        entry = words.entries[key]
        if key in counted:
            assert not isinstance(entry, str), key
            assert {category for category, _ in entry} == needed, key
        else:
            assert isinstance(entry, str), key


def test_plural_forms_follow_each_languages_rules() -> None:
    said = {
        lang: [catalogue(lang).say("seconds", n=n) for n in (1, 2, 1_000_000)] for lang in LANGUAGES
    }
    assert said == {
        "en": ["1 second", "2 seconds", "1000000 seconds"],
        "de": ["1 Sekunde", "2 Sekunden", "1000000 Sekunden"],
        "es": ["1 segundo", "2 segundos", "1000000 de segundos"],
    }
    assert catalogue("de").say("tempo_lower", seconds=1.5) == "1,5 absenken"
    assert ENGLISH.say("tempo_lower", seconds=1.5) == "lower for 1.5"


def test_the_beats_rooms_are_the_compilers() -> None:
    """What a beat leaves its words, derived from the compiler's own constants."""

    def room(tone: str, gap: int) -> int:
        return int((BEAT_MS - PALETTE[tone].duration_ms - gap) * MAX_SPEEDUP)

    assert ROOM_AFTER_PHASE_TONE_MS == room("lower", TONE_GAP_MS) == room("lift", TONE_GAP_MS)
    assert ROOM_AFTER_GO_TONE_MS == room("set_start", TONE_GAP_MS)
    assert ROOM_BEFORE_END_TONE_MS == room("rest_end", 0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalogues_beat_words_fit_their_beats(language: str) -> None:
    words = catalogue(language)
    beats = [key for key, spec in KEYS.items() if spec.beat_ms]
    assert {"count", "go", "beat_lower", "beat_lift"} <= set(beats)
    assert [
        (key, problem)
        for key in beats
        if (problem := beat_problem(key, words.entries[key], DEFAULT_RATE_WPM))
    ] == []


@pytest.mark.parametrize("language", OTHERS)
def test_the_logs_decisions_are_said_in_the_sessions_language(language: str) -> None:
    decision = (
        Phrase.of(
            "log_last",
            done=Phrase.of(
                "log_at_weight",
                done=Phrase.of("log_done_reps", numbers="10, 10, 9"),
                weight=Phrase.of("kilos", n=12.5),
            ),
        ),
        Phrase.of("log_today_same_weight", amount=Phrase.of("reps", n=10)),
    )
    said = {lang: catalogue(lang).sentences(decision) for lang in ("en", language)}
    assert said["en"] == "Last time 10, 10, 9 at 12.5 kilos. Today: 10 reps, same weight."
    assert (
        said[language]
        == {
            "de": "Letztes Mal 10, 10, 9 mit 12,5 Kilo. "
            "Heute: 10 Wiederholungen, gleiches Gewicht.",
            "es": "La última vez, 10, 10, 9 con 12,5 kilos. Hoy: 10 repeticiones, mismo peso.",
        }[language]
    )


# -- no English in another language's session ------------------------------------------


def _words_of(text: str) -> set[str]:
    return {word.casefold() for word in re.findall(r"[^\W\d_]+", text)}


def _catalogue_words(language: str) -> set[str]:
    words = catalogue(language)
    texts = []
    for entry in words.entries.values():
        texts += [entry] if isinstance(entry, str) else [text for _, text in entry]
    # The placeholders are no words: {exercise} is the program's.
    return set().union(*(_words_of(re.sub(r"\{\w+\}", " ", text)) for text in texts))


def english_leaks(texts: list[str], language: str) -> set[str]:
    """The English catalogue's words in ``texts``, less those ``language``'s catalogue uses
    too ("Phase", "Tempo", "in")."""
    english_only = _catalogue_words("en") - _catalogue_words(language)
    return set().union(*(_words_of(text) for text in texts)) & english_only


@pytest.mark.parametrize("language", OTHERS)
def test_no_english_word_of_the_catalogue_is_said_or_shown(language: str) -> None:
    """A program written in the language (tests/cases/deutsch.yaml, espanol.yaml): every
    phrase, chapter title and the track title, in every week and talk level."""
    program = load_program(str(CASE_OF[language]))
    assert program.language == language
    for week in (1, 2):
        for talk in ("brief", "normal", "full"):
            for counts in ("words", "tones"):
                options = CompileOptions(talk=talk, counts=counts)  # type: ignore[arg-type]
                timeline = compile_program(program, week, options)
                texts = timeline.speech_texts() + [c.title for c in timeline.chapters]
                assert english_leaks(texts + [timeline.title, timeline.focus], language) == set()
    assert english_leaks(["Rest 30 seconds. Next: the last set."], language) >= {"rest", "next"}


@pytest.mark.parametrize("language", OTHERS)
def test_a_shipped_programs_session_in_another_language_leaks_only_its_own_text(
    language: str,
) -> None:
    """The shipped program is written in English: its own texts are said as written, and
    nothing else of the session is English."""
    program = load_program(str(SHIPPED))
    own = set()
    for text in (
        program.title, program.description, program.schedule,
        program.progression.foundation.focus, program.progression.build.focus,
        program.progression.at_top, program.progression.weight_increase,
    ):  # fmt: skip
        own |= _words_of(text)
    for phase in program.phases:
        own |= _words_of(phase.name) | _words_of(phase.note)
        for ex in phase.exercises:
            for text in (ex.name, ex.target, ex.setup, ex.execution, ex.key_cue):
                own |= _words_of(text)
    for week in (1, 3, 8):
        timeline = compile_program(program, week, CompileOptions(language=language))
        said = set().union(*(_words_of(t) for t in timeline.speech_texts())) - own
        assert english_leaks(sorted(said), language) == set()


# -- spoken forms and clip keys ------------------------------------------------------------

SPOKEN = [
    ("de", "Pausiere 60-90s.", "Pausiere 60 bis 90 Sekunden."),
    ("de", "Stell dich 1-2 Schritte vor die Bank.", "Stell dich 1 oder 2 Schritte vor die Bank."),
    ("de", "Halte 1,5 min.", "Halte 1,5 Minuten."),
    ("de", "Hanteln & Bank, z.B. flach", "Hanteln und Bank, zum Beispiel flach."),
    ("de", "Ein 90-Grad-Winkel.", "Ein 90 Grad-Winkel."),
    ("de", "Tempo 5-0-2-0.", "Tempo 5, 0, 2, 0."),
    ("es", "Descansa 60-90s.", "Descansa 60 a 90 segundos."),
    ("es", "De 1-2 pasos.", "De 1 o 2 pasos."),
    ("es", "Mancuernas & banco, p. ej. plano", "Mancuernas y banco, por ejemplo plano."),
    ("es", "Mantén 30s (sin moverte).", "Mantén 30 segundos, sin moverte."),
    ("en", "Rest 60-90s.", "Rest 60 to 90 seconds."),
]


@pytest.mark.parametrize(("language", "text", "spoken"), SPOKEN)
def test_spoken_forms_say_numbers_and_units_in_the_language(
    language: str, text: str, spoken: str
) -> None:
    assert spoken_form(text, language) == spoken
    assert spoken_form(spoken, language) == spoken  # a second pass changes nothing


def test_every_language_has_spoken_rules() -> None:
    assert set(RULES) == set(LANGUAGES)


def test_pronounce_changes_the_engines_text_word_by_word() -> None:
    pronounce = (("RDL", "R D L"), ("DB", "dumbbell"))
    assert spoken_form("RDL, DB and RDLs.", "en", pronounce) == "R D L, dumbbell and RDLs."


def _library(tmp_path: Path, language: str, pronounce: tuple[tuple[str, str], ...] = ()):  # type: ignore[no-untyped-def]
    engine = open_engine(EngineSpec(engine="espeak"))
    return ClipLibrary(ClipCache(tmp_path), engine, language=language, pronounce=pronounce)


def test_english_clip_keys_are_what_they_always_were(tmp_path: Path) -> None:
    """Users' caches survive: an English clip's key is the hash it had before languages."""
    library = _library(tmp_path, "en")
    engine = open_engine(EngineSpec(engine="espeak"))
    before = {**engine.identity(), "spoken_form": SPOKEN_FORM_VERSION}
    cache = ClipCache(tmp_path)
    for text in ("12", "Rep 3, down", "Stand 2-3 feet before a bench."):
        assert library.key(text) == cache.key(before, text)
        assert library.key(text, "fit:100") == cache.key(before, text, "fit:100")


def test_the_language_and_the_spoken_form_are_in_the_clip_key(tmp_path: Path) -> None:
    keys = {lang: _library(tmp_path, lang).key("12") for lang in LANGUAGES}
    assert len(set(keys.values())) == 3  # "12" said by a German voice is no English clip
    plain = _library(tmp_path, "en").key("Dumbbell RDL.")
    said = _library(tmp_path, "en", (("RDL", "R D L"),))
    other = _library(tmp_path, "en", (("RDL", "Romanian deadlift"),))
    assert len({plain, said.key("Dumbbell RDL."), other.key("Dumbbell RDL.")}) == 3
    assert said.key("12") == _library(tmp_path, "en").key("12")  # untouched: shared


# -- a program's language, its words and its pronunciations --------------------------------

WORDED = """\
words:
  rest_next: "Up next: {exercise}. Breathe."
  go: Now
  seconds: {one: "{n} sec", other: "{n} secs"}
pronounce:
  Goblet: "gob let"
"""


def test_a_programs_words_reach_the_timeline() -> None:
    base = (CASES / "tempo_basic.yaml").read_text()
    plain = compile_program(parse_program(base), 1)
    worded = compile_program(parse_program(base + WORDED), 1)
    before, after = plain.speech_texts(), worded.speech_texts()
    assert "Rest 12 secs. Next: set 2 of 2." not in after  # a set is no exercise
    assert "Go" in before and "Go" not in after and "Now" in after
    assert "2 sets of 3 reps, 12 seconds rest." in before
    assert "2 sets of 3 reps, 12 secs rest." in after
    assert check_invariants(worded) == []
    # The exercise's name stays as written: pronounce is for the engine only.
    assert "Goblet Squat." in after


def test_a_programs_words_are_said_in_its_language_and_over_it() -> None:
    german = GERMAN_CASE.read_text() + 'words:\n  rest_next: "Gleich: {exercise}. Durchatmen."\n'
    timeline = compile_program(parse_program(german), 1)
    assert "10 Sekunden Pause. Gleich: Rumpfdrehung. Durchatmen." in timeline.speech_texts()


def test_language_from_the_file_and_the_command_line_wins(tmp_path: Path) -> None:
    def plan(*args: str) -> dict:
        result = CliRunner().invoke(
            cli, ["plan", str(SPANISH_CASE), "--json", "--cache-dir", str(tmp_path), *args]
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert plan()["language"] == "es" and plan()["chapters"][0]["title"] == "Introducción"
    german = plan("--language", "de")
    assert german["language"] == "de" and german["chapters"][0]["title"] == "Einleitung"
    english = plan("--language", "en")
    assert "language" not in english  # absent: English, as every timeline before
    assert english["chapters"][0]["title"] == "Introduction"
    result = CliRunner().invoke(cli, ["plan", str(SPANISH_CASE), "--language", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of 'en', 'de', 'es'" in result.output


def test_the_plan_table_shows_its_cells_in_the_language(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["plan", str(SHIPPED), "--week", "8", "--language", "de", "--cache-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "13 Wdh./Seite" in result.output and "5-0-2-1 Heben zuerst" in result.output
    assert "schwerer" in result.output and "30 s" in result.output


def test_ninety_seconds_and_the_plan_columns_are_said_and_shown_per_language() -> None:
    """A 90-second rest is the one length languages say their own way; the plan table's
    column names are the catalogue's too (English: the table as it always was)."""
    from voicecoach.compiler.amounts import seconds_words
    from voicecoach.report import PLAN_HEADER, plan_header

    said = {lang: seconds_words(catalogue(lang), 90_000) for lang in LANGUAGES}
    assert said == {"en": "90 seconds", "de": "anderthalb Minuten", "es": "90 segundos"}
    assert catalogue("de").say("rest", seconds=said["de"]) == "Anderthalb Minuten Pause."
    assert seconds_words(catalogue("de"), 60_000) == "60 Sekunden"
    assert plan_header("en") == PLAN_HEADER
    assert plan_header("de")[1:3] == ("Übung", "Sätze")
    assert plan_header("es")[5] == "Descanso"
