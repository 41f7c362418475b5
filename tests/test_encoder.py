"""The encoder's gapless tag: every length decodes to exactly the samples written."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from audiotools import decode
from voicecoach.render.encoder import Mp3Encoder

FRAME = 576  # samples per MP3 frame at 24 kHz (MPEG-2 layer III)


def test_every_padding_decodes_to_the_exact_length(tmp_path: Path) -> None:
    """Lengths whose last frame is nearly full (padding under ~50 samples) used to decode
    up to 48 samples long: ffmpeg's muxer wrote the LAME tag's end padding one flush
    short. 48 lengths cover every padding in steps of 12, the short ones one by one."""
    noise = np.random.default_rng(7).standard_normal(30_000).astype(np.float32) * 0.1
    residues = sorted(set(range(0, FRAME, 12)) | set(range(1100 % FRAME - 60, 1100 % FRAME)))
    wrong = []
    for residue in residues:
        samples = 24_000 + (residue - 24_000) % FRAME
        path = tmp_path / f"{samples}.mp3"
        with Mp3Encoder(str(path)) as encoder:
            encoder.write(noise[:samples])
        decoded = len(decode(str(path)))
        if decoded != samples:
            wrong.append((samples, decoded - samples))
    assert len(residues) > 60
    assert wrong == []
