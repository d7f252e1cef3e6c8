"""One main job at a time: an exclusive lock file beside the database."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class AlreadyRunning(Exception):
    pass


class RunLock:
    """`with RunLock(db_path):` holds `<db>.lock`; a second holder fails at once with AlreadyRunning."""

    def __init__(self, db_path: Path):
        self.path = Path(str(db_path) + ".lock")
        self._fd: int | None = None

    def __enter__(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                holder = os.read(fd, 32).decode("ascii", "replace").strip()
            finally:
                os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise AlreadyRunning(f"another newsmon run{who} is using {str(self.path)[:-5]}; "
                                 f"this one stops without doing anything") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
