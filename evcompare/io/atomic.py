"""Atomic file replacement: a reader sees the old file or the new one, never half of either.

A save that is interrupted (crash, power loss, kill) must not cost the user the project they
already had, so data goes to a temporary file beside the target, is forced to disk and only
then renamed over the target; the rename is atomic on POSIX and Windows file systems.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

_TEMP_SUFFIX = ".evtmp"


def temp_files(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files an interrupted `write_atomic` to `path` may have left beside it."""
    target = Path(path)
    return sorted(target.parent.glob(f".{target.name}.*{_TEMP_SUFFIX}"))


def _open_temp(target: Path) -> tuple[int, Path]:
    """Create a new, uniquely named file beside the target (mode from the umask, as for any new file)."""
    while True:
        temp = target.parent / f".{target.name}.{secrets.token_hex(6)}{_TEMP_SUFFIX}"
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                           0o666), temp
        except FileExistsError:
            continue


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; Windows cannot open a directory, and some file systems
    refuse to sync one, where the rename is as durable as the platform allows."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8") -> None:
    """Replace `path` with `data` so that the file is always either the old or the new version.

    Leftovers of earlier interrupted writes to the same file are removed first (a document has
    one writer), so they never pile up. The temporary file is removed when the write fails.
    """
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    for leftover in temp_files(target):
        with contextlib.suppress(OSError):
            leftover.unlink()
    fd, temp = _open_temp(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))  # keep the permissions it had
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_dir(target.parent)
