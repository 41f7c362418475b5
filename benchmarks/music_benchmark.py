"""Music benchmark: a full session rendered with a folder of music, against the encoder
alone on the same PCM, and peak memory of a 1x and a 4x session with the same music.

The music is generated here (the project ships no one else's): three 3-minute stereo
44.1 kHz tracks, a chord over pink noise, two MP3s and an M4A, so the renderer decodes
and resamples as it would a real folder. Caches (clips and music loudness) are warmed
first; each render runs in its own process so its peak RSS is its own.

    .venv/bin/python benchmarks/music_benchmark.py [--week 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_benchmark import PROGRAM, RENDER, measured  # noqa: E402

# The render script of render_benchmark.py, with the music folder from argv[6].
MUSIC_RENDER = RENDER.replace(
    "settings = RenderSettings(cache_dir=Path(cache), options=options)",
    "from voicecoach.render.music import MusicSettings\n"
    "from voicecoach.render.engines import EngineSpec\n"
    "speech = EngineSpec(engine='command', command=sys.argv[7]) if sys.argv[7] else EngineSpec()\n"
    "settings = RenderSettings(cache_dir=Path(cache), options=options,"
    " music=MusicSettings((Path(sys.argv[6]),)), speech=speech)",
)
# pyttsx3 on a loaded machine fails on some phrases again and again; espeak-ng straight
# from the command line (the same voice) does not. The renders are compared like for like.
ESPEAK = "espeak-ng -w {output} -f {text_file}"

CHORD = "0.12*(sin(2*PI*{a}*t)+sin(2*PI*{b}*t)+sin(2*PI*{c}*t))*(0.7+0.3*sin(2*PI*0.5*t))"


def make_music(folder: Path) -> None:
    folder.mkdir()
    chords = [(220, 277.2, 329.6), (196, 246.9, 293.7), (174.6, 220, 261.6)]
    for index, (suffix, chord) in enumerate(zip([".mp3", ".m4a", ".mp3"], chords)):
        expression = CHORD.format(a=chord[0], b=chord[1], c=chord[2])
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y",
             "-f", "lavfi", "-i", f"aevalsrc={expression}|{expression}:s=44100:d=180",
             "-f", "lavfi", "-i", "anoisesrc=c=pink:a=0.05:r=44100:d=180",
             "-filter_complex", "[1]aformat=channel_layouts=stereo[n];[0][n]amix=inputs=2",
             "-b:a", "192k", str(folder / f"track-{index + 1}{suffix}")],
            check=True,
        )  # fmt: skip


def warm_up(argv: list[str], attempts: int = 5) -> None:
    """Fill the caches. pyttsx3/espeak-ng now and then writes an empty WAV on a loaded
    machine (a SpeechError); a retry speaks only the phrases still missing."""
    for attempt in range(attempts):
        try:
            measured(argv)
            return
        except SystemExit as failure:
            if attempt == attempts - 1:
                raise
            print(f"warm-up failed, retrying: {str(failure).splitlines()[-1][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--week", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--work", type=Path, help="keep the music and caches here (reruns)")
    parser.add_argument(
        "--pyttsx3", action="store_true", help="speak with pyttsx3, not espeak-ng's command"
    )
    args = parser.parse_args()
    python = sys.executable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    from voicecoach.render.encoder import ffmpeg_command

    with tempfile.TemporaryDirectory(prefix="voicecoach-music-bench-") as folder:
        work = args.work or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        music, cache = work / "music", work / "cache"
        if not music.exists():
            make_music(music)
        render = [python, "-c", MUSIC_RENDER, str(PROGRAM), str(args.week)]
        engine = "" if args.pyttsx3 else ESPEAK
        warm_up([*render, str(work / "warmup.mp3"), str(cache), "1", str(music), engine])
        warm = measured([*render, str(work / "warm.mp3"), str(cache), "1", str(music), engine])
        duration_ms = int(warm[2].split()[0])
        # The encoder alone, on the PCM of the very track just made (same length, same music).
        pcm = subprocess.run(
            ["ffmpeg", "-v", "error", "-i", str(work / "warm.mp3"), "-f", "s16le", "-ar",
             "24000", "-ac", "1", "-"],
            capture_output=True, check=True,
        ).stdout  # fmt: skip
        started = time.perf_counter()
        subprocess.run(ffmpeg_command(str(work / "encoder.mp3")), input=pcm, check=True)
        encoder = time.perf_counter() - started
        warm_up([*render, str(work / "long-warmup.mp3"), str(cache), "4", str(music), engine])
        long = measured([*render, str(work / "long.mp3"), str(cache), "4", str(music), engine])
        long_ms = int(long[2].split()[0])

    figures = {
        "session_minutes": round(duration_ms / 60_000, 1),
        "music_minutes": 9.0,
        "warm_s": round(warm[0], 2),
        "encoder_alone_s": round(encoder, 2),
        "warm_over_encoder": round(warm[0] / encoder, 3),
        "warm_peak_rss_mb": round(warm[1], 1),
        "long_session_minutes": round(long_ms / 60_000, 1),
        "long_warm_s": round(long[0], 2),
        "long_peak_rss_mb": round(long[1], 1),
        "long_over_warm_rss": round(long[1] / warm[1], 3),
    }
    for name, value in figures.items():
        print(f"{name.ljust(22)}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
