"""The import stage: a program table (Markdown, text, CSV/TSV) and the document around it
become program YAML, every value it could not read marked ``# TODO(import): ...``.

cells      "12-15/side", "30-45 sec hold", "3 × 8-12", "-" -> the format's values
tables     the table found by its header, its columns named (--columns for the unusual)
document   the sections around it: Target/Setup/Execution, phase notes, tempo, progression
importing  the whole: text in, YAML text and the TODO list out (no files touched)
interview  `voicecoach new`: the answers of a short interview -> a commented program
"""

from voicecoach.importer.cells import Amount, CellError, read_amount, read_rest, read_sets
from voicecoach.importer.importing import TODO, Imported, Todo, import_program, kind_of
from voicecoach.importer.interview import (
    Answers,
    NewExercise,
    Step,
    read_step_time,
    read_tempo_answer,
    write_new_program,
)
from voicecoach.importer.tables import ROLES, parse_columns

__all__ = [
    "ROLES",
    "TODO",
    "Amount",
    "Answers",
    "CellError",
    "Imported",
    "NewExercise",
    "Step",
    "Todo",
    "import_program",
    "kind_of",
    "parse_columns",
    "read_amount",
    "read_rest",
    "read_sets",
    "read_step_time",
    "read_tempo_answer",
    "write_new_program",
]
