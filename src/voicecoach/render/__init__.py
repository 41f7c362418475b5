"""The render stage: a Timeline becomes a phone-ready MP3, streamed block by block.

engines   speech engines as plug-ins (piper, pyttsx3, espeak, command) and their worker pool
spoken    the spoken form of a phrase (what the engine is given to say)
clips     engine output -> trimmed, levelled clips fitted to their cues
cache     the persistent clip cache (atomic, first writer wins)
plan      a week's timeline from the lengths the engine's cache holds (estimates elsewhere)
tones     the palette's marker tones as samples
music_files  your music files: found, decoded, measured once (loudness profile), cached
music     your music under the coach: levelled, crossfaded, looped, ducked on the cues
mixer     cues placed into fixed-size PCM blocks, exact to the sample
loudness  the BS.1770 meter
levelling the track's gain and the speech's peak limit, music and all, on the target
encoder   PCM -> MP3 through ffmpeg's LAME
tagging   ID3 tags and chapters (with the cover and a card per chapter)
cards     the chapter cards and the cover, drawn with Pillow
audio     the one internal sample format and its helpers
settings  one render's settings (every option that changes the audio) and its render key
build     the one path that renders a track: prepare, render, commit its files together
parts     a week split into one MP3 per chapter (--split)
sidecars  the timeline and chapters files beside every track
transcript the WebVTT transcript beside every track (counts grouped per phase)
playlist  the .m3u8 writer
batch     many weeks side by side on the cores, incremental, with a playlist
"""

from voicecoach.render.batch import build_weeks
from voicecoach.render.build import BuildResult, Progress, build_week, no_progress
from voicecoach.render.cache import default_cache_dir
from voicecoach.render.cards import Card, chapter_cards, draw_card, draw_cover
from voicecoach.render.encoder import DEFAULT_BITRATE_KBPS
from voicecoach.render.engines import (
    DEFAULT_ENGINE,
    DEFAULT_TIMEOUT_S,
    ENGINES,
    EngineSpec,
    VoiceInfo,
    language_tag,
    list_voices,
    matches_language,
    resolve_voice,
)
from voicecoach.render.plan import Plan, plan_timeline
from voicecoach.render.playlist import playlist_text, write_playlist
from voicecoach.render.settings import (
    DEFAULT_DUCK_DB,
    DEFAULT_JOBS,
    DEFAULT_LOUDNESS,
    DEFAULT_MUSIC_LEVEL_LU,
    RenderSettings,
)
from voicecoach.render.tones import write_previews
from voicecoach.render.transcript import TranscriptCue, transcript_cues, transcript_vtt

__all__ = [
    "Progress",
    "no_progress",
    "DEFAULT_BITRATE_KBPS",
    "DEFAULT_DUCK_DB",
    "DEFAULT_MUSIC_LEVEL_LU",
    "DEFAULT_ENGINE",
    "DEFAULT_JOBS",
    "DEFAULT_LOUDNESS",
    "DEFAULT_TIMEOUT_S",
    "ENGINES",
    "BuildResult",
    "Card",
    "chapter_cards",
    "draw_card",
    "draw_cover",
    "EngineSpec",
    "Plan",
    "RenderSettings",
    "VoiceInfo",
    "build_week",
    "build_weeks",
    "default_cache_dir",
    "language_tag",
    "list_voices",
    "matches_language",
    "resolve_voice",
    "plan_timeline",
    "playlist_text",
    "TranscriptCue",
    "transcript_cues",
    "transcript_vtt",
    "write_playlist",
    "write_previews",
]
