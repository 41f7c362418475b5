"""Place a timeline's cues into PCM, one fixed-size block at a time.

Memory stays flat whatever the session's length: a block, the clips still sounding
into it, and the clip library's small memory. Every cue starts at exactly
``ms_to_samples(cue.start_ms)``; nothing is ever added onto a whole-track buffer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from voicecoach.compiler import Cue, Timeline
from voicecoach.render.audio import RATE, ms_to_samples

BLOCK = RATE  # one second of samples per block


def mix_blocks(
    timeline: Timeline,
    sound: Callable[[Cue], np.ndarray],
    gain: float = 1.0,
    block: int = BLOCK,
    bed: Callable[[int, int], np.ndarray] | None = None,
) -> Iterator[np.ndarray]:
    """Yield float32 blocks covering exactly ``timeline.duration_ms``; ``sound(cue)`` gives
    the samples placed at the cue's start (they may ring on past its end). ``bed(first,
    last)``, if given, is added after the gain: music already levelled to the voice."""
    total = ms_to_samples(timeline.duration_ms)
    cues = timeline.cues
    next_cue = 0
    sounding: list[tuple[int, np.ndarray]] = []
    for block_start in range(0, total, block):
        block_end = min(block_start + block, total)
        buffer = np.zeros(block_end - block_start, dtype=np.float32)
        while next_cue < len(cues) and ms_to_samples(cues[next_cue].start_ms) < block_end:
            cue = cues[next_cue]
            next_cue += 1
            sounding.append((ms_to_samples(cue.start_ms), sound(cue)))
        still = []
        for start, samples in sounding:
            first = max(start, block_start)
            last = min(start + len(samples), block_end)
            if first < last:
                buffer[first - block_start : last - block_start] += samples[
                    first - start : last - start
                ]
            if start + len(samples) > block_end:
                still.append((start, samples))
        sounding = still
        if gain != 1.0:
            buffer *= np.float32(gain)
        if bed is not None:
            buffer += bed(block_start, block_end)
        yield buffer
