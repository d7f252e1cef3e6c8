"""Opening the newsmon database: one SQLite file, WAL mode, migrated on open.

A database that stops taking writes (a full disk, a read-only file or file
system, another process holding the write lock past the busy timeout, an I/O
error) raises `DatabaseFault`: a `StorageError` whose message is one line
naming the file and the cause, so that every command can report it as such.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from storage.migrations import migrations

BUSY_TIMEOUT_S = 30.0
BUSY_TIMEOUT_ENV = "NEWSMON_BUSY_TIMEOUT"  # seconds a write waits for another process's write lock


class StorageError(Exception):
    """The database cannot be used (bad path, not a database, full, read-only, locked too long): one line."""


class DatabaseFault(StorageError, sqlite3.OperationalError):
    """SQLite refused to read or write the file: full disk, read-only, locked too long, I/O error.

    Also a `sqlite3.OperationalError`, so that code written against sqlite3
    (sqlite-utils' own fallbacks) sees what it always saw. `kind` is "full",
    "read-only", "locked", "io" or "cannot open"; `cause` says it in words.
    """

    def __init__(self, path: str, kind: str, cause: str, sqlite_message: str):
        self.path, self.kind, self.cause, self.sqlite_message = path, kind, cause, sqlite_message
        super().__init__(f"{path}: {cause} ({sqlite_message})")


# SQLite's primary result codes (the low byte of an extended code) that mean the file, not the SQL.
_FAULT_CODES = {13: "full", 8: "read-only", 5: "locked", 6: "locked", 10: "io", 14: "cannot open"}
_FAULT_MESSAGES = (("disk is full", "full"), ("readonly database", "read-only"), ("database is locked", "locked"),
                   ("database table is locked", "locked"), ("disk i/o error", "io"),
                   ("unable to open database file", "cannot open"))


def row_id(table: str, rowid: int | None) -> int:
    """The id of the row just inserted into `table` (sqlite3 and sqlite-utils leave room for None)."""
    if rowid is None:
        raise StorageError(f"{table}: the insert gave no row id")
    return rowid


def busy_timeout() -> float:
    """How long a write waits for another process's write lock: NEWSMON_BUSY_TIMEOUT seconds, else 30."""
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    if not raw:
        return BUSY_TIMEOUT_S
    try:
        value = float(raw)
    except ValueError:
        raise StorageError(f"{BUSY_TIMEOUT_ENV}={raw!r}: not a number of seconds") from None
    if not 0 <= value <= 24 * 3600:
        raise StorageError(f"{BUSY_TIMEOUT_ENV}={raw!r}: must be between 0 and 86400 seconds")
    return value


def fault_kind(exc: BaseException) -> str | None:
    """Which storage fault a sqlite3 error is ("full", "read-only", "locked", "io", "cannot open"), or None."""
    if isinstance(exc, DatabaseFault):
        return exc.kind
    if not isinstance(exc, sqlite3.OperationalError):
        return None
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    if code is not None:
        return _FAULT_CODES.get(code & 0xFF)
    message = str(exc).lower()
    return next((kind for text, kind in _FAULT_MESSAGES if text in message), None)


def _why_read_only(path: str) -> str | None:
    """Why the database file cannot be written, as far as the file system tells (None: it does not)."""
    folder = os.path.dirname(os.path.abspath(path)) or "."
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "its file system is mounted read-only"
    except OSError:
        pass
    if os.path.exists(path) and not os.access(path, os.W_OK):
        return "the file is not writable by this user"
    if os.path.isdir(folder) and not os.access(folder, os.W_OK):
        return "its folder is not writable by this user"
    return None


def _disk_is_full(path: str) -> bool:
    """Whether the file system of `path` has (next to) no free space left."""
    try:
        st = os.statvfs(os.path.dirname(os.path.abspath(path)) or ".")
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 64 * 1024


def describe_fault(path: str, kind: str, sqlite_message: str) -> DatabaseFault:
    """The `DatabaseFault` for a storage fault of `kind` on the database at `path`, its cause in words."""
    if kind in ("io", "cannot open") and _disk_is_full(path):
        kind = "full"  # growing the -shm or -wal file failed for want of space: SQLite says "disk I/O error"
    if kind == "full":
        cause = "cannot write: the disk is full"
    elif kind == "read-only":
        cause = f"cannot write: the database is read-only: {_why_read_only(path) or 'the file cannot be written'}"
    elif kind == "locked":
        cause = (f"cannot write: the database is locked: another process held its write lock "
                 f"for more than {busy_timeout():g} s")
    elif kind == "io":
        cause = "cannot read or write: disk I/O error"
    else:
        why = _why_read_only(path)
        # A WAL database is opened with its -wal and -shm files beside it, which a read-only place cannot hold.
        cause = f"cannot open the database: {why}" if why else "cannot open the database file"
    return DatabaseFault(path, kind, cause, sqlite_message)


class _Connection(sqlite3.Connection):
    """A connection that knows its file, and says what went wrong with it.

    Every write transaction takes the write lock when it begins (BEGIN
    IMMEDIATE): in WAL mode a deferred transaction that must turn into a write
    transaction while another connection writes gets "database is locked" at
    once, whatever the busy timeout; an immediate one waits its turn.
    sqlite-utils' `atomic()` and Python's implicit transactions both go
    through here. A storage fault raised by a statement becomes `DatabaseFault`.
    """

    path: str = "?"

    def _fault(self, exc: sqlite3.OperationalError) -> BaseException:
        kind = fault_kind(exc)
        return exc if kind is None or isinstance(exc, DatabaseFault) else describe_fault(self.path, kind, str(exc))

    def execute(self, sql, *args):
        if isinstance(sql, str) and sql.strip().rstrip(";").strip().upper() in ("BEGIN", "BEGIN DEFERRED",
                                                                                  "BEGIN TRANSACTION"):
            sql = "BEGIN IMMEDIATE"
        try:
            return super().execute(sql, *args)
        except sqlite3.OperationalError as exc:
            raise self._fault(exc) from exc

    def executemany(self, sql, *args):
        try:
            return super().executemany(sql, *args)
        except sqlite3.OperationalError as exc:
            raise self._fault(exc) from exc

    def executescript(self, script):
        try:
            return super().executescript(script)
        except sqlite3.OperationalError as exc:
            raise self._fault(exc) from exc

    def commit(self):
        try:
            return super().commit()
        except sqlite3.OperationalError as exc:
            raise self._fault(exc) from exc


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes cannot wait for another
    writer (SQLite answers "database is locked" at once, whatever the busy
    timeout); an immediate one waits its turn. Nested, it is a savepoint.
    A COMMIT that fails (a full disk) rolls back: nothing of the transaction
    stays behind, half-written or left open for the next one to join.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.conn.execute("COMMIT")
    except BaseException:
        if db.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                db.conn.execute("ROLLBACK")
        raise


def check_writable(db: sqlite_utils.Database) -> None:
    """Raise `DatabaseFault` now if the database cannot take a write (read-only, locked past the timeout).

    Writes nothing: a write statement that changes no row still needs the
    write lock and a writable file. A full disk shows only when a write needs
    a new page, so it is found later, by the first write that does.
    """
    with write_transaction(db):
        db.execute("update articles set id = id where 0")


def database_path(db: sqlite_utils.Database) -> str:
    """The path the database was opened with (for messages)."""
    return getattr(db.conn, "path", "?")


def open_db(path: str | Path, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date.

    WAL mode and a busy timeout let a crawl and a reviewer write at the same
    time: a writer waits for the other (NEWSMON_BUSY_TIMEOUT seconds, else
    30) instead of failing with "database is locked".
    """
    path = Path(path)
    timeout = busy_timeout()
    conn = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=timeout, check_same_thread=False,
                               isolation_level="IMMEDIATE", factory=_Connection)
        conn.path = str(path)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if migrate:
            migrations.apply(db)
    except StorageError:
        _close_quietly(conn)
        raise
    except (sqlite3.DatabaseError, OSError) as exc:
        _close_quietly(conn)
        kind = fault_kind(exc)
        if kind is not None:
            raise describe_fault(str(path), kind, str(exc)) from exc
        raise StorageError(f"{path}: cannot use database: {exc}") from exc
    return db


def _close_quietly(conn: sqlite3.Connection | None) -> None:
    if conn is not None:
        with contextlib.suppress(sqlite3.Error):
            conn.close()
