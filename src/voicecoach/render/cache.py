"""The persistent clip cache: every phrase is synthesized once per engine, voice and rate.

An entry is one file named by the SHA-256 of (format version, engine identity, text,
variant): its key. It holds a small JSON header (the key again, rate, sample count,
loudness, true peak, and a SHA-256 of the samples) and the int16 samples. Entries are
written to a temporary file and linked into place, so a reader sees a whole entry or
none; an entry whose header, size or checksum does not match, or that was made for
another key (a file copied or renamed over it), is damaged: treated as missing, made
again and counted in ``repaired``.

The first writer wins: when two builds make the same phrase at once, both use the one
that reached the cache first (an engine does not say a phrase with the same length
twice, and two builds sharing a cache must produce the same track).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from voicecoach.errors import OutputError
from voicecoach.render.audio import RATE

# 3: clips trimmed again after levelling; 4: the header names the key it was made for.
# The version is part of every key, so older entries are simply not found (made again).
FORMAT_VERSION = 4
MAGIC = b"VCCLIP\n"


def default_cache_dir() -> Path:
    if os.environ.get("VOICECOACH_CACHE"):
        return Path(os.environ["VOICECOACH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "voicecoach" / "clips"


@dataclass(frozen=True)
class Clip:
    samples: np.ndarray  # int16 at RATE, silence trimmed
    loudness: float  # LUFS of the clip (ungated, see loudness.clip_loudness)
    true_peak: float  # dBTP

    @property
    def length(self) -> int:
        return int(self.samples.shape[0])


class ClipCache:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.hits = 0
        self.misses = 0
        self.repaired = 0  # damaged entries found and dropped (made again by the caller)

    def key(
        self, identity: dict[str, object], text: str, variant: str = "", spoken: str | None = None
    ) -> str:
        """The key of ``text`` said by ``identity``. ``spoken``: what the engine is given,
        when the text and the identity's spoken-form version do not say it already (a
        language's rules, a program's ``pronounce:``); absent otherwise, so the keys of
        English clips are what they always were."""
        fields: dict[str, object] = {
            "format": FORMAT_VERSION,
            "rate": RATE,
            "speech": identity,
            "text": text,
            "variant": variant,
        }
        if spoken is not None:
            fields["spoken"] = spoken
        blob = json.dumps(fields, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.clip"

    def load(self, key: str) -> Clip | None:
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self.misses += 1
            return None
        except OSError:
            self.misses += 1
            return None
        clip = _decode(data, key)
        if clip is None:
            # Damaged (truncated, garbage, another format, another phrase's clip): drop it;
            # the caller re-makes it.
            self.repaired += 1
            self.misses += 1
            try:
                path.unlink()
            except OSError:
                pass
            return None
        self.hits += 1
        return clip

    def length(self, key: str) -> int | None:
        """The entry's sample count from its header alone, None when it is missing or not
        this key's (the samples are checked when the clip is loaded to be played; a
        damaged one is re-made then)."""
        try:
            with open(self.path(key), "rb") as handle:
                head = handle.read(len(MAGIC) + 4)
                if not head.startswith(MAGIC) or len(head) < len(MAGIC) + 4:
                    return None
                size = int.from_bytes(head[len(MAGIC) :], "little")
                if size > 4096:
                    return None
                header = json.loads(handle.read(size))
                samples = int(header["samples"])
                handle.seek(0, os.SEEK_END)
                if handle.tell() != len(MAGIC) + 4 + size + 2 * samples or header["rate"] != RATE:
                    return None
                if header.get("key") != key:  # another phrase's clip under this name
                    return None
                return samples
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, key: str, clip: Clip) -> Clip:
        """Add ``clip`` unless another writer got there first; return the cached clip."""
        path = self.path(key)
        payload = clip.samples.astype("<i2").tobytes()
        header = json.dumps(
            {
                "key": key,
                "rate": RATE,
                "samples": clip.length,
                "loudness": clip.loudness,
                "true_peak": clip.true_peak,
                "sha256": hashlib.sha256(payload).hexdigest(),
            }
        ).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".clip")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(MAGIC + len(header).to_bytes(4, "little") + header + payload)
                try:
                    os.link(temporary, path)
                except FileExistsError:
                    existing = self.load(key)
                    if existing is not None:
                        return existing
                    os.replace(temporary, path)  # the one there was damaged: replace it
            finally:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass
        except OSError as exc:
            raise OutputError(
                f"cannot write the clip cache at {self.root}: {exc.strerror or exc}"
            ) from None
        return clip


def _decode(data: bytes, key: str) -> Clip | None:
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 4:
        return None
    offset = len(MAGIC)
    size = int.from_bytes(data[offset : offset + 4], "little")
    offset += 4
    try:
        header = json.loads(data[offset : offset + size])
        payload = data[offset + size :]
        if header["rate"] != RATE or len(payload) != 2 * int(header["samples"]):
            return None
        if header.get("key") != key:
            return None
        if hashlib.sha256(payload).hexdigest() != header["sha256"]:
            return None
        samples = np.frombuffer(payload, dtype="<i2").astype(np.int16)
        return Clip(samples, float(header["loudness"]), float(header["true_peak"]))
    except (ValueError, KeyError, TypeError):
        return None
