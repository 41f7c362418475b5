"""The program format as a JSON Schema (draft 2020-12), generated from the declaration
(schema.py), for editors: docs/program.schema.json, `voicecoach schema`.

Each mapping is a ``$defs`` entry; each key its kind's types, limits, choices, default and
doc (fields.py). The rules across keys that JSON Schema says plainly are added here
(exactly one of reps, hold or cycles); the rest stay `validate`'s.
"""

from __future__ import annotations

import json
from typing import Any

from voicecoach.program.fields import Keys, Wording
from voicecoach.program.quantities import NONE_PATTERN
from voicecoach.program.schema import KINDS, PROGRAM, ExerciseKeys, declared_mappings

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _definition(keys: Keys) -> dict[str, Any]:
    schema = keys.json_schema()
    if isinstance(keys, ExerciseKeys):
        schema["oneOf"] = [{"required": [kind]} for kind in KINDS]
        # tempo: a mapping over the program's, or none
        tempo = schema["properties"]["tempo"]
        ref = tempo.pop("$ref")
        tempo["anyOf"] = [{"$ref": ref}, {"type": "string", "pattern": NONE_PATTERN}]
    return schema


def program_json_schema() -> dict[str, Any]:
    """The whole format: the program mapping at the root, every other one in ``$defs``."""
    root = _definition(PROGRAM)
    return {
        "$schema": DRAFT,
        "title": "voicecoach program",
        **root,
        "$defs": {
            **{keys.definition: _definition(keys) for keys in declared_mappings()[1:]},
            Wording.ENTRY: Wording.entry_schema(),
        },
    }


def program_json_schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(program_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(program_json_schema_text(), end="")
