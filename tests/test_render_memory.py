"""What a render holds at once does not grow with the session beyond the timeline itself.

No timings and no RSS (both depend on the machine; benchmarks/ measures them): these
count Python allocations with tracemalloc on a compiled session four times as long as
week 3 of the shipped program, the benchmark's 4x session, compiled with estimated
speech lengths (the compiler is pure and fast; nothing is synthesized or mixed).
"""

from __future__ import annotations

import dataclasses
import json
import tracemalloc
from pathlib import Path

from conftest import SHIPPED
from voicecoach.compiler import CompileOptions, Timeline, compile_program
from voicecoach.naming import chapters_path, timeline_path
from voicecoach.program import Program, load_program
from voicecoach.render.sidecars import chapters_document, write_sidecars
from voicecoach.render.transcript import transcript_vtt, write_transcript


def _times(program: Program, times: int) -> Program:
    """Every phase repeated ``times`` over with its exercises renamed (as the benchmark)."""
    phases = [
        dataclasses.replace(
            phase,
            exercises=tuple(
                dataclasses.replace(ex, name=f"{ex.name} round {round_ + 1}")
                for ex in phase.exercises
            ),
        )
        for round_ in range(times)
        for phase in program.phases
    ]
    return dataclasses.replace(program, phases=tuple(phases))


def _session(times: int) -> Timeline:
    program = _times(load_program(SHIPPED), times)
    return compile_program(program, 3, CompileOptions(max_session_ms=24 * 3600 * 1000))


def _traced_peak(action) -> int:  # type: ignore[no-untyped-def]
    """Bytes allocated at the peak of ``action()`` beyond what was held before it."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        action()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_sidecars_are_streamed_not_built_as_one_text(tmp_path: Path) -> None:
    """Writing X.timeline.json holds the timeline's document and a chunk of text, not the
    whole text: json.dumps(indent=...) made a list of every small string first (23 MB at
    the peak for the 5.4-hour session, 6x the document; the largest one-piece allocation
    of a long render). The files are still exactly what json.dumps gives."""
    timeline = _session(4)
    assert timeline.duration_ms > 5 * 3600 * 1000
    mp3 = tmp_path / "long.mp3"
    document_bytes = _traced_peak(timeline.to_dict)
    writing_bytes = _traced_peak(
        lambda: write_sidecars(timeline_path(mp3), chapters_path(mp3), timeline)
    )
    assert writing_bytes < 1.5 * document_bytes + 256 * 1024
    expected = json.dumps(timeline.to_dict(), indent=1, ensure_ascii=False)
    assert timeline_path(mp3).read_text(encoding="utf-8") == expected
    chapters = json.dumps(chapters_document(timeline), indent=1, ensure_ascii=False)
    assert chapters_path(mp3).read_text(encoding="utf-8") == chapters


def test_the_transcript_is_streamed_not_built_as_one_text(tmp_path: Path) -> None:
    """X.vtt of the 5.4-hour session is written cue by cue: the peak is a small fraction of
    the file, and the file is exactly transcript_vtt's text."""
    timeline = _session(4)
    path = tmp_path / "long.vtt"
    writing_bytes = _traced_peak(lambda: write_transcript(path, timeline))
    size = path.stat().st_size
    built_bytes = _traced_peak(lambda: transcript_vtt(timeline))  # the whole text at once
    assert writing_bytes < built_bytes / 2, (writing_bytes, built_bytes, size)
    assert path.read_text(encoding="utf-8") == transcript_vtt(timeline)
