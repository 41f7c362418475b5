"""The podcast's cover: the program's title on a square tile, drawn with Pillow.

Apple Podcasts asks for a square JPEG or PNG of 1400 to 3000 pixels a side. The font is
the one Pillow ships (``ImageFont.load_default(size=...)``), so nothing depends on the
fonts a machine happens to have.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from voicecoach.outputs import atomic_output

SIZE = 1400
BACKGROUND = (20, 83, 74)
ACCENT = (244, 196, 48)
INK = (255, 255, 255)


def draw_cover(title: str, subtitle: str = "voice-guided training") -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = SIZE // 10
    draw.rectangle((margin, margin, margin + SIZE // 6, margin + SIZE // 60), fill=ACCENT)
    # The largest size at which the wrapped title fits the tile's width.
    for size in range(160, 40, -8):
        font = ImageFont.load_default(size=size)
        lines = textwrap.wrap(title, width=max(6, int(SIZE * 1.6 / size))) or [title]
        widest = max(draw.textlength(line, font=font) for line in lines)
        if widest <= SIZE - 2 * margin and len(lines) * size * 1.2 <= SIZE * 0.55:
            break
    top = SIZE // 4
    for line in lines:
        draw.text((margin, top), line, font=font, fill=INK)
        top += int(size * 1.2)
    small = ImageFont.load_default(size=56)
    draw.text((margin, SIZE - margin - 56), subtitle, font=small, fill=ACCENT)
    return image


def write_cover(path: Path, title: str) -> Path:
    """Write the cover PNG atomically; returns ``path``."""
    with atomic_output(path) as temporary:
        draw_cover(title).save(temporary, format="PNG", optimize=True)
    return path
