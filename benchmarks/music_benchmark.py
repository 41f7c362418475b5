"""Music benchmark: a full session rendered with a folder of music, against the encoder
alone on the same PCM, and peak memory of a 1x and a 4x session, with and without music.

The music is generated here (the project ships no one else's): three 3-minute stereo
44.1 kHz tracks, a chord over pink noise, two MP3s and an M4A, so the renderer decodes
and resamples as it would a real folder. Caches (clips and music loudness) are warmed
first; each render runs in its own process and reports its own peak RSS (VmHWM).

Why VmHWM and a lean parent: a child's ``ru_maxrss`` from wait4 starts at its parent's
resident size (fork copies the high-water mark and exec keeps it), so a render started
by a parent holding a whole session's PCM reported that PCM as its own: 577-581 MB for
the 4x render that peaks at 190 MB. The parent here never holds audio (the encoder-alone
run reads its PCM from a file), and the figures are each render's own high-water mark.

    .venv/bin/python benchmarks/music_benchmark.py [--week 3] [--json results.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render_benchmark import PROGRAM, RENDER, measured  # noqa: E402

# The render script of render_benchmark.py (engine name in argv[6]), with the music
# folder from argv[7] (none if empty); it prints its own peak RSS last.
MUSIC_RENDER = RENDER.replace(
    "settings = RenderSettings(\n"
    "    cache_dir=Path(cache), options=options, speech=EngineSpec(engine=engine)\n"
    ")",
    "music = (Path(sys.argv[7]),) if sys.argv[7] else ()\n"
    "settings = RenderSettings(cache_dir=Path(cache), options=options, music=music,"
    " speech=EngineSpec(engine=engine))",
).replace(
    "print(result.timeline.duration_ms, result.synthesized)",
    "status = Path('/proc/self/status').read_text()\n"
    "hwm_kb = int(status.split('VmHWM:')[1].split()[0])\n"
    "print(result.timeline.duration_ms, result.synthesized, hwm_kb)",
)
assert MUSIC_RENDER.count("sys.argv[7]") == 2 and "hwm_kb" in MUSIC_RENDER

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


def warm_up(run: Callable[[], object], attempts: int = 5) -> None:
    """Fill the caches. pyttsx3/espeak-ng now and then writes an empty WAV on a loaded
    machine (a SpeechError); a retry speaks only the phrases still missing."""
    for attempt in range(attempts):
        try:
            run()
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
        "--engine", default="piper", help="speech engine for the clips (they are cached first)"
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

        def render(name: str, times: int, with_music: bool) -> tuple[float, float, float, int]:
            """(wall s, own peak RSS MB, wait4 peak RSS MB, duration ms) of one render."""
            argv = [python, "-c", MUSIC_RENDER, str(PROGRAM), str(args.week),
                    str(work / f"{name}.mp3"), str(cache), str(times), args.engine,
                    str(music) if with_music else ""]  # fmt: skip
            wall, tree_mb, stdout = measured(argv)
            duration_ms, _synthesized, hwm_kb = (int(x) for x in stdout.split()[-3:])
            return wall, hwm_kb / 1024, tree_mb, duration_ms

        # Warm-ups fill the clip cache (and the music's loudness cache) for each length.
        warm_up(lambda: render("warmup", 1, True))
        plain = render("plain", 1, False)
        warm = render("warm", 1, True)
        warm_up(lambda: render("long-warmup", 4, True))
        long_plain = render("long-plain", 4, False)
        long = render("long", 4, True)
        # The encoder alone, on the PCM of the 1x track with music, read from a file: a
        # parent holding it would lend its size to every later child's ru_maxrss.
        pcm = work / "warm.pcm"
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(work / "warm.mp3"), "-f", "s16le",
             "-ar", "24000", "-ac", "1", str(pcm)],
            check=True,
        )  # fmt: skip
        with open(pcm, "rb") as source:
            started = time.perf_counter()
            subprocess.run(ffmpeg_command(str(work / "encoder.mp3")), stdin=source, check=True)
            encoder = time.perf_counter() - started
        pcm.unlink()

    figures = {
        "session_minutes": round(warm[3] / 60_000, 1),
        "music_minutes": 9.0,
        "warm_s": round(warm[0], 2),
        "encoder_alone_s": round(encoder, 2),
        "warm_over_encoder": round(warm[0] / encoder, 3),
        "long_session_minutes": round(long[3] / 60_000, 1),
        "long_warm_s": round(long[0], 2),
        "peak_rss_mb_no_music_1x": round(plain[1], 1),
        "peak_rss_mb_no_music_4x": round(long_plain[1], 1),
        "peak_rss_mb_music_1x": round(warm[1], 1),
        "peak_rss_mb_music_4x": round(long[1], 1),
        "no_music_4x_over_1x": round(long_plain[1] / plain[1], 3),
        "music_4x_over_1x": round(long[1] / warm[1], 3),
        "wait4_rss_mb": [round(r[2], 1) for r in (plain, long_plain, warm, long)],
    }
    for name, value in figures.items():
        print(f"{name.ljust(24)}  {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    main()
