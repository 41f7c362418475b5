"""How files appear: whole or not at all, and files that belong together, together.

Everything voicecoach writes (MP3s, sidecars, playlists, feeds, pages) goes through
``atomic_output``: a hidden temporary file beside the target, flushed to disk and renamed
over it only when complete, so an interrupted run leaves no partial file and never
damages the one that was there.

Files that describe each other (a track, its sidecars and its parts folder; a site's
feed, page and state) go through ``FileSet``: every one is written as a temporary first,
and only when all are complete are they renamed into place, in the reverse order they
were staged, so the file staged first (the MP3) appears last. A failure while writing
any of them (a full disk, an interruption) removes every temporary and leaves the old
set as it was.

Temporaries are named ``.NAME.PID.part``: ``remove_stale_temporaries`` removes those of
processes that no longer run (a build killed with ``kill -9`` cannot clean up after itself).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

from voicecoach.errors import OutputError

_TEMPORARY = re.compile(r"^\..+\.(\d+)\.part$")


def temporary_beside(path: Path) -> Path:
    """The hidden temporary ``path`` is written as, in a folder that exists and is writable."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot create the output folder {folder}: {exc.strerror or exc}"
        ) from None
    if not os.access(folder, os.W_OK):
        raise OutputError(f"the output folder {folder} is not writable")
    return folder / f".{path.name}.{os.getpid()}.part"


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success."""
    with FileSet() as files:
        yield files.stage(path)


class FileSet:
    """Files that appear together or not at all (see the module's docstring).

    ``stage(path)`` gives the temporary to write ``path`` as (``stage_folder`` a folder's);
    leaving the ``with`` block normally renames them all into place."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary, target), in staging order

    def stage(self, path: Path) -> Path:
        temporary = temporary_beside(path)
        self._staged.append((temporary, path))
        return temporary

    def stage_folder(self, path: Path) -> Path:
        """A temporary folder that replaces the folder ``path`` (and all it held)."""
        temporary = self.stage(path)
        temporary.mkdir()
        return temporary

    def __enter__(self) -> FileSet:
        return self

    def __exit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        try:
            if exc is None:
                self._commit()
            elif isinstance(exc, OSError):
                raise _output_error(exc, self._staged[-1][1] if self._staged else None) from None
        finally:
            for temporary, _ in self._staged:
                _remove(temporary)

    def _commit(self) -> None:
        target = None
        try:
            for temporary, _ in self._staged:  # on disk before anything is renamed
                if temporary.is_file():
                    with open(temporary, "rb+") as handle:
                        os.fsync(handle.fileno())
            for temporary, target in reversed(self._staged):
                if temporary.is_dir():
                    _replace_folder(temporary, target)
                else:
                    os.replace(temporary, target)
        except OSError as exc:
            raise _output_error(exc, target) from None


def _replace_folder(temporary: Path, target: Path) -> None:
    """Put the folder ``temporary`` where ``target`` is: the old one is moved aside first
    (a rename), then removed."""
    old = target.parent / f".{target.name}.{os.getpid()}.old.part"
    if target.exists():
        os.replace(target, old)
    os.replace(temporary, target)
    _remove(old)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _output_error(exc: OSError, path: Path | None) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError(f"the disk is full: cannot write {path}")
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


def remove_stale_temporaries(folder: Path) -> list[tuple[Path, int]]:
    """Remove the temporaries in ``folder`` (and its subfolders one level down: the parts
    folders) that processes no longer running left behind; returns them with their sizes."""
    removed: list[tuple[Path, int]] = []
    if not folder.is_dir():
        return removed
    candidates = [*folder.iterdir()]
    candidates += [p for sub in candidates if sub.is_dir() for p in sub.iterdir()]
    for path in candidates:
        match = _TEMPORARY.match(path.name.replace(".old.part", ".part"))
        if match is None or _running(int(match.group(1))):
            continue
        size = _size(path)
        _remove(path)
        removed.append((path, size))
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path``."""
    with atomic_output(path) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return path
