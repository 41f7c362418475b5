"""What every built track says about itself, in files beside the MP3.

``X.timeline.json`` is the timeline the audio follows to the sample, in the ``plan --json``
format (with the measured speech lengths); ``X.chapters.json`` is the chapter list in
the Podcasting 2.0 JSON chapters format (version 1.2.0) that podcast apps read.
Both appear atomically, after the MP3 is in place. They are streamed into the file:
``json.dumps(..., indent=1)`` would build the whole text from a list of millions of small
strings first, 20 MB at the peak for a 5-hour session (the largest thing a render made
in one piece; docs/performance.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voicecoach.compiler import Timeline
from voicecoach.naming import chapters_path, timeline_path
from voicecoach.outputs import atomic_output

CHAPTERS_VERSION = "1.2.0"


def chapters_document(timeline: Timeline) -> dict[str, Any]:
    """The Podcasting 2.0 JSON chapters of ``timeline`` (start times in seconds)."""
    return {
        "version": CHAPTERS_VERSION,
        "chapters": [
            {"startTime": chapter.start_ms / 1000, "title": chapter.title}
            for chapter in timeline.chapters
        ],
    }


def write_sidecars(mp3: Path, timeline: Timeline, extra: dict[str, Any] | None = None) -> None:
    """Write ``X.timeline.json`` and ``X.chapters.json`` beside ``mp3``.

    ``extra`` adds top-level keys to the timeline document (render settings, a hash).
    """
    document = timeline.to_dict()
    if extra:
        document.update(extra)
    write_json_atomic(timeline_path(mp3), document)
    write_json_atomic(chapters_path(mp3), chapters_document(timeline))


def write_json_atomic(path: Path, document: dict[str, Any]) -> None:
    """``document`` as indented UTF-8 JSON, written chunk by chunk as it is encoded (the
    same text ``json.dumps(document, indent=1, ensure_ascii=False)`` gives)."""
    with atomic_output(path) as temporary, open(temporary, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, ensure_ascii=False)
