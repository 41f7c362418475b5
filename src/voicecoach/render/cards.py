"""Chapter cards: one picture per chapter (and one for the session's end), drawn with Pillow.

A podcast app shows a chapter's picture on its now-playing screen: the ID3 CHAP frame's
APIC sub-frame, or the ``img`` of the JSON chapters. Each card is 1400 × 1400 in the
cover's style (the cover is drawn here too, and is the track's own APIC): the exercise in
large type, its phase, today's prescription ("2 x 3 reps · 3-0-1-0 · rest 12 s"), the
weight note, the key cue; an intro card (the week, its focus) and an end card. Cards are
described first (``Card``, frozen and picklable, made where the program and the week are
known) and drawn when the track is rendered. Saved as palette PNGs of a few colours: the
flat tiles compress to a fraction of a JPEG of the same size (docs/audio.md has the sizes).
"""

from __future__ import annotations

import io
import re
import textwrap  # the cover's title
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from voicecoach.compiler import Timeline, Week, session_words, shown_amount, shown_tempo
from voicecoach.program import Program
from voicecoach.words import Phrase, catalogue

SIZE = 1400
BACKGROUND = (20, 83, 74)
ACCENT = (244, 196, 48)
INK = (255, 255, 255)
SOFT = (170, 205, 198)
COLOURS = 8  # the palette: the tile's colours and the text's antialiasing

Kind = Literal["intro", "exercise", "end"]


@dataclass(frozen=True)
class Card:
    """What one card says. ``chapter`` is the index of its chapter in ``Timeline.chapters``
    (None for the end card, which starts at the outro and is no chapter of its own)."""

    start_ms: int
    kind: Kind
    chapter: int | None
    heading: str  # the small line above, in the accent colour: the phase, the week
    title: str  # in large type: the exercise, the program
    lines: tuple[str, ...]  # the prescription, the weight note
    quote: str  # the key cue, the week's focus
    footer: str

    @property
    def name(self) -> str:
        """The card's file name: ``02-goblet-squat.png``, ``00-introduction.png``, ``end.png``."""
        if self.chapter is None:
            return "end.png"
        slug = re.sub(r"[^a-z0-9]+", "-", self.title.lower()).strip("-") or "chapter"
        if self.kind == "intro":
            slug = "introduction"
        return f"{self.chapter + 1:02d}-{slug[:40].rstrip('-')}.png"


def chapter_cards(program: Program, week: Week, timeline: Timeline) -> tuple[Card, ...]:
    """A card for every chapter of ``timeline`` in order, then the end card (at the start of
    the closing talk, if the session has one). The words are the catalogue's (``card_…``
    keys), in the timeline's language with the program's own words over it."""
    words = session_words(program, timeline.language)
    say = words.say
    phase_of: list[tuple[int, str]] = []
    for number, phase in enumerate(program.phases, start=1):
        phase_of += [(number, phase.name)] * len(phase.exercises)
    # "Week 3", or "Weeks 1-2" for a track that serves a run of weeks (ASCII: the font).
    weeks = words.weeks(timeline.week, timeline.through, "card")
    footer = say("card_footer", program=program.title, **weeks)
    exercises = sum(1 for c in timeline.chapters if c.exercise is not None)
    cards: list[Card] = []
    for index, chapter in enumerate(timeline.chapters):
        if chapter.exercise is None:
            minutes = max(1, round(timeline.duration_ms / 60000))
            count = Phrase.of("exercises", n=exercises)
            cards.append(
                Card(
                    start_ms=chapter.start_ms,
                    kind="intro",
                    chapter=index,
                    heading=say("card_intro_heading", **weeks),
                    title=say("card_intro_title", program=program.title),
                    lines=(say("card_intro_line", exercises=count, minutes=minutes),),
                    quote=timeline.focus,
                    footer=say("card_subtitle"),
                )
            )
            continue
        exercise = program.exercises[chapter.exercise]
        prescription = week.prescriptions[chapter.exercise]
        amount = shown_amount(exercise, prescription, words)
        parts = [say("card_sets", sets=exercise.sets, amount=amount)]
        if shown_tempo(exercise, words):
            parts.append(shown_tempo(exercise, words))
        if prescription.rest_ms:
            parts.append(say("card_rest", seconds=prescription.rest_ms // 1000))
        lines = [" · ".join(parts)]
        if prescription.raise_weight:
            lines.append(say("card_raise_weight"))
        elif prescription.at_top and exercise.weighted:
            lines.append(say("card_at_top"))
        number, phase_name = phase_of[chapter.exercise]
        cards.append(
            Card(
                start_ms=chapter.start_ms,
                kind="exercise",
                chapter=index,
                heading=say("card_phase", number=number, name=phase_name),
                title=exercise.name,
                lines=tuple(lines),
                quote=exercise.key_cue,
                footer=footer,
            )
        )
    outro = _outro_start(timeline)
    if outro is not None:
        cards.append(
            Card(
                start_ms=outro,
                kind="end",
                chapter=None,
                heading=say("card_end_heading", **weeks),
                title=say("card_end_title"),
                lines=(say("card_end_line", **weeks, program=program.title),),
                quote=say("card_end_quote"),
                footer=footer,
            )
        )
    return tuple(cards)


def _outro_start(timeline: Timeline) -> int | None:
    """Where the closing talk begins: the trailing talk after the last chapter's start."""
    start = None
    for segment in reversed(timeline.segments):
        if segment.activity != "talk" or segment.exercise is not None:
            break
        start = segment.start_ms
    last_chapter = timeline.chapters[-1].start_ms if timeline.chapters else 0
    return start if start is not None and start > last_chapter else None


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> list[str]:
    """``text`` broken into lines no wider than ``width`` at ``size``, word by word."""
    font = _font(size)
    lines: list[str] = []
    words: list[str] = []
    for word in text.split():  # a word wider than the card is cut where it must be
        while draw.textlength(word, font=font) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and draw.textlength(word[:cut], font=font) > width:
                cut -= 1
            words.append(word[:cut])
            word = word[cut:]
        words.append(word)
    for word in words:
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [text]


def _fit(
    draw: ImageDraw.ImageDraw, text: str, width: int, sizes: range, max_lines: int
) -> tuple[int, list[str]]:
    """The largest size in ``sizes`` at which ``text`` wraps into ``max_lines`` of ``width``
    (at the smallest, the first ``max_lines`` lines)."""
    size, lines = sizes[-1], [text]
    for size in sizes:
        lines = _wrap(draw, text, size, width)
        font = _font(size)
        if len(lines) <= max_lines and all(draw.textlength(ln, font=font) <= width for ln in lines):
            return size, lines
    return size, lines[:max_lines]


def draw_card(card: Card) -> Image.Image:
    """The card as a 1400 × 1400 RGB picture in the cover's style: the title as large as
    the whole card allows with the key cue in full (cut with "..." only past 4 lines)."""
    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = SIZE // 12
    width = SIZE - 2 * margin
    bottom = SIZE - margin - 90  # above the footer
    draw.rectangle((margin, margin, margin + SIZE // 6, margin + SIZE // 60), fill=ACCENT)
    heading_size, heading = _fit(draw, card.heading, width, range(72, 40, -4), 1)
    details = [_fit(draw, text, width, range(68, 36, -4), 2) for text in card.lines]
    quote_size, quote = _fit(draw, card.quote, width - 50, range(60, 40, -4), 4)
    if card.quote and quote and " ".join(quote) != " ".join(card.quote.split()):
        quote[-1] = quote[-1].rstrip(" .,;") + "..."
    fixed = (
        margin + 70 + int(heading_size * 1.6)
        + sum(len(lines) * int(size * 1.3) for size, lines in details)
        + (50 + len(quote) * int(quote_size * 1.3) if card.quote else 0)
        + 40
    )  # fmt: skip
    for title_size in range(170, 56, -6):  # the largest title the rest leaves room for
        title_size, title = _fit(draw, card.title, width, range(title_size, 56, -6), 3)
        if fixed + len(title) * int(title_size * 1.15) <= bottom:
            break
    top = margin + 70
    draw.text((margin, top), heading[0], font=_font(heading_size), fill=ACCENT)
    top += int(heading_size * 1.6)
    for line in title:
        draw.text((margin, top), line, font=_font(title_size), fill=INK)
        top += int(title_size * 1.15)
    top += 40
    for size, lines in details:
        for line in lines:
            draw.text((margin, top), line, font=_font(size), fill=INK)
            top += int(size * 1.3)
    if card.quote:
        top += 50
        step = int(quote_size * 1.3)
        draw.rectangle((margin, top + 8, margin + 14, top + len(quote) * step - 8), fill=ACCENT)
        for line in quote:
            draw.text((margin + 50, top), line, font=_font(quote_size), fill=SOFT)
            top += step
    footer_size, footer = _fit(draw, card.footer, width, range(48, 28, -4), 1)
    draw.text((margin, SIZE - margin - 52), footer[0], font=_font(footer_size), fill=ACCENT)
    return image


def encode_picture(image: Image.Image) -> bytes:
    """``image`` as a palette PNG of COLOURS colours (small, exact edges for flat tiles)."""
    buffer = io.BytesIO()
    palette = image.quantize(
        colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    palette.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def draw_cover(title: str, subtitle: str = catalogue("en").say("card_subtitle")) -> Image.Image:
    """The podcast's cover: the program's title on a square tile."""
    image = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = SIZE // 10
    draw.rectangle((margin, margin, margin + SIZE // 6, margin + SIZE // 60), fill=ACCENT)
    # The largest size at which the wrapped title fits the tile's width.
    for size in range(160, 40, -8):
        font = _font(size)
        lines = textwrap.wrap(title, width=max(6, int(SIZE * 1.6 / size))) or [title]
        widest = max(draw.textlength(line, font=font) for line in lines)
        if widest <= SIZE - 2 * margin and len(lines) * size * 1.2 <= SIZE * 0.55:
            break
    top = SIZE // 4
    for line in lines:
        draw.text((margin, top), line, font=font, fill=INK)
        top += int(size * 1.2)
    draw.text((margin, SIZE - margin - 56), subtitle, font=_font(56), fill=ACCENT)
    return image
