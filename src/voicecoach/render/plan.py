"""A week's timeline for ``plan``: the lengths the chosen engine's cache holds, estimates
for the rest.

After a build every phrase is in the cache, so the plan is exactly the timeline the MP3
follows (its X.timeline.json). A phrase the engine has not spoken yet is estimated
(compiler.estimate_speech_ms at the engine's rate); the plan says how many were and by
roughly how much the total may move. Nothing is synthesized here. With no voice for the
session's language (Piper ships English only), the plan is still made, every phrase
estimated, and it says the line ``build`` will stop with.
"""

from __future__ import annotations

from dataclasses import dataclass

from voicecoach.compiler import Timeline, Week, compile_program, estimate_speech_ms
from voicecoach.errors import SpeechError
from voicecoach.program import Program
from voicecoach.render.build import cached_measure, open_library
from voicecoach.render.settings import RenderSettings

# How far off an estimate may be, as a share of the phrase: the estimate is calibrated on
# espeak-ng; Piper and the system voices differ from it by about this much on a sentence.
ESTIMATE_ERROR = 0.3


@dataclass(frozen=True)
class Plan:
    timeline: Timeline
    phrases: int  # distinct phrases in the timeline
    estimated: int  # of which not measured (never spoken by this engine yet)
    uncertainty_ms: int  # roughly how much the total may move once they are measured
    engine: str
    no_voice: str = ""  # why the engine cannot speak this session (then all are estimated)

    def note(self) -> str:
        """One line for the table: whether the times are measured or partly estimated."""
        if self.no_voice:
            return f"Speech: every phrase estimated; `build` needs a voice first: {self.no_voice}"
        if not self.estimated:
            return (
                f"Speech: all {self.phrases} phrases measured ({self.engine}): "
                "this is the built track's timeline."
            )
        seconds = max(1, round(self.uncertainty_ms / 1000))
        return (
            f"Speech: {self.estimated} of {self.phrases} phrases estimated (not yet spoken by "
            f"{self.engine}); the total may move by about ±{seconds} s once `build` measures them."
        )


def plan_timeline(program: Program, week: int | Week, settings: RenderSettings) -> Plan:
    """Compile ``week`` on the cached lengths of the chosen engine, estimating the rest."""
    settings = settings.for_program(program)
    try:
        library = open_library(settings)
    except SpeechError as exc:  # no voice for the language: the plan is still worth seeing
        timeline = compile_program(program, week, settings.options, estimate_speech_ms)
        texts = set(timeline.speech_texts())
        spread = sum(c.duration_ms for c in timeline.cues if c.kind == "speech")
        return Plan(
            timeline, len(texts), len(texts), round(spread * ESTIMATE_ERROR),
            settings.speech.engine or "piper", no_voice=str(exc),
        )  # fmt: skip
    measure, estimated = cached_measure(library)

    timeline = compile_program(program, week, settings.options, measure)
    texts = set(timeline.speech_texts())
    guessed = estimated & texts
    # A count sits inside its beat and does not move the total, but it is counted too:
    # an upper bound, which "roughly" tells the user.
    spread = sum(c.duration_ms for c in timeline.cues if c.kind == "speech" and c.text in guessed)
    return Plan(
        timeline=timeline,
        phrases=len(texts),
        estimated=len(guessed),
        uncertainty_ms=round(spread * ESTIMATE_ERROR),
        engine=library.engine.name,
    )
