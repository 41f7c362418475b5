"""The key list of docs/program-format.md ("The words"), generated from the declaration
(keys.py) and the English catalogue: each key, its placeholders, its English words, what
it is for. A test keeps the document current; after changing a key, rewrite it with::

    python -m voicecoach.words.reference docs/program-format.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from voicecoach.words.catalogue import Entry, catalogue, entry_placeholders
from voicecoach.words.keys import GROUPS, KEYS

BEGIN = (
    "<!-- words: generated from src/voicecoach/words/ by "
    "`python -m voicecoach.words.reference docs/program-format.md`; do not edit by hand -->"
)
END = "<!-- words: end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _english(entry: Entry) -> str:
    if isinstance(entry, str):
        return f"“{_cell(entry)}”"
    return " · ".join(f"{category}: “{_cell(text)}”" for category, text in entry)


def words_markdown() -> str:
    """One table per group of keys, in the declaration's order."""
    english = catalogue("en").entries
    parts = []
    for group in GROUPS:
        lines = [
            f"#### {group}",
            "",
            "| key | placeholders | English | said or shown |",
            "|---|---|---|---|",
        ]
        for key, spec in KEYS.items():
            if spec.group != group:
                continue
            names = ", ".join(f"`{{{name}}}`" for name in sorted(entry_placeholders(english[key])))
            doc = _cell(spec.doc)
            if spec.beat_ms:
                doc += f" On a beat: at most {spec.beat_ms} ms of speech."
            lines.append(f"| `{key}` | {names or '—'} | {_english(english[key])} | {doc} |")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def with_words(document: str) -> str:
    """``document`` with the text between the markers replaced by the current key list."""
    head, found, rest = document.partition(BEGIN)
    if not found or END not in rest:
        raise ValueError("the document has no words markers")
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{words_markdown()}\n\n{END}{tail}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m voicecoach.words.reference DOCUMENT.md", file=sys.stderr)
        return 2
    path = Path(argv[1])
    path.write_text(with_words(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
