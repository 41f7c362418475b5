"""voicecoach: turn a training program into a voice-guided audio session.

The pipeline, one package per stage (``ls src/voicecoach``)::

    program/   YAML text ──load──▶ Program       (validated, frozen; errors at file:line:col)
    compiler/  Program + week ──compile──▶ Timeline   (pure: integer ms, no audio, no files)
    render/    Timeline ──speech, tones, mix──▶ PCM ──encode──▶ MP3 + tags + sidecars

    cli.py     options in, one library call, errors out as one line (exit 2)
    report.py  tables for the terminal    errors.py  what a user can fix
    naming.py  every file name            outputs.py how files appear: atomically
"""

__version__ = "0.1.0"
