"""The program stage: a program file's text becomes a validated, frozen ``Program``.

loading     YAML text -> nodes with line/column marks (safe, bounded)
schema      nodes -> Program, every error located as file:line:column: key.path
quantities  "8-12", "60-90 sec", "1 min" -> counts and milliseconds
model       the frozen values: Program, Phase, Exercise, Tempo, Progression ...
"""

from voicecoach.program.model import (
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
    Tempo,
    Voice,
)
from voicecoach.program.schema import load_program, parse_program

__all__ = [
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
    "Tempo",
    "Voice",
    "load_program",
    "parse_program",
]
