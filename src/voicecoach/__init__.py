"""voicecoach: turn a training program into a voice-guided audio session.

The pipeline, one module per stage::

    loading   YAML text -> nodes with line/column marks (safe, bounded)
    schema    nodes -> Program (validated, frozen)           see program.py
    progression  (Program, week) -> what each exercise prescribes that week
    compiler  (Program, week, options) -> Timeline (frozen IR) see timeline.py
    render    Timeline -> PCM blocks -> MP3 (speech, tones, loudness, tags, chapters)
"""

__version__ = "0.1.0"
