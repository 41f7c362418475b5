"""The program stage: a program file's text becomes a validated, frozen ``Program``.

loading     YAML text -> nodes with line/column marks (safe, bounded)
schema      the format: each mapping's keys declared once (type, limits, default, doc)
            -> Program; the rules across keys (exactly one of reps, hold, cycles ...)
fields      the field kinds a declaration is made of (Text, Integer, Duration ...), Keys
nodes       generic node checks, every error located as file:line:column: key.path
quantities  "8-12", "60-90 sec", "1 min" -> counts and milliseconds
model       the frozen values: Program, Phase, Exercise, Tempo, Progression ...
reference   the key tables of docs/program-format.md, generated from schema
json_schema the format as JSON Schema for editors (docs/program.schema.json), from schema
"""

from pathlib import Path

from voicecoach.program.json_schema import program_json_schema, program_json_schema_text
from voicecoach.program.model import (
    COUNT_STYLES,
    RATE_WPM,
    TALK_LEVELS,
    Counts,
    CycleStep,
    Exercise,
    Kind,
    Level,
    Phase,
    Program,
    Progression,
    Sides,
    Span,
    Stage,
    Talk,
    Tempo,
    Voice,
)
from voicecoach.program.schema import load_program, parse_program

SCHEMA_FILE = Path(__file__).resolve().parent / "program.schema.json"
"""The JSON Schema shipped inside the package (docs/program.schema.json is the same)."""

__all__ = [
    "COUNT_STYLES",
    "RATE_WPM",
    "TALK_LEVELS",
    "Counts",
    "CycleStep",
    "Exercise",
    "Kind",
    "Level",
    "Phase",
    "Program",
    "Progression",
    "Sides",
    "Span",
    "Stage",
    "Talk",
    "Tempo",
    "Voice",
    "SCHEMA_FILE",
    "load_program",
    "parse_program",
    "program_json_schema",
    "program_json_schema_text",
]
