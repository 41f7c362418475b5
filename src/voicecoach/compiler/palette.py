"""The tone palette: pure data shared by the compiler (timing) and tones.py (synthesis).

Each marker has one frequency, far enough from the others to tell apart by ear: the
lowering note sits an octave under the lifting note, the countdown pips are short, the
end-of-rest chime is the highest, the session end is long and low. docs/tones.md has the
table; audio_assets/ has a preview of each.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tone:
    """A marker tone: a pure sine of ``hz`` for ``duration_ms``, and what it tells the person."""

    name: str
    hz: int
    duration_ms: int
    meaning: str
    level_lu: float = 0.0  # loudness relative to the other tones: the tick is soft


PALETTE: dict[str, Tone] = {
    tone.name: tone
    for tone in (
        Tone("lower", 392, 150, "start of lowering (G4, an octave under lift)"),
        Tone("lift", 784, 150, "start of lifting (G5)"),
        Tone("set_start", 1047, 250, "go: a set, side or hold starts (C6)"),
        Tone("countdown", 880, 100, "last seconds of a rest (A5 pips)"),
        Tone("rest_end", 1319, 300, "end of a rest or of a hold (E6)"),
        Tone("switch", 587, 200, "switch sides (D5)"),
        Tone("session_end", 523, 1200, "session complete (C5, long)"),
        Tone("tick", 1568, 60, "a second of the tempo, with --counts tones (G6, soft)", -8.0),
    )
}

# Speech that follows a tone on the same beat starts this long after the tone ends.
TONE_GAP_MS = 40


def palette_table() -> str:
    """The palette as a Markdown table: docs/tones.md holds it (checked by a test)."""
    lines = ["| tone | pitch | length | means |", "|---|---|---|---|"]
    for tone in PALETTE.values():
        lines.append(f"| `{tone.name}` | {tone.hz} Hz | {tone.duration_ms} ms | {tone.meaning} |")
    return "\n".join(lines) + "\n"
