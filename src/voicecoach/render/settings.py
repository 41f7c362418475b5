"""The settings of one render: built once from the options, resolved once per program.

``RenderSettings`` holds everything that changes the audio, each field named as its
command-line option (``--voice-model`` is ``speech.voice_model``, ``--duck`` is
``duck``), the way black's ``Mode`` carries one run's choices. Two methods sit beside the
fields, so a new field cannot be forgotten by either:

* ``for_program(program)`` folds in the program file's voice and music where the command
  line gave none (the command line wins; the one place that rule is written), its talk,
  counts and language (``CompileOptions.resolved``; the language goes to the engine too,
  ``speak_language``) and its ``pronounce:``. Every path that renders calls it first.
* ``render_key(timeline, speech, track_total)`` is the hash that says whether a track's
  files are still what a render would make (black's ``Mode.get_cache_key``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from voicecoach import __version__
from voicecoach.compiler import CompileOptions, Timeline
from voicecoach.program import Program
from voicecoach.render.cache import default_cache_dir
from voicecoach.render.encoder import DEFAULT_BITRATE_KBPS
from voicecoach.render.engines import EngineSpec
from voicecoach.render.music_files import find_music

DEFAULT_LOUDNESS = -19.0  # LUFS integrated: spoken-word mono (docs/audio.md)
DEFAULT_MUSIC_LEVEL_LU = 12.0  # the music sits this far under the voice
DEFAULT_DUCK_DB = 10.0  # and dips this much further under every cue
DEFAULT_JOBS = 2
KEY_VERSION = 3  # bump when a change to the renderer should re-render published tracks


@dataclass(frozen=True)
class RenderSettings:
    """One render's choices (the options of `build` and `publish`)."""

    speech: EngineSpec = field(default_factory=EngineSpec)  # --engine ... --speech-timeout
    options: CompileOptions = CompileOptions()  # --talk, --counts, --language, --only
    loudness: float = DEFAULT_LOUDNESS  # integrated loudness target, LUFS
    bitrate: int = DEFAULT_BITRATE_KBPS  # kbps
    split: bool = False  # also one MP3 per chapter (render/parts.py)
    jobs: int = DEFAULT_JOBS  # speech synthesis processes
    cache_dir: Path = field(default_factory=default_cache_dir)
    music: tuple[Path, ...] = ()  # files or folders under the coach; none: no music
    shuffle: int | None = None  # the shuffle's seed; None: in order
    music_level: float = DEFAULT_MUSIC_LEVEL_LU  # LU under the voice
    duck: float = DEFAULT_DUCK_DB  # dB further down under every cue
    # How the engine should say some words (the program's ``pronounce:``): its text only.
    pronounce: tuple[tuple[str, str], ...] = ()

    def for_program(self, program: Program) -> RenderSettings:
        """These settings with the program file's where the command line gave none.

        A program's voice (voice, model) belongs to its engine: it applies only when the
        command line does not choose another engine. Its music plays with the command
        line's shuffle, level and duck. Resolving twice changes nothing."""
        voice = program.voice
        engine = self.speech.engine or voice.engine
        same_engine = voice.engine is None or engine == voice.engine
        speech = replace(
            self.speech,
            engine=engine,
            voice=self.speech.voice or (voice.voice if same_engine else None),
            voice_model=self.speech.voice_model
            or (_beside(program, voice.model) if same_engine and voice.model else None),
            rate=self.speech.rate or voice.rate,
        )
        music = self.music or tuple(Path(_beside(program, p)) for p in program.music)
        options = self.options.resolved(program)
        speech = speak_language(speech, options.language)
        return replace(
            self,
            speech=speech,
            music=music,
            options=options,
            pronounce=self.pronounce or program.pronounce,
        )

    def render_key(
        self,
        timeline: Timeline,
        speech: dict[str, object],
        track_total: int | None,
        cards: object = (),
    ) -> str:
        """The hash of what a track's files depend on: its timeline, the voice's identity
        (``speech``: the engine's, with its model's hash), the track number's total, what
        its chapter cards say (``cards``, render/cards.Card values), every setting that
        changes the audio, and the music files as they are now."""
        blob = json.dumps(
            {
                "key_version": KEY_VERSION,
                "voicecoach": __version__,
                "timeline": timeline.to_dict(),
                "speech": speech,
                "loudness": self.loudness,
                "bitrate": self.bitrate,
                "track_total": track_total,
                "split": self.split,
                "cards": repr(cards),
                "music": self._music_identity(),
                # Only when given, so tracks rendered before pronounce: keep their keys.
                **({"pronounce": self.pronounce} if self.pronounce else {}),
            },
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def _music_identity(self) -> object:
        if not self.music:
            return None
        files = [(str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in find_music(self.music)]
        return {
            "files": files,
            "shuffle": self.shuffle,
            "music_level": self.music_level,
            "duck": self.duck,
        }


def speak_language(speech: EngineSpec, language: str | None) -> EngineSpec:
    """The speech settings for a session in ``language``: the engine then chooses a voice
    that speaks it (``Engine.for_language``), or stops with one line saying which are
    installed. English is left as None, the engine's own voice as before languages were
    chosen: the same voice and clip keys for Piper and espeak-ng, and a program with its
    own non-English ``voice.model`` and no ``language:`` keeps working."""
    return replace(speech, language=None if language in (None, "en") else language)


def _beside(program: Program, path: str) -> str:
    """A path from the program file, read relative to the file's folder."""
    return str(Path(program.source).parent / Path(path).expanduser())
