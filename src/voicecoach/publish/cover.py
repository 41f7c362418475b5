"""The podcast's cover: the program's title on a square tile, drawn with Pillow.

Apple Podcasts asks for a square JPEG or PNG of 1400 to 3000 pixels a side. The font is
the one Pillow ships (``ImageFont.load_default(size=...)``), so nothing depends on the
fonts a machine happens to have. It is drawn by render/cards.py, with the chapter cards in
its style (the cover is each track's own picture too).
"""

from __future__ import annotations

from pathlib import Path

from voicecoach.outputs import atomic_output
from voicecoach.render import draw_cover

__all__ = ["draw_cover", "write_cover"]


def write_cover(path: Path, title: str) -> Path:
    """Write the cover PNG atomically; returns ``path``."""
    with atomic_output(path) as temporary:
        draw_cover(title).save(temporary, format="PNG", optimize=True)
    return path
