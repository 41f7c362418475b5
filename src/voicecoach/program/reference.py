"""The key reference of docs/program-format.md, generated from the declaration (schema.py).

One table per mapping: each key, what its value may be, its default, and its one-line doc.
The document keeps the generated text between two markers; tests/test_program_format.py
checks that it is current. After changing a declaration, rewrite it with::

    python -m voicecoach.program.reference docs/program-format.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from voicecoach.program.fields import Keys
from voicecoach.program.schema import declared_mappings

BEGIN = (
    "<!-- reference: generated from src/voicecoach/program/schema.py by "
    "`python -m voicecoach.program.reference docs/program-format.md`; do not edit by hand -->"
)
END = "<!-- reference: end -->"


def table(keys: Keys) -> str:
    """One mapping's heading, description and key table, in Markdown."""
    about = " ".join((keys.__doc__ or "").split())
    lines = [
        f"### {keys.heading} keys",
        "",
        about,
        "",
        "| key | value | default | meaning |",
        "|---|---|---|---|",
    ]
    for key, declared in keys.fields.items():
        default = "required" if declared.required else declared.default_text()
        lines.append(f"| `{key}` | {declared.value_text()} | {default} | {declared.doc} |")
    return "\n".join(lines)


def reference_markdown() -> str:
    """Every mapping's table, outermost first."""
    return "\n\n".join(table(keys) for keys in declared_mappings())


def with_reference(document: str) -> str:
    """``document`` with the text between the markers replaced by the current reference."""
    head, found, rest = document.partition(BEGIN)
    if not found or END not in rest:
        raise ValueError("the document has no reference markers")
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{reference_markdown()}\n\n{END}{tail}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m voicecoach.program.reference DOCUMENT.md", file=sys.stderr)
        return 2
    path = Path(argv[1])
    path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
