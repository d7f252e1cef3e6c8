"""One main job at a time: an exclusive lock file beside the database.

The lock is taken beside the database's real path (symlinks resolved), so
that the same file reached through a symlinked file or folder is one lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    pass


class LockError(Exception):
    """The lock file cannot be made (a read-only or missing folder): one line naming it."""


def lock_path(db_path: str | os.PathLike) -> Path:
    """`<db>.lock` beside the database file itself, wherever symlinks to it are."""
    return Path(os.path.realpath(db_path) + ".lock")


class RunLock:
    """`with RunLock(db_path):` holds `<db>.lock`; a second holder fails at once with AlreadyRunning."""

    def __init__(self, db_path: str | os.PathLike):
        self.db_path = Path(db_path)
        self.path = lock_path(db_path)
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
            finally:
                os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise AlreadyRunning(f"another newsmon run{who} is using {self.db_path}; "
                                 f"this one stops without doing anything") from None
        try:  # the holder's pid, for the message above; the lock holds without it (a full disk)
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        except OSError:
            pass
        self._fd = fd
        return self

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            try:  # a lock file made before, on a file system gone read-only: a read-only one locks as well
                return os.open(self.path, os.O_RDONLY)
            except OSError:
                raise LockError(f"{self.db_path}: cannot create the run lock {self.path}: "
                                f"{exc.strerror or exc}") from None

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
