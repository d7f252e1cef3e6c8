"""Real storage faults for tests: a small disk that fills up, a file system that turns read-only.

`SmallDisk` mounts a tmpfs of a few megabytes on a folder inside a private
mount namespace (`unshare`): as root, or as any user where user namespaces
are allowed. Nothing outside the namespace sees the mount, and it vanishes
with the namespace when the test ends, even if the test crashes. Commands that
must see the small disk run through `SmallDisk.run` (`nsenter` into the
namespace); the folder's files are read back with `SmallDisk.copy_database`.

Where no mount namespace can be made, `SmallDisk.unavailable()` says why, and
the tests that need it are skipped with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import PROJECT_ROOT

_HOLD = ('mount -t tmpfs -o size="$1",mode=0777 newsmon-test "$2" || exit 1; echo mounted; '
         'exec sleep "$3"')


class SmallDisk:
    """`with SmallDisk(folder, size_bytes) as disk:` a tmpfs of `size_bytes` on `folder`, seen by `disk.run`."""

    def __init__(self, folder: Path, size_bytes: int = 4 * 1024 * 1024, lifetime_s: int = 900):
        self.folder = Path(folder)
        self.size_bytes = size_bytes
        self.lifetime_s = lifetime_s
        self._holder: subprocess.Popen | None = None
        self._as_root = os.geteuid() == 0

    @staticmethod
    def unavailable() -> str | None:
        """Why no small disk can be made here (None: it can)."""
        for tool in ("unshare", "nsenter", "mount"):
            if shutil.which(tool) is None:
                return f"`{tool}` is not installed"
        args = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user", "--mount"]
        probe = subprocess.run([*args, "sh", "-c", "mount -t tmpfs -o size=64k probe /mnt"],
                               capture_output=True, text=True, timeout=30)
        if probe.returncode != 0:
            return f"no private mount namespace with a tmpfs here: {probe.stderr.strip() or probe.returncode}"
        return None

    def __enter__(self) -> SmallDisk:
        self.folder.mkdir(parents=True, exist_ok=True)
        ns = ["unshare", "--mount", "--propagation", "private"] if self._as_root else \
            ["unshare", "--user", "--map-root-user", "--mount", "--propagation", "private"]
        self._holder = subprocess.Popen([*ns, "sh", "-c", _HOLD, "sh", str(self.size_bytes), str(self.folder),
                                         str(self.lifetime_s)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        line = self._holder.stdout.readline().strip()
        if line != "mounted":
            self._holder.wait(timeout=10)
            raise RuntimeError(f"could not mount the small disk: {self._holder.stderr.read().strip()}")
        return self

    def __exit__(self, *exc) -> None:
        if self._holder is not None:
            self._holder.kill()
            self._holder.wait(timeout=10)
            self._holder = None

    def _enter_args(self) -> list[str]:
        assert self._holder is not None, "use the disk inside its `with` block"
        pid = str(self._holder.pid)
        # `unshare` execs `sh`, which execs `sleep`: the holder's pid is in the namespace.
        if self._as_root:
            return ["nsenter", "--target", pid, "--mount"]
        return ["nsenter", "--target", pid, "--user", "--mount", "--preserve-credentials"]

    def run(self, argv: list[str], *, env: dict[str, str] | None = None, timeout: float = 600,
            check: bool = False) -> subprocess.CompletedProcess:
        """Run `argv` where the folder is the small disk (cwd: the project root)."""
        result = subprocess.run([*self._enter_args(), f"--wd={PROJECT_ROOT}", *argv], capture_output=True,
                                text=True, timeout=timeout, env={**os.environ, **(env or {})})
        if check and result.returncode != 0:
            raise AssertionError(f"{argv} failed ({result.returncode}): {result.stderr}")
        return result

    def popen(self, argv: list[str], *, env: dict[str, str] | None = None) -> subprocess.Popen:
        """Start `argv` where the folder is the small disk; stdout and stderr are pipes (text)."""
        return subprocess.Popen([*self._enter_args(), f"--wd={PROJECT_ROOT}", *argv], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})

    def newsmon(self, *args: str, env: dict[str, str] | None = None, timeout: float = 600
                ) -> subprocess.CompletedProcess:
        """`newsmon ARGS…` in a fresh process that sees the small disk."""
        return self.run([sys.executable, "-m", "newsmon", *args], env=env, timeout=timeout)

    def python(self, code: str, *args: str) -> subprocess.CompletedProcess:
        return self.run([sys.executable, "-c", code, *args], check=True)

    def fill(self, leave_bytes: int = 0) -> None:
        """Take all the free space but `leave_bytes` with a file that `free()` removes."""
        self.python(
            "import os, sys\n"
            "folder, leave = sys.argv[1], int(sys.argv[2])\n"
            "st = os.statvfs(folder)\n"
            "size = max(0, st.f_bavail * st.f_frsize - leave)\n"
            "with open(os.path.join(folder, 'filler'), 'wb') as f:\n"
            "    while size > 0:\n"
            "        n = min(size, 1 << 20)\n"
            "        f.write(b'\\0' * n)\n"
            "        size -= n\n",
            str(self.folder), str(leave_bytes))

    def free(self) -> None:
        """Give back the space that `fill()` took."""
        self.run(["rm", "-f", str(self.folder / "filler")], check=True)

    def read_only(self, on: bool = True) -> None:
        """Make the disk's mount read-only (a write fails with EROFS, root or not), or read-write again.

        A bind remount changes the mount's own flag, which a user namespace may do too.
        """
        self.run(["mount", "-o", f"remount,bind,{'ro' if on else 'rw'}", str(self.folder)], check=True)

    def copy_database(self, name: str, target: Path) -> Path:
        """A consistent copy of the database `name` of the disk (with its WAL), written to `target`."""
        self.python(
            "import sqlite3, sys\n"
            "src = sqlite3.connect('file:' + sys.argv[1] + '?mode=ro', uri=True)\n"
            "dst = sqlite3.connect(sys.argv[2])\n"
            "src.backup(dst)\n"
            "dst.close(); src.close()\n",
            str(self.folder / name), str(target))
        return target


_HOLD_LOCK = ("import sqlite3, sys\n"
              "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
              "conn.execute('BEGIN IMMEDIATE')\n"
              "print('locked', flush=True)\n"
              "sys.stdin.readline()\n"
              "conn.execute('ROLLBACK')\n")


class WriteLockHolder:
    """Another process holding the database's write lock (BEGIN IMMEDIATE) from `take()` to `release()`."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self._proc: subprocess.Popen | None = None

    def take(self) -> WriteLockHolder:
        self._proc = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(self.db_path)], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self._proc.stdout.readline().strip()
        if line != "locked":
            raise RuntimeError(f"could not take the write lock: {self._proc.stderr.read()}")
        return self

    def release(self) -> None:
        if self._proc is not None:
            self._proc.communicate("\n", timeout=30)
            self._proc = None

    def __enter__(self) -> WriteLockHolder:
        return self.take()

    def __exit__(self, *exc) -> None:
        self.release()
