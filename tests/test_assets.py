"""The shipped tone previews are exactly what the code makes, at their frequencies."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from audiotools import dominant_hz
from conftest import ROOT
from voicecoach.compiler import PALETTE
from voicecoach.render.tones import write_previews


def test_shipped_previews_are_reproducible(tmp_path: Path) -> None:
    for made in write_previews(str(tmp_path)):
        shipped = ROOT / "audio_assets" / Path(made).name
        assert shipped.read_bytes() == Path(made).read_bytes(), shipped.name


def test_previews_have_their_frequency_and_length() -> None:
    for name, tone in PALETTE.items():
        with wave.open(str(ROOT / "audio_assets" / f"tone-{name.replace('_', '-')}.wav")) as handle:
            samples = np.frombuffer(handle.readframes(handle.getnframes()), dtype="<i2") / 32768
            assert handle.getframerate() == 24000
        assert len(samples) == tone.duration_ms * 24
        assert abs(dominant_hz(samples) - tone.hz) < tone.hz * 0.01
        assert np.abs(samples[:2]).max() < 0.01 and np.abs(samples[-2:]).max() < 0.01  # faded


def test_docs_list_the_palette_as_it_is() -> None:
    """docs/tones.md holds the table made from the palette itself, never a stale copy."""
    from conftest import ROOT
    from voicecoach.compiler.palette import palette_table

    assert palette_table() in (ROOT / "docs" / "tones.md").read_text(encoding="utf-8")
