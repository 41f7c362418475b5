"""The compiler stage: (Program, week, options) -> Timeline. Pure: no files, no audio.

progression  which reps, holds and rests each exercise prescribes in a week
phrases      which catalogue words (voicecoach.words) each moment of a session takes
palette      the marker tones (names, pitches, lengths)
session      the timing rules: when every word and tone is heard
timeline     the frozen IR the renderer plays: segments, cues, chapters
"""

from voicecoach.compiler.amounts import (
    clock,
    counted,
    minutes_phrase,
    minutes_words,
    seconds_phrase,
    seconds_words,
    shown_amount,
    shown_rest,
    shown_tempo,
)
from voicecoach.compiler.palette import PALETTE, TONE_GAP_MS, Tone
from voicecoach.compiler.progression import (
    MAX_WEEK,
    Prescription,
    Week,
    prescribe_amount,
    prescribe_week,
    session_run,
    session_runs,
    step_of,
)
from voicecoach.compiler.session import (
    MAX_SPEEDUP,
    CompileOptions,
    Floor,
    Measure,
    check_every_week,
    compile_program,
    estimate_speech_ms,
    session_floor,
    session_words,
)
from voicecoach.compiler.timeline import (
    TEMPO_ACTIVITIES,
    Chapter,
    Cue,
    Segment,
    Stats,
    Timeline,
    check_invariants,
)

__all__ = [
    "MAX_SPEEDUP",
    "MAX_WEEK",
    "PALETTE",
    "TEMPO_ACTIVITIES",
    "TONE_GAP_MS",
    "Chapter",
    "CompileOptions",
    "Cue",
    "Floor",
    "Measure",
    "Prescription",
    "Segment",
    "Stats",
    "Timeline",
    "Tone",
    "Week",
    "check_every_week",
    "check_invariants",
    "clock",
    "counted",
    "minutes_phrase",
    "minutes_words",
    "seconds_phrase",
    "seconds_words",
    "shown_amount",
    "shown_rest",
    "shown_tempo",
    "compile_program",
    "estimate_speech_ms",
    "session_floor",
    "session_words",
    "prescribe_week",
    "prescribe_amount",
    "session_run",
    "session_runs",
    "step_of",
]
