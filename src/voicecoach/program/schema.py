"""The program format: every key of every mapping, declared once, and the rules across keys.

Each ``...Keys`` class below is one mapping of a program file; each attribute one key, with
its type and limits, its default (or REQUIRED) and a one-line doc (fields.py says how a
declaration is read). The reference tables of docs/program-format.md are generated from
these classes (reference.py) and a test keeps the two equal. Adding a key is one line here
plus the model's attribute (model.py).

Every error names file:line:column, the key path (``phases[1].exercises[0].reps``, indices
from 0), what was expected and what was found (nodes.py words them).
"""

from __future__ import annotations

from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode

from voicecoach.program.fields import (
    KEY_DEFAULTS,
    REQUIRED,
    Boolean,
    Choice,
    Count,
    Derived,
    Duration,
    Field,
    Glossary,
    Integer,
    Items,
    Keys,
    Seconds,
    Section,
    Text,
    TextList,
    Wording,
)
from voicecoach.program.loading import compose_yaml, read_text
from voicecoach.program.model import (
    COUNT_STYLES,
    RATE_WPM,
    TALK_LEVELS,
    CycleStep,
    Exercise,
    Phase,
    Program,
    Progression,
    Stage,
    Tempo,
    Voice,
)
from voicecoach.program.nodes import Nodes, describe
from voicecoach.program.quantities import is_none_word
from voicecoach.words import DEFAULT_RATE_WPM, LANGUAGES, beat_problem

# Documented limits (docs/program-format.md#limits): they keep a typo or a hostile file
# from asking for a session that renders for hours.
MAX_NAME = 80
MAX_PHASES = 20
MAX_EXERCISES = 60
MAX_SETS = 20
MAX_REPS = 100
MAX_CYCLES = 100
MAX_CYCLE_STEPS = 8
MAX_HOLD_MS = 10 * 60_000
MAX_REST_MS = 10 * 60_000
# A hold or rest ends with a spoken or piped 3-2-1 countdown: shorter ones cannot hold it.
MIN_TIMED_MS = 5_000
MAX_TEMPO_PHASE_MS = 30_000
MAX_LEAD_MS = 120_000
MIN_LEAD_MS = 4_000  # room for "3, 2, 1" and the start marker

LEVELS = ("bottom", "middle", "top")
REST_RULES = ("low", "middle", "high", "climb")
INSTRUCTIONS = ("full", "short")
KINDS = ("reps", "hold", "cycles")
ONE_KIND = "give one of `reps`, `hold`, `cycles`"


# The texts a first program need not write: the catalogue's, in the session's language
# (voicecoach.words: foundation_focus, build_focus, at_top, weight_increase).
def _catalogue_default(key: str) -> str:
    return f"the language's words (`{key}`, docs/languages.md)"


def load_program(path: str) -> Program:
    """Read, parse and validate a program file. Raises ProgramError for any problem."""
    text = read_text(path)
    return parse_program(text, path)


def parse_program(text: str, path: str = "<program>") -> Program:
    """Validate program YAML text; ``path`` is only used in messages."""
    root = compose_yaml(text, path)
    return PROGRAM.read(Nodes(path), root, "")


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when it has one)."""
    for end in (". ", "! ", "? "):
        if end in text:
            return text.split(end, 1)[0] + end.strip()
    return text


# -- the declaration, innermost mappings first -----------------------------------------


class TempoKeys(Keys):
    """A rep's four phases in seconds, and which one it starts with. An exercise's
    `tempo` changes only the keys it gives; the others are the program's."""

    heading = "tempo"
    builds = Tempo

    lower = Seconds(
        "Lowering (the eccentric).", default=2000, attr="lower_ms", high_ms=MAX_TEMPO_PHASE_MS
    )
    bottom = Seconds(
        "The pause at the bottom.", default=0, attr="bottom_ms", high_ms=MAX_TEMPO_PHASE_MS
    )
    lift = Seconds(
        "Lifting (the concentric).", default=2000, attr="lift_ms", high_ms=MAX_TEMPO_PHASE_MS
    )
    top = Seconds("The pause at the top.", default=0, attr="top_ms", high_ms=MAX_TEMPO_PHASE_MS)
    start = Choice(
        "The phase a rep begins with: `lower` (squats, presses) or `lift` (rows, bridges).",
        default="lower",
        choices=("lower", "lift"),
    )

    def assemble(self, nodes: Nodes, found: dict[str, Node], node: Node, path: str) -> Tempo:
        return self.over(nodes, found, node, path, self.make(self.values_of_defaults()))

    def over(
        self, nodes: Nodes, found: dict[str, Node], node: Node, path: str, base: Tempo
    ) -> Tempo:
        """The tempo the mapping gives, its missing keys taken from ``base``."""
        given = {key: getattr(base, declared.name) for key, declared in self.fields.items()}
        tempo: Tempo = self.make(self.values(nodes, found, path, defaults=given))
        if tempo.lower_ms + tempo.lift_ms < 1000:
            nodes.fail(node, path, "expected at least 1 second of lowering and lifting in a rep")
        return tempo


TEMPO = TempoKeys()


# The render stage's engines (render/engines ENGINES; a test keeps the two lists equal).
ENGINE_NAMES = ("piper", "pyttsx3", "espeak", "command")


class VoiceKeys(Keys):
    """Speech settings; the command line's options override them."""

    heading = "voice"
    builds = Voice

    engine = Choice(
        "The speech engine (`voicecoach voices` lists each engine's voices).",
        default=None,
        shown_default="`piper`",
        choices=ENGINE_NAMES,
    )
    voice = Text(
        "A voice id or name (`voicecoach voices` lists them).",
        default=None,
        shown_default="the engine's",
        limit=200,
    )
    rate = Integer(
        "Speaking rate in words per minute.",
        default=None,
        shown_default="the voice's own",
        low=RATE_WPM[0],
        high=RATE_WPM[1],
        what="words per minute",
    )
    model = Text(
        "A Piper voice model (`.onnx`, its `.onnx.json` beside it), relative to this file.",
        default=None,
        shown_default="the bundled en_US-joe-medium",
        limit=1000,
    )


class FoundationKeys(Keys):
    """The first weeks: light weights, form first (docs/progression.md)."""

    heading = "progression.foundation"

    weeks = Integer(
        "How many weeks the foundation lasts: weeks 1 to this (0 for none).",
        default=REQUIRED,
        attr="foundation_weeks",
        low=0,
        high=52,
        what="weeks",
    )
    focus = Text(
        "Spoken in each foundation week's intro; the MP3's comment.",
        default="",
        shown_default=_catalogue_default("foundation_focus"),
    )
    reps = Choice("Where in each rep range the foundation stays.", default="bottom", choices=LEVELS)
    holds = Choice("Where in each hold range.", default="bottom", choices=LEVELS)
    cycles = Choice("Where in each cycles range.", default="bottom", choices=LEVELS)
    rest = Choice(
        "Where in each rest range (`climb`: from low to high as the reps climb).",
        default="high",
        choices=REST_RULES,
    )
    instructions = Choice(
        "`full`: target, setup and execution of every exercise; `short`: the key cue.",
        default="full",
        choices=INSTRUCTIONS,
    )


class BuildKeys(Keys):
    """The weeks after the foundation: add a little each week (docs/progression.md)."""

    heading = "progression.build"

    focus = Text(
        "Spoken in each build week's intro; the MP3's comment.",
        default="",
        shown_default=_catalogue_default("build_focus"),
    )
    reps_step = Integer("Reps added each week.", default=1, low=1, high=10, what="reps")
    hold_step = Duration(
        "Time added to every hold each week.",
        default=5000,
        attr="hold_step_ms",
        low_ms=1000,
        high_ms=60_000,
    )
    cycles_step = Integer("Cycles added each week.", default=1, low=1, high=10, what="cycles")
    rest = Choice("Where in each rest range.", default="climb", choices=REST_RULES)
    instructions = Choice(
        "How much is said of each exercise.", default="short", choices=INSTRUCTIONS
    )
    at_top = Text(
        "Said when an exercise reaches the top of its rep range.",
        default="",
        shown_default=_catalogue_default("at_top"),
    )
    weight_increase = Text(
        "Said the week after, when the reps start over.",
        default="",
        shown_default=_catalogue_default("weight_increase"),
    )


class ProgressionKeys(Keys):
    """How each week's prescription is chosen (docs/progression.md)."""

    heading = "progression"

    foundation = Section("The first weeks.", default=REQUIRED, keys=FoundationKeys())
    build = Section("The weeks after.", default=KEY_DEFAULTS, keys=BuildKeys())

    def make(self, values: dict[str, Any]) -> Progression:
        # The two stages share the Stage model; the rest is the progression's own.
        foundation, build = dict(values["foundation"]), dict(values["build"])
        weeks = foundation.pop("foundation_weeks")
        stage = {key: build.pop(key) for key in ("focus", "rest", "instructions")}
        # The build starts every range at its bottom and climbs by the steps.
        climbing: dict[str, Any] = {"reps": "bottom", "holds": "bottom", "cycles": "bottom"}
        return Progression(
            foundation_weeks=weeks,
            foundation=Stage(**foundation),
            build=Stage(**stage, **climbing),
            **build,
        )


class CycleStepKeys(Keys):
    """One spoken step of a slow cycle."""

    heading = "cycle step"
    builds = CycleStep

    say = Text("What the coach says.", default=REQUIRED, limit=200)
    time = Duration(
        "How long the step lasts.",
        default=REQUIRED,
        attr="duration_ms",
        low_ms=1000,
        high_ms=60_000,
    )


class _TempoOrNone(Section):
    """An exercise's tempo: a mapping over the program's, or ``none`` (paced by rep_time)."""

    def value_text(self) -> str:
        return super().value_text() + ", or `none`"


class ExerciseKeys(Keys):
    """One exercise: exactly one of `reps`, `hold`, `cycles`."""

    heading = "exercise"

    name = Text(
        "Spoken when the exercise starts; its chapter title.", default=REQUIRED, limit=MAX_NAME
    )
    sets = Integer("How many sets.", default=REQUIRED, low=1, high=MAX_SETS, what="sets")
    reps = Count(
        "Repetitions per set (per side with `sides`).",
        default=None,
        shown_default=ONE_KIND,
        limit=MAX_REPS,
        what="reps",
    )
    hold = Duration(
        "A hold per set, counted down.",
        default=None,
        shown_default=ONE_KIND,
        low_ms=MIN_TIMED_MS,
        high_ms=MAX_HOLD_MS,
        ranged=True,
    )
    cycles = Count(
        "Slow cycles per set, each spoken step by step (`cycle`).",
        default=None,
        shown_default=ONE_KIND,
        limit=MAX_CYCLES,
        what="cycles",
    )
    sides = Choice(
        "`each`: a set on one side, then the other; `alternating`: both sides in every rep.",
        default="none",
        choices=("none", "each", "alternating"),
    )
    rest = Duration(
        "After every set, the last one too.",
        default=None,
        attr="rest_ms",
        low_ms=MIN_TIMED_MS,
        high_ms=MAX_REST_MS,
        ranged=True,
        none_ok=True,
    )
    tempo = _TempoOrNone(
        "Changes the program's tempo for this exercise (reps only).",
        default=None,  # never used: exercise() always resolves the tempo
        shown_default="the program's",
        keys=TEMPO,
    )
    rep_time = Duration(
        "With `tempo: none`: the time of one rep (per side when alternating).",
        default=0,
        attr="rep_ms",
        shown_default="none",
        low_ms=500,
        high_ms=30_000,
    )
    cycle = Items(
        "With `cycles`: the spoken steps of one cycle.",
        default=(),
        shown_default="none",
        keys=CycleStepKeys(),
        what="steps",
        limit=MAX_CYCLE_STEPS,
    )
    target = Text("The muscles worked, spoken in full instructions.", default="")
    setup = Text("How to get into position, spoken in full instructions.", default="")
    execution = Text("How to move, spoken in full instructions.", default="")
    key_cue = Text(
        "The short instruction of the build weeks.",
        default=Derived(
            "the first sentence of `execution`", lambda v: first_sentence(v["execution"])
        ),
    )
    weighted = Boolean(
        "`false`: at the top of the range, stay there instead of adding weight.", default=True
    )

    def exercise(self, nodes: Nodes, node: Node, path: str, program_tempo: Tempo) -> Exercise:
        found = self.found(nodes, node, path)
        kinds = [kind for kind in KINDS if kind in found]
        if len(kinds) != 1:
            got = " and ".join(kinds) if kinds else "none of them"
            nodes.fail(node, path, f"expected exactly one of reps, hold or cycles, got {got}")
        kind = kinds[0]
        self.check_kind_keys(nodes, found, node, path, kind)
        tempo = self.tempo_of(nodes, found, node, path, program_tempo) if kind == "reps" else None
        values = self.values(nodes, found, path, given={"tempo": tempo})
        if values["sides"] == "alternating" and kind != "reps":
            nodes.fail(
                found["sides"],
                f"{path}.sides",
                "alternating sides apply to reps; use 'each' for holds and cycles",
            )
        amount = values[kind]
        for name in KINDS:
            del values[name]
        return Exercise(kind=kind, amount=amount, **values)  # type: ignore[arg-type]

    def check_kind_keys(
        self, nodes: Nodes, found: dict[str, Node], node: Node, path: str, kind: str
    ) -> None:
        """Keys that belong to one kind of exercise only."""
        if kind != "reps":
            for key in ("tempo", "rep_time"):
                if key in found:
                    nodes.fail(found[key], f"{path}.{key}", f"{key} applies to reps, not {kind}")
        if kind == "cycles" and "cycle" not in found:
            nodes.fail(
                node,
                path,
                "with 'cycles', give 'cycle': the steps of one cycle, each with say and time",
            )
        if kind != "cycles" and "cycle" in found:
            nodes.fail(found["cycle"], f"{path}.cycle", "cycle applies to cycles")

    def tempo_of(
        self, nodes: Nodes, found: dict[str, Node], node: Node, path: str, program_tempo: Tempo
    ) -> Tempo | None:
        """The exercise's tempo over the program's, or None for ``tempo: none``."""
        tempo_node = found.get("tempo")
        untimed = isinstance(tempo_node, ScalarNode) and is_none_word(
            nodes.scalar(tempo_node, f"{path}.tempo", "a tempo")
        )
        if untimed and "rep_time" not in found:
            nodes.fail(node, path, "with 'tempo: none', give 'rep_time' (like 2s) to pace each rep")
        if not untimed and "rep_time" in found:
            nodes.fail(found["rep_time"], f"{path}.rep_time", "rep_time goes with 'tempo: none'")
        if untimed:
            return None
        if tempo_node is None:
            return program_tempo
        where = f"{path}.tempo"
        return TEMPO.over(
            nodes, TEMPO.found(nodes, tempo_node, where), tempo_node, where, program_tempo
        )


EXERCISE = ExerciseKeys()


class PhaseKeys(Keys):
    """A named group of exercises; the coach announces it as "Phase 1: name"."""

    heading = "phase"

    name = Text("Spoken when the phase starts.", default=REQUIRED, limit=MAX_NAME)
    note = Text("Spoken after the phase's name.", default="")
    exercises = Items(
        "The phase's exercises, in order.",
        default=REQUIRED,
        keys=EXERCISE,
        what="exercises",
        limit=MAX_EXERCISES,
    )

    def phase(self, nodes: Nodes, node: Node, path: str, program_tempo: Tempo) -> Phase:
        found = self.found(nodes, node, path)
        items = self.exercises.item_nodes(nodes, found["exercises"], f"{path}.exercises")
        exercises = tuple(
            EXERCISE.exercise(nodes, item, where, program_tempo) for item, where in items
        )
        return Phase(**self.values(nodes, found, path, given={"exercises": exercises}))


PHASE = PhaseKeys()


class ProgramKeys(Keys):
    """The file itself."""

    heading = "program"

    title = Text(
        "The program's name: spoken first, the album tag, part of the file names.",
        default=REQUIRED,
        limit=MAX_NAME,
    )
    description = Text("Spoken in the intro of the weeks with full instructions.", default="")
    artist = Text("The MP3's artist tag.", default="voicecoach", limit=MAX_NAME)
    sessions_per_week = Integer(
        "How many sessions a week; spoken with `schedule`.",
        default=3,
        low=1,
        high=14,
        what="sessions",
    )
    schedule = Text("When to train, spoken in the weeks with full instructions.", default="")
    tempo = Section("The tempo of every exercise with reps.", default=KEY_DEFAULTS, keys=TEMPO)
    setup = Duration(
        'Before every set, to get into position; ends in "3, 2, 1".',
        default=10_000,
        attr="setup_ms",
        low_ms=MIN_LEAD_MS,
        high_ms=MAX_LEAD_MS,
    )
    switch = Duration(
        "Changing sides within a set.",
        default=10_000,
        attr="switch_ms",
        low_ms=MIN_LEAD_MS,
        high_ms=MAX_LEAD_MS,
    )
    transition = Duration(
        "To the next exercise when there is no rest.",
        default=15_000,
        attr="transition_ms",
        low_ms=MIN_LEAD_MS,
        high_ms=MAX_LEAD_MS,
    )
    voice = Section("Speech settings.", default=KEY_DEFAULTS, keys=VoiceKeys())
    talk = Choice(
        "How much the coach says (`build --talk` wins).",
        choices=TALK_LEVELS,
        default=None,
        shown_default="`normal`",
    )
    counts = Choice(
        "How the tempo is marked: counted aloud, or by tones (`build --counts` wins).",
        choices=COUNT_STYLES,
        default=None,
        shown_default="`words`",
    )
    music = TextList(
        "Music under the coach: files or folders, relative to this file (`--music` wins).",
        default=(),
        limit=100,
        what="paths",
    )
    language = Choice(
        "The language the coach speaks and the track shows (`--language` wins); the "
        "program's own texts are said as written.",
        choices=LANGUAGES,
        default=None,
        shown_default="`en`",
    )
    words = Wording(
        "The program's own words for any of the catalogue's keys ([the words](#the-words)).",
        default=(),
    )
    pronounce = Glossary(
        "How the speech engine should say a word (`RDL: R D L`); what is shown keeps it.",
        default=(),
        limit=200,
    )
    progression = Section(
        "How each week's prescription is chosen.", default=REQUIRED, keys=ProgressionKeys()
    )
    phases = Items(
        "The session, in order.",
        default=REQUIRED,
        keys=PHASE,
        what="phases",
        limit=MAX_PHASES,
    )

    def read(self, nodes: Nodes, node: Node, path: str) -> Program:
        if not isinstance(node, MappingNode):
            nodes.fail(
                node,
                "",
                "expected a program (a mapping with title, progression and phases), "
                f"got {describe(node)}",
            )
        found = self.found(nodes, node, path)
        # Read first: every exercise with reps inherits the program's tempo.
        if "tempo" in found:
            tempo = self.tempo.read(nodes, found["tempo"], "tempo")
        else:
            tempo = self.default_of(self.tempo)
        items = self.phases.item_nodes(nodes, found["phases"], "phases")
        phases = tuple(PHASE.phase(nodes, item, where, tempo) for item, where in items)
        count = sum(len(p.exercises) for p in phases)
        if count > MAX_EXERCISES:
            nodes.fail(found["phases"], "phases", f"at most {MAX_EXERCISES} exercises, got {count}")
        values = self.values(nodes, found, path, given={"tempo": tempo, "phases": phases})
        if "words" in found:
            self.check_beats(nodes, found["words"], values["voice"].rate or DEFAULT_RATE_WPM)
        return Program(**values, source=nodes.file)

    def check_beats(self, nodes: Nodes, words: Node, rate: int) -> None:
        """A program's word said on a beat must fit the beat at the program's rate."""
        assert isinstance(words, MappingNode)  # read (and so checked) by Wording first
        for key_node, value_node in words.value:
            key = str(key_node.value)
            entry = self.words.read(nodes, MappingNode("", [(key_node, value_node)]), "words")
            problem = beat_problem(key, entry[0][1], rate)
            if problem:
                nodes.fail(value_node, f"words.{key}", problem)


PROGRAM = ProgramKeys()
"""The whole format: the root mapping, reaching every other mapping through its keys."""


def declared_mappings() -> list[Keys]:
    """Every mapping of the format, once each, outermost first (for the reference)."""
    seen: list[Keys] = []

    def visit(keys: Keys) -> None:
        if any(type(keys) is type(known) for known in seen):
            return
        seen.append(keys)
        for declared in keys.fields.values():
            if isinstance(declared, (Section, Items)):
                visit(declared.keys)

    visit(PROGRAM)
    return seen


__all__ = ["PROGRAM", "Field", "declared_mappings", "load_program", "parse_program"]
