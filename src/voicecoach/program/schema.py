"""Give YAML nodes their meaning: validate a program file and build a frozen Program.

Every error names file:line:column, the key path (``phases[1].exercises[0].reps``, indices
from 0), what was expected and what was found. Unknown keys are refused with the nearest
valid key suggested. The format is documented in docs/program-format.md.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from voicecoach.errors import ProgramError
from voicecoach.program.loading import compose_yaml, read_text
from voicecoach.program.model import (
    CycleStep,
    Exercise,
    Phase,
    Program,
    Progression,
    Span,
    Stage,
    Tempo,
    Voice,
)
from voicecoach.program.quantities import (
    QuantityError,
    is_none_word,
    parse_count_span,
    parse_duration_span,
    parse_seconds,
)

T = TypeVar("T")

# Documented limits (docs/program-format.md#limits): they keep a typo or a hostile file
# from asking for a session that renders for hours.
MAX_NAME = 80
MAX_TEXT = 2_000
MAX_PHASES = 20
MAX_EXERCISES = 60
MAX_SETS = 20
MAX_REPS = 100
MAX_CYCLES = 100
MAX_HOLD_MS = 10 * 60_000
MAX_REST_MS = 10 * 60_000
# A hold or rest ends with a spoken or piped 3-2-1 countdown: shorter ones cannot hold it.
MIN_TIMED_MS = 5_000
MAX_TEMPO_PHASE_MS = 30_000
MAX_LEAD_MS = 120_000
MIN_LEAD_MS = 4_000  # room for "3, 2, 1" and the start marker

_PROGRAM_KEYS = {
    "title": True,
    "description": False,
    "artist": False,
    "sessions_per_week": False,
    "schedule": False,
    "tempo": False,
    "setup": False,
    "switch": False,
    "transition": False,
    "voice": False,
    "progression": True,
    "phases": True,
}
_TEMPO_KEYS = {"lower": False, "bottom": False, "lift": False, "top": False, "start": False}
_VOICE_KEYS = {"engine": False, "voice": False, "model": False, "rate": False}
# The render stage's engines (render/engines ENGINES; a test keeps the two lists equal).
ENGINE_NAMES = ("piper", "pyttsx3", "espeak", "command")
_PROGRESSION_KEYS = {"foundation": True, "build": True}
_FOUNDATION_KEYS = {
    "weeks": True,
    "focus": True,
    "reps": False,
    "holds": False,
    "cycles": False,
    "rest": False,
    "instructions": False,
}
_BUILD_KEYS = {
    "focus": True,
    "reps_step": False,
    "hold_step": False,
    "cycles_step": False,
    "rest": False,
    "instructions": False,
    "at_top": False,
    "weight_increase": False,
}
_PHASE_KEYS = {"name": True, "note": False, "exercises": True}
_EXERCISE_KEYS = {
    "name": True,
    "sets": True,
    "reps": False,
    "hold": False,
    "cycles": False,
    "sides": False,
    "rest": False,
    "tempo": False,
    "rep_time": False,
    "cycle": False,
    "target": False,
    "setup": False,
    "execution": False,
    "key_cue": False,
    "weighted": False,
}
_CYCLE_STEP_KEYS = {"say": True, "time": True}

_LEVELS = ("bottom", "middle", "top")
_REST_RULES = ("low", "middle", "high", "climb")
_INSTRUCTIONS = ("full", "short")
_SIDES = ("none", "each", "alternating")
_STARTS = ("lower", "lift")
_DEFAULT_TEMPO = Tempo(lower_ms=2000, bottom_ms=0, lift_ms=2000, top_ms=0)


def load_program(path: str) -> Program:
    """Read, parse and validate a program file. Raises ProgramError for any problem."""
    text = read_text(path)
    return parse_program(text, path)


def parse_program(text: str, path: str = "<program>") -> Program:
    """Validate program YAML text; ``path`` is only used in messages."""
    root = compose_yaml(text, path)
    return _Reader(path).program(root)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = _construct(node)
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _construct(node: Node) -> Any:
    # A fresh constructor per scalar: it remembers what it built, and scalars are few.
    return yaml.constructor.SafeConstructor().construct_object(node)


class _Reader:
    """Walks the node tree once, carrying the file name for messages."""

    def __init__(self, file: str) -> None:
        self.file = file

    # -- primitives -------------------------------------------------------------------

    def fail(self, node: Node, path: str, message: str) -> NoReturn:
        raise ProgramError(
            self.file,
            message,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
            path=path or None,
        )

    def mapping(self, node: Node, path: str, keys: dict[str, bool]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self.fail(node, path, f"expected a mapping of {', '.join(keys)}, got {_describe(node)}")
        found: dict[str, Node] = {}
        key_nodes: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, path, f"expected a key name, got {_describe(key_node)}")
            key = str(key_node.value)
            shown = key if key.isidentifier() else f"[{key!r}]"
            where = (f"{path}.{shown}" if shown[0] != "[" else f"{path}{shown}") if path else shown
            if key in found:
                first = key_nodes[key].start_mark.line + 1
                self.fail(key_node, where, f"duplicate key (first given on line {first})")
            if key not in keys:
                close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.6)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.fail(
                    key_node, where, f"unknown key {key!r}; {hint}valid keys are: {', '.join(keys)}"
                )
            found[key] = value_node
            key_nodes[key] = key_node
        missing = [key for key, required in keys.items() if required and key not in found]
        if missing:
            self.fail(node, path, f"missing required key {missing[0]!r}")
        return found

    def sequence(self, node: Node, path: str, what: str, limit: int) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.fail(node, path, f"expected a list of {what}, got {_describe(node)}")
        if not node.value:
            self.fail(node, path, f"expected at least one {what.rstrip('s')}, got an empty list")
        if len(node.value) > limit:
            self.fail(node, path, f"at most {limit} {what} are allowed, got {len(node.value)}")
        return list(node.value)

    def scalar(self, node: Node, path: str, expected: str) -> Any:
        if not isinstance(node, ScalarNode):
            self.fail(node, path, f"expected {expected}, got {_describe(node)}")
        try:
            return _construct(node)
        except yaml.YAMLError:
            self.fail(node, path, f"expected {expected}, got {node.value!r}")

    def text(self, node: Node, path: str, *, limit: int = MAX_TEXT) -> str:
        value = self.scalar(node, path, "text")
        if value is None or isinstance(value, bool):
            self.fail(node, path, f"expected text, got {_describe(node)}")
        text = " ".join(str(value).split())
        if not text:
            self.fail(node, path, "expected text, got an empty string")
        if len(text) > limit:
            self.fail(node, path, f"expected at most {limit} characters, got {len(text)}")
        if any(ord(ch) < 32 for ch in text):
            self.fail(node, path, "expected plain text, got control characters")
        return text

    def integer(self, node: Node, path: str, low: int, high: int, what: str) -> int:
        value = self.scalar(node, path, f"a whole number of {what}")
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(node, path, f"expected a whole number of {what}, got {_describe(node)}")
        if not low <= value <= high:
            self.fail(node, path, f"expected {low} to {high} {what}, got {value}")
        return value

    def choice(self, node: Node, path: str, choices: tuple[str, ...]) -> str:
        value = self.scalar(node, path, f"one of {', '.join(choices)}")
        if value not in choices:
            self.fail(node, path, f"expected one of {', '.join(choices)}, got {_describe(node)}")
        return str(value)

    def boolean(self, node: Node, path: str) -> bool:
        value = self.scalar(node, path, "true or false")
        if not isinstance(value, bool):
            self.fail(node, path, f"expected true or false, got {_describe(node)}")
        return value

    def parsed(self, node: Node, path: str, parse: Callable[[Any], T]) -> T:
        value = self.scalar(node, path, "a value")
        try:
            return parse(value)
        except QuantityError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            self.fail(node, path, f"{exc.expected}, got {_describe(node)}{hint}")
        except ValueError as exc:
            self.fail(node, path, f"{exc}, got {_describe(node)}")

    def duration(self, node: Node, path: str, low_ms: int, high_ms: int) -> Span:
        span = self.parsed(node, path, parse_duration_span)
        if span.low < low_ms or span.high > high_ms:
            self.fail(
                node,
                path,
                f"expected {_seconds(low_ms)} to {_seconds(high_ms)}, got {_describe(node)}",
            )
        return span

    def single_duration(self, node: Node, path: str, low_ms: int, high_ms: int) -> int:
        span = self.duration(node, path, low_ms, high_ms)
        if not span.fixed:
            self.fail(node, path, f"expected one duration like 10s, got {_describe(node)}")
        return span.low

    # -- the program ------------------------------------------------------------------

    def program(self, node: Node) -> Program:
        if not isinstance(node, MappingNode):
            self.fail(
                node,
                "",
                f"expected a program (a mapping with title, progression and phases), "
                f"got {_describe(node)}",
            )
        keys = self.mapping(node, "", _PROGRAM_KEYS)
        tempo = _DEFAULT_TEMPO
        if "tempo" in keys:
            tempo = self.tempo(keys["tempo"], "tempo", _DEFAULT_TEMPO)
        setup_ms = 10_000
        if "setup" in keys:
            setup_ms = self.single_duration(keys["setup"], "setup", MIN_LEAD_MS, MAX_LEAD_MS)
        switch_ms = 10_000
        if "switch" in keys:
            switch_ms = self.single_duration(keys["switch"], "switch", MIN_LEAD_MS, MAX_LEAD_MS)
        transition_ms = 15_000
        if "transition" in keys:
            transition_ms = self.single_duration(
                keys["transition"], "transition", MIN_LEAD_MS, MAX_LEAD_MS
            )
        phase_nodes = self.sequence(keys["phases"], "phases", "phases", MAX_PHASES)
        phases = tuple(
            self.phase(phase_node, f"phases[{index}]", tempo)
            for index, phase_node in enumerate(phase_nodes)
        )
        count = sum(len(phase.exercises) for phase in phases)
        if count > MAX_EXERCISES:
            self.fail(keys["phases"], "phases", f"at most {MAX_EXERCISES} exercises, got {count}")
        return Program(
            title=self.text(keys["title"], "title", limit=MAX_NAME),
            description=self.optional_text(keys, "description", ""),
            artist=self.optional_text(keys, "artist", "voicecoach", limit=MAX_NAME),
            sessions_per_week=(
                self.integer(keys["sessions_per_week"], "sessions_per_week", 1, 14, "sessions")
                if "sessions_per_week" in keys
                else 3
            ),
            schedule=self.optional_text(keys, "schedule", ""),
            tempo=tempo,
            setup_ms=setup_ms,
            switch_ms=switch_ms,
            transition_ms=transition_ms,
            progression=self.progression(keys["progression"], "progression"),
            phases=phases,
            voice=self.voice(keys["voice"], "voice") if "voice" in keys else Voice(),
            source=self.file,
        )

    def optional_text(
        self,
        keys: dict[str, Node],
        key: str,
        default: str,
        *,
        limit: int = MAX_TEXT,
        path: str = "",
    ) -> str:
        if key not in keys:
            return default
        return self.text(keys[key], f"{path}.{key}" if path else key, limit=limit)

    def tempo(self, node: Node, path: str, base: Tempo) -> Tempo:
        keys = self.mapping(node, path, _TEMPO_KEYS)
        values = {
            "lower": base.lower_ms,
            "bottom": base.bottom_ms,
            "lift": base.lift_ms,
            "top": base.top_ms,
        }
        for name in values:
            if name in keys:
                ms = self.parsed(keys[name], f"{path}.{name}", parse_seconds)
                if ms > MAX_TEMPO_PHASE_MS:
                    self.fail(
                        keys[name], f"{path}.{name}", f"expected 0 to 30 seconds, got {ms / 1000:g}"
                    )
                values[name] = ms
        start = base.start
        if "start" in keys:
            start = self.choice(keys["start"], f"{path}.start", _STARTS)  # type: ignore[assignment]
        tempo = Tempo(values["lower"], values["bottom"], values["lift"], values["top"], start)
        if tempo.lower_ms + tempo.lift_ms < 1000:
            self.fail(node, path, "expected at least 1 second of lowering and lifting in a rep")
        return tempo

    def voice(self, node: Node, path: str) -> Voice:
        keys = self.mapping(node, path, _VOICE_KEYS)
        return Voice(
            engine=self.choice(keys["engine"], f"{path}.engine", ENGINE_NAMES)
            if "engine" in keys
            else None,
            voice=self.text(keys["voice"], f"{path}.voice", limit=200) if "voice" in keys else None,
            model=self.text(keys["model"], f"{path}.model", limit=1000)
            if "model" in keys
            else None,
            rate=self.integer(keys["rate"], f"{path}.rate", 80, 400, "words per minute")
            if "rate" in keys
            else None,
        )

    def progression(self, node: Node, path: str) -> Progression:
        keys = self.mapping(node, path, _PROGRESSION_KEYS)
        found = self.mapping(keys["foundation"], f"{path}.foundation", _FOUNDATION_KEYS)
        built = self.mapping(keys["build"], f"{path}.build", _BUILD_KEYS)
        fpath, bpath = f"{path}.foundation", f"{path}.build"

        def level(keys: dict[str, Node], key: str, where: str, default: str) -> Any:
            return self.choice(keys[key], f"{where}.{key}", _LEVELS) if key in keys else default

        def rule(keys: dict[str, Node], where: str, default: str) -> Any:
            return (
                self.choice(keys["rest"], f"{where}.rest", _REST_RULES)
                if "rest" in keys
                else default
            )

        def instructions(keys: dict[str, Node], where: str, default: str) -> Any:
            if "instructions" not in keys:
                return default
            return self.choice(keys["instructions"], f"{where}.instructions", _INSTRUCTIONS)

        foundation = Stage(
            focus=self.text(found["focus"], f"{fpath}.focus"),
            reps=level(found, "reps", fpath, "bottom"),
            holds=level(found, "holds", fpath, "bottom"),
            cycles=level(found, "cycles", fpath, "bottom"),
            rest=rule(found, fpath, "high"),
            instructions=instructions(found, fpath, "full"),
        )
        build = Stage(
            focus=self.text(built["focus"], f"{bpath}.focus"),
            reps="bottom",
            holds="bottom",
            cycles="bottom",
            rest=rule(built, bpath, "climb"),
            instructions=instructions(built, bpath, "short"),
        )
        return Progression(
            foundation_weeks=self.integer(found["weeks"], f"{fpath}.weeks", 0, 52, "weeks"),
            foundation=foundation,
            build=build,
            reps_step=self.integer(built["reps_step"], f"{bpath}.reps_step", 1, 10, "reps")
            if "reps_step" in built
            else 1,
            hold_step_ms=self.single_duration(
                built["hold_step"], f"{bpath}.hold_step", 1000, 60_000
            )
            if "hold_step" in built
            else 5000,
            cycles_step=self.integer(built["cycles_step"], f"{bpath}.cycles_step", 1, 10, "cycles")
            if "cycles_step" in built
            else 1,
            at_top=self.optional_text(
                built,
                "at_top",
                "You are at the top of the range: when every set is complete, "
                "raise the weight slightly next workout.",
                path=bpath,
            ),
            weight_increase=self.optional_text(
                built,
                "weight_increase",
                "New cycle: use a slightly heavier weight, and the reps start over.",
                path=bpath,
            ),
        )

    def phase(self, node: Node, path: str, tempo: Tempo) -> Phase:
        keys = self.mapping(node, path, _PHASE_KEYS)
        nodes = self.sequence(keys["exercises"], f"{path}.exercises", "exercises", MAX_EXERCISES)
        return Phase(
            name=self.text(keys["name"], f"{path}.name", limit=MAX_NAME),
            note=self.optional_text(keys, "note", "", path=path),
            exercises=tuple(
                self.exercise(item, f"{path}.exercises[{index}]", tempo)
                for index, item in enumerate(nodes)
            ),
        )

    def exercise(self, node: Node, path: str, program_tempo: Tempo) -> Exercise:
        keys = self.mapping(node, path, _EXERCISE_KEYS)
        kinds = [kind for kind in ("reps", "hold", "cycles") if kind in keys]
        if len(kinds) != 1:
            found = " and ".join(kinds) if kinds else "none of them"
            self.fail(node, path, f"expected exactly one of reps, hold or cycles, got {found}")
        kind = kinds[0]
        where = f"{path}.{kind}"
        if kind == "hold":
            amount = self.duration(keys["hold"], where, MIN_TIMED_MS, MAX_HOLD_MS)
        else:
            amount = self.parsed(keys[kind], where, parse_count_span)
            limit = MAX_REPS if kind == "reps" else MAX_CYCLES
            if amount.low < 1 or amount.high > limit:
                self.fail(
                    keys[kind], where, f"expected 1 to {limit} {kind}, got {_describe(keys[kind])}"
                )

        rest: Span | None = None
        if "rest" in keys and not is_none_word(
            self.scalar(keys["rest"], f"{path}.rest", "a duration")
        ):
            rest = self.duration(keys["rest"], f"{path}.rest", MIN_TIMED_MS, MAX_REST_MS)

        tempo: Tempo | None = None
        rep_ms = 0
        cycle: tuple[CycleStep, ...] = ()
        if kind == "reps":
            tempo_node = keys.get("tempo")
            untimed = (
                tempo_node is not None
                and isinstance(tempo_node, ScalarNode)
                and is_none_word(self.scalar(tempo_node, f"{path}.tempo", "a tempo"))
            )
            if untimed:
                if "rep_time" not in keys:
                    self.fail(
                        node, path, "with 'tempo: none', give 'rep_time' (like 2s) to pace each rep"
                    )
                rep_ms = self.single_duration(keys["rep_time"], f"{path}.rep_time", 500, 30_000)
            else:
                if "rep_time" in keys:
                    self.fail(
                        keys["rep_time"], f"{path}.rep_time", "rep_time goes with 'tempo: none'"
                    )
                tempo = program_tempo
                if tempo_node is not None:
                    tempo = self.tempo(tempo_node, f"{path}.tempo", program_tempo)
        else:
            for key in ("tempo", "rep_time"):
                if key in keys:
                    self.fail(keys[key], f"{path}.{key}", f"{key} applies to reps, not {kind}")
        if kind == "cycles":
            if "cycle" not in keys:
                self.fail(
                    node,
                    path,
                    "with 'cycles', give 'cycle': the steps of one cycle, each with say and time",
                )
            steps = self.sequence(keys["cycle"], f"{path}.cycle", "steps", 8)
            cycle = tuple(
                self.cycle_step(step, f"{path}.cycle[{i}]") for i, step in enumerate(steps)
            )
        elif "cycle" in keys:
            self.fail(keys["cycle"], f"{path}.cycle", "cycle applies to cycles")

        sides = "none"
        if "sides" in keys:
            sides = self.choice(keys["sides"], f"{path}.sides", _SIDES)
        if sides == "alternating" and kind != "reps":
            self.fail(
                keys["sides"],
                f"{path}.sides",
                "alternating sides apply to reps; use 'each' for holds and cycles",
            )

        execution = self.optional_text(keys, "execution", "", path=path)
        return Exercise(
            name=self.text(keys["name"], f"{path}.name", limit=MAX_NAME),
            sets=self.integer(keys["sets"], f"{path}.sets", 1, MAX_SETS, "sets"),
            kind=kind,  # type: ignore[arg-type]
            amount=amount,
            sides=sides,  # type: ignore[arg-type]
            rest_ms=rest,
            tempo=tempo,
            rep_ms=rep_ms,
            cycle=cycle,
            target=self.optional_text(keys, "target", "", path=path),
            setup=self.optional_text(keys, "setup", "", path=path),
            execution=execution,
            key_cue=self.optional_text(keys, "key_cue", _first_sentence(execution), path=path),
            weighted=self.boolean(keys["weighted"], f"{path}.weighted")
            if "weighted" in keys
            else True,
        )

    def cycle_step(self, node: Node, path: str) -> CycleStep:
        keys = self.mapping(node, path, _CYCLE_STEP_KEYS)
        return CycleStep(
            say=self.text(keys["say"], f"{path}.say", limit=200),
            duration_ms=self.single_duration(keys["time"], f"{path}.time", 1000, 60_000),
        )


def _first_sentence(text: str) -> str:
    for end in (". ", "! ", "? "):
        if end in text:
            return text.split(end, 1)[0] + end.strip()
    return text


def _seconds(ms: int) -> str:
    if ms % 60_000 == 0 and ms >= 60_000:
        return f"{ms // 60_000} min"
    return f"{ms / 1000:g}s"
