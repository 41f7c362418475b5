"""What every built track says about itself, in files beside the MP3.

``X.timeline.json`` is the timeline the audio follows to the sample, in the ``plan --json``
format (with the measured speech lengths); ``X.chapters.json`` is the chapter list in
the Podcasting 2.0 JSON chapters format (version 1.2.0) that podcast apps read, each
chapter's ``img`` its card in ``X.cards/`` (relative to the chapters file; ``serve`` sends
them absolute).
Both are written as temporaries of the track's ``FileSet`` (render/build.py) and appear
with the MP3, never beside another one. They are streamed into the file:
``json.dumps(..., indent=1)`` would build the whole text from a list of millions of small
strings first, 20 MB at the peak for a 5-hour session (the largest thing a render made
in one piece; docs/performance.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voicecoach.compiler import Timeline
from voicecoach.naming import timeline_path
from voicecoach.render.cards import Card

CHAPTERS_VERSION = "1.2.0"


def chapters_document(
    timeline: Timeline, images: Sequence[tuple[Card, str]] = ()
) -> dict[str, Any]:
    """The Podcasting 2.0 JSON chapters of ``timeline`` (start times in seconds), each with
    its card's address (``images``: a card and its path relative to the chapters file) as
    ``img``; the end card, which is no chapter, is a ``"toc": false`` entry (an image
    shown from its time on, not listed and not a place to skip to)."""
    shown = {card.chapter: address for card, address in images if card.chapter is not None}
    chapters: list[dict[str, Any]] = []
    for index, chapter in enumerate(timeline.chapters):
        item: dict[str, Any] = {"startTime": chapter.start_ms / 1000, "title": chapter.title}
        if index in shown:
            item["img"] = shown[index]
        chapters.append(item)
    for card, address in images:
        if card.chapter is None:
            chapters.append(
                {"startTime": card.start_ms / 1000, "title": card.title, "img": address,
                 "toc": False}
            )  # fmt: skip
    return {"version": CHAPTERS_VERSION, "chapters": chapters}


def write_sidecars(
    timeline_file: Path,
    chapters_file: Path,
    timeline: Timeline,
    extra: dict[str, Any] | None = None,
    images: Sequence[tuple[Card, str]] = (),
) -> None:
    """Write the timeline document and the chapters (to the temporaries a FileSet gave).

    ``extra`` adds top-level keys to the timeline document (the render record).
    """
    document = timeline.to_dict()
    if extra:
        document.update(extra)
    write_json(timeline_file, document)
    write_json(chapters_file, chapters_document(timeline, images))


def read_render_record(mp3: Path) -> dict[str, Any] | None:
    """The ``render`` record of the track's timeline sidecar (its key, gain, peak), if the
    track and its sidecar are both there and readable."""
    try:
        document = json.loads(timeline_path(mp3).read_text(encoding="utf-8"))
        if not mp3.is_file():
            return None
    except (OSError, ValueError):
        return None
    render = document.get("render") if isinstance(document, dict) else None
    return render if isinstance(render, dict) else None


def write_json(path: Path, document: dict[str, Any]) -> None:
    """``document`` as indented UTF-8 JSON, written chunk by chunk as it is encoded (the
    same text ``json.dumps(document, indent=1, ensure_ascii=False)`` gives)."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=1, ensure_ascii=False)
