"""Opening the newsmon database: one SQLite file, WAL mode, migrated on open."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from storage.migrations import migrations

BUSY_TIMEOUT_S = 30.0


class _Connection(sqlite3.Connection):
    """Every write transaction takes the write lock when it begins (BEGIN IMMEDIATE).

    In WAL mode a deferred transaction that must turn into a write transaction
    while another connection writes gets "database is locked" at once, whatever
    the busy timeout; an immediate one waits its turn. sqlite-utils' `atomic()`
    and Python's implicit transactions both go through here.
    """

    def execute(self, sql, *args):
        if isinstance(sql, str) and sql.strip().rstrip(";").strip().upper() in ("BEGIN", "BEGIN DEFERRED",
                                                                                  "BEGIN TRANSACTION"):
            sql = "BEGIN IMMEDIATE"
        return super().execute(sql, *args)


@contextlib.contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A transaction that takes the write lock at its start (BEGIN IMMEDIATE).

    A deferred transaction that reads and then writes cannot wait for another
    writer (SQLite answers "database is locked" at once, whatever the busy
    timeout); an immediate one waits its turn. Nested, it is a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


class StorageError(Exception):
    """The database cannot be used (bad path, not a database, locked too long)."""


def open_db(path: str | Path, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path` and bring its schema up to date.

    WAL mode and a busy timeout let a crawl and a reviewer write at the same
    time: a writer waits for the other instead of failing with "database is locked".
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                               isolation_level="IMMEDIATE", factory=_Connection)
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if migrate:
            migrations.apply(db)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise StorageError(f"{path}: cannot use database: {exc}") from exc
    return db
