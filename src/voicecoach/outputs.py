"""How files appear: whole or not at all.

Everything voicecoach writes (MP3s, sidecars, playlists, feeds, pages) goes through
``atomic_output``: a hidden temporary file beside the target, flushed to disk and renamed
over it only when complete, so an interrupted run leaves no partial file and never
damages the one that was there.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator
from pathlib import Path

from voicecoach.errors import OutputError


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {folder}: {exc.strerror or exc}"
        ) from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"the output folder {folder} is not writable")
    temporary = folder / f".{path.name}.{os.getpid()}.part"
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise OutputError(f"the disk is full: cannot write {path}") from None
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_output(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path
