"""Review decisions: accept, reject, edit (correct), split and merge events, undo.

Every decision is one `reviews` row per claim it touches, holding the claim's
reviewable state before and after it (JSON), the reviewer and the time.
Decisions taken together (a whole event at once) share a `batch`; undo reverts
the latest batch that is not undone yet, and is itself recorded.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import date as _date
from typing import Any

from sqlite_utils import Database

from extract.types import QUALIFIERS
from storage.articles import utc_now
from storage.db import row_id, write_transaction
from storage.events import _new_event, drop_empty_events, move_claims

STATE_FIELDS = ("status", "corrected_count", "corrected_qualifier", "corrected_date", "corrected_locations",
                "reviewed_by", "reviewed_at", "event_id", "event_locked")
ACTIONS = ("accept", "reject", "edit", "split", "merge", "undo")
MAX_COUNT = 10_000_000
_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2})(?:-(\d{2}))?)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ReviewError(Exception):
    """A decision that cannot be taken (no such claim or event, nothing to undo, a conflict)."""


class NotFound(ReviewError):
    pass


class ValidationError(ReviewError):
    """Edited values that are not valid; `errors` maps each field to a message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# --- validation -----------------------------------------------------------

def validate_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise edited values (`count`, `qualifier`, `date`, `locations`; any subset).

    `locations` may be a list or a comma-separated string; an empty `date` means "no date".
    Raises ValidationError naming every bad field.
    """
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    unknown = set(values) - {"count", "qualifier", "date", "locations"}
    for name in sorted(unknown):
        errors[name] = "not an editable field"
    if "count" in values:
        raw = values["count"]
        try:
            if isinstance(raw, bool):
                raise ValueError
            count = int(str(raw).replace(",", "").strip()) if not isinstance(raw, int) else raw
        except (TypeError, ValueError):
            errors["count"] = "must be a whole number"
        else:
            if not 0 < count <= MAX_COUNT:
                errors["count"] = f"must be between 1 and {MAX_COUNT:,}"
            else:
                out["count"] = count
    if "qualifier" in values:
        qualifier = str(values["qualifier"] or "").strip()
        if qualifier not in QUALIFIERS:
            errors["qualifier"] = "must be one of " + ", ".join(QUALIFIERS)
        else:
            out["qualifier"] = qualifier
    if "date" in values:
        raw_date = str(values["date"] or "").strip()
        if not raw_date:
            out["date"] = ""  # explicitly no date
        else:
            m = _DATE.match(raw_date)
            problem = None
            if not m:
                problem = "must be YYYY, YYYY-MM or YYYY-MM-DD (XXXX for an unknown year)"
            else:
                year, month, day = m.groups()
                if year == "XXXX" and month is None:
                    problem = "an unknown year needs a month (XXXX-MM)"
                elif month is not None and not 1 <= int(month) <= 12:
                    problem = "month must be 01 to 12"
                elif day is not None:
                    try:
                        _date(2000 if year == "XXXX" else int(year), int(month), int(day))
                    except ValueError:
                        problem = "no such day"
                elif year != "XXXX" and not 1900 <= int(year) <= 2100:
                    problem = "year out of range"
            if problem:
                errors["date"] = problem
            else:
                out["date"] = raw_date
    if "locations" in values:
        raw_locations = values["locations"]
        if isinstance(raw_locations, str):
            items = [x.strip() for x in raw_locations.split(",")]
        elif isinstance(raw_locations, (list, tuple)):
            items = [str(x).strip() for x in raw_locations]
        else:
            items = None
        if items is None:
            errors["locations"] = "must be a list of place names"
        else:
            items = [x for x in items if x]
            if any(len(x) > 100 or _CONTROL.search(x) for x in items) or len(items) > 20:
                errors["locations"] = "at most 20 place names of up to 100 characters each"
            else:
                out["locations"] = list(dict.fromkeys(items))
    if errors:
        raise ValidationError(errors)
    return out


# --- state and history -----------------------------------------------------

def _state(db: Database, claim_id: int) -> dict[str, Any]:
    sql = f"select {', '.join(STATE_FIELDS)} from claims where id = ?"  # noqa: S608 - STATE_FIELDS: column names
    row = db.execute(sql, [claim_id]).fetchone()
    if row is None:
        raise NotFound(f"no claim {claim_id}")
    return dict(zip(STATE_FIELDS, row, strict=True))


def _apply(db: Database, claim_id: int, state: dict[str, Any]) -> None:
    fields = [f for f in STATE_FIELDS if f in state]
    sql = f"update claims set {', '.join(f + ' = ?' for f in fields)} where id = ?"  # noqa: S608 - STATE_FIELDS only
    db.execute(sql, [state[f] for f in fields] + [claim_id])


def _record(db: Database, claim_id: int, action: str, before: dict, after: dict, reviewer: str, batch: str,
            at: str, undoes: str | None = None) -> int:
    return row_id("reviews", db.table("reviews").insert({
        "claim_id": claim_id, "action": action,
        "before": json.dumps(before, ensure_ascii=False, sort_keys=True),
        "after": json.dumps(after, ensure_ascii=False, sort_keys=True),
        "reviewer": reviewer, "at": at, "batch": batch, "undoes": undoes,
    }).last_pk)


def _reviewer(reviewer: str | None) -> str:
    name = (reviewer or "").strip()
    if not name or len(name) > 100 or _CONTROL.search(name):
        raise ValidationError({"reviewer": "a reviewer name (up to 100 characters) is required"})
    return name


def _change(db: Database, claim_id: int, action: str, changes: dict[str, Any], reviewer: str, batch: str,
            at: str) -> dict[str, Any]:
    before = _state(db, claim_id)
    after = {**before, **changes}
    _apply(db, claim_id, after)
    _record(db, claim_id, action, before, after, reviewer, batch, at)
    return after


def _new_batch() -> str:
    return uuid.uuid4().hex


# --- decisions ---------------------------------------------------------------

def decide(db: Database, claim_id: int, action: str, reviewer: str, values: dict[str, Any] | None = None) -> str:
    """Accept, reject or edit one claim; return the batch id of the decision.

    `edit` stores the corrected values beside the machine's (a value equal to the
    machine's clears its correction) and accepts the claim.
    """
    reviewer = _reviewer(reviewer)
    if action not in ("accept", "reject", "edit"):
        raise ReviewError(f"unknown action {action!r}")
    changes: dict[str, Any] = {}
    if action == "edit":
        clean = validate_values(values or {})
        if not clean:
            raise ValidationError({"values": "nothing to change"})
        machine = db.execute("select count, qualifier, date, locations from claims where id = ?", [claim_id]).fetchone()
        if machine is None:
            raise NotFound(f"no claim {claim_id}")
        m_count, m_qualifier, m_date, m_locations = machine
        if "count" in clean:
            changes["corrected_count"] = None if clean["count"] == m_count else clean["count"]
        if "qualifier" in clean:
            changes["corrected_qualifier"] = None if clean["qualifier"] == m_qualifier else clean["qualifier"]
        if "date" in clean:
            changes["corrected_date"] = None if clean["date"] == (m_date or "") else clean["date"]
        if "locations" in clean:
            machine_locations = json.loads(m_locations) if m_locations else []
            changes["corrected_locations"] = (None if clean["locations"] == machine_locations
                                              else json.dumps(clean["locations"], ensure_ascii=False))
    now = utc_now()
    changes.update({"status": "rejected" if action == "reject" else "accepted", "reviewed_by": reviewer,
                    "reviewed_at": now})
    batch = _new_batch()
    with write_transaction(db):
        _change(db, claim_id, action, changes, reviewer, batch, now)
        if action == "edit" and "corrected_count" in changes:
            _regroup_after_edit(db, claim_id)
    return batch


def _regroup_after_edit(db: Database, claim_id: int) -> None:
    """A corrected figure may belong to another event: unless a reviewer placed it, regroup it."""
    from storage.events import assign_events

    row = db.execute("select event_id, event_locked, coalesce(corrected_count, count) from claims where id = ?",
                     [claim_id]).fetchone()
    event_id, locked, count = row
    if locked or event_id is None:
        return
    others = db.execute("select coalesce(corrected_count, count) from claims where event_id = ? and id != ?",
                        [event_id, claim_id]).fetchall()
    if others and all(c == count for (c,) in others):
        return
    if not others:
        return
    # The grouping change is part of the edit's state (event_id is a state field), so undo restores it.
    db.execute("update claims set event_id = null where id = ?", [claim_id])
    assign_events(db, [claim_id])
    last = db.execute("select id, after from reviews where claim_id = ? order by id desc limit 1",
                      [claim_id]).fetchone()
    after = json.loads(last[1])
    after["event_id"] = db.execute("select event_id from claims where id = ?", [claim_id]).fetchone()[0]
    db.execute("update reviews set after = ? where id = ?",
               [json.dumps(after, ensure_ascii=False, sort_keys=True), last[0]])


def decide_event(db: Database, event_id: int, action: str, reviewer: str) -> tuple[str, int]:
    """Accept or reject every claim of an event at once; return (batch, how many claims changed)."""
    reviewer = _reviewer(reviewer)
    if action not in ("accept", "reject"):
        raise ReviewError(f"unknown action {action!r}")
    target = "accepted" if action == "accept" else "rejected"
    batch, now, changed = _new_batch(), utc_now(), 0
    with write_transaction(db):
        ids = [i for (i,) in db.execute("select id from claims where event_id = ? order by id", [event_id]).fetchall()]
        if not ids:
            raise NotFound(f"no event {event_id}")
        for claim_id in ids:
            if _state(db, claim_id)["status"] == target:
                continue
            _change(db, claim_id, action, {"status": target, "reviewed_by": reviewer, "reviewed_at": now},
                    reviewer, batch, now)
            changed += 1
    return batch, changed


def split(db: Database, event_id: int, claim_ids: list[int], reviewer: str) -> int:
    """Move claims out of an event into a new event of their own; return the new event's id."""
    reviewer = _reviewer(reviewer)
    batch, now = _new_batch(), utc_now()
    with write_transaction(db):
        members = {i for (i,) in db.execute("select id from claims where event_id = ?", [event_id]).fetchall()}
        if not members:
            raise NotFound(f"no event {event_id}")
        chosen = [i for i in dict.fromkeys(claim_ids)]
        if not chosen or not set(chosen) <= members:
            raise ValidationError({"claims": f"choose claims of event {event_id}"})
        if set(chosen) == members:
            raise ValidationError({"claims": "splitting every claim off would leave the event empty"})
        new_event = _new_event(db, manual=True)
        for claim_id in chosen:
            before = _state(db, claim_id)
            move_claims(db, [claim_id], new_event)
            _record(db, claim_id, "split", before, _state(db, claim_id), reviewer, batch, now)
        # The claims left behind are placed by hand too: automatic grouping no longer moves them.
        for claim_id in sorted(members - set(chosen)):
            before = _state(db, claim_id)
            if not before["event_locked"]:
                move_claims(db, [claim_id], event_id)
                _record(db, claim_id, "split", before, _state(db, claim_id), reviewer, batch, now)
    return new_event


def merge(db: Database, event_id: int, other_event_ids: list[int], reviewer: str) -> int:
    """Merge other events into `event_id` (their claims move there); return `event_id`."""
    reviewer = _reviewer(reviewer)
    batch, now = _new_batch(), utc_now()
    with write_transaction(db):
        if db.execute("select 1 from events where id = ?", [event_id]).fetchone() is None:
            raise NotFound(f"no event {event_id}")
        others = [e for e in dict.fromkeys(other_event_ids) if e != event_id]
        if not others:
            raise ValidationError({"events": "name another event to merge"})
        for other in others:
            if db.execute("select 1 from events where id = ?", [other]).fetchone() is None:
                raise NotFound(f"no event {other}")
        ids = [i for (i,) in db.execute("select id from claims where event_id = ?", [event_id]).fetchall()]
        for other in others:
            ids += [i for (i,) in db.execute("select id from claims where event_id = ?", [other]).fetchall()]
        for claim_id in ids:
            before = _state(db, claim_id)
            move_claims(db, [claim_id], event_id)
            after = _state(db, claim_id)
            if after != before:
                _record(db, claim_id, "merge", before, after, reviewer, batch, now)
        drop_empty_events(db, others)
    return event_id


# --- undo and history ---------------------------------------------------------

def last_batch(db: Database, reviewer: str | None = None) -> str | None:
    """The latest batch of decisions not undone yet (of one reviewer, if given)."""
    sql = "select batch from reviews where action != 'undo' and undone_by is null"
    params: list[Any] = []
    if reviewer:
        sql += " and reviewer = ?"
        params.append(reviewer)
    row = db.execute(sql + " order by id desc limit 1", params).fetchone()
    return row[0] if row else None


def undo(db: Database, reviewer: str, *, only_own: bool = False) -> dict[str, Any] | None:
    """Revert the latest decision batch not undone yet; return {batch, action, claim_ids} or None.

    Each claim goes back to its state before the decision. If a claim was changed
    again since (by another reviewer), nothing is reverted and ReviewError is raised.
    """
    reviewer = _reviewer(reviewer)
    now = utc_now()
    with write_transaction(db):
        batch = last_batch(db, reviewer if only_own else None)
        if batch is None:
            return None
        rows = list(db.query("select id, claim_id, action, before, after from reviews where batch = ? "
                             "and undone_by is null order by id desc", [batch]))
        for row in rows:
            current = _state(db, row["claim_id"])
            if current != json.loads(row["after"]):
                raise ReviewError(f"claim {row['claim_id']} changed after that decision; undo it first")
        undo_batch = _new_batch()
        emptied: set[int] = set()
        for row in rows:
            before = json.loads(row["before"])
            current = _state(db, row["claim_id"])
            if before.get("event_id") is not None:
                db.execute("insert or ignore into events (id, created_at, updated_at, manual) values (?, ?, ?, 1)",
                           [before["event_id"], now, now])
            if current.get("event_id") is not None:
                emptied.add(current["event_id"])
            _apply(db, row["claim_id"], before)
            undo_id = _record(db, row["claim_id"], "undo", current, before, reviewer, undo_batch, now, undoes=batch)
            db.execute("update reviews set undone_by = ? where id = ?", [undo_id, row["id"]])
        drop_empty_events(db, emptied)
    return {"batch": batch, "action": rows[0]["action"], "claim_ids": sorted({r["claim_id"] for r in rows})}


def history(db: Database, claim_id: int) -> list[dict[str, Any]]:
    rows = list(db.query("select * from reviews where claim_id = ? order by id", [claim_id]))
    for row in rows:
        row["before"] = json.loads(row["before"]) if row["before"] else None
        row["after"] = json.loads(row["after"]) if row["after"] else None
    return rows


def recent(db: Database, limit: int = 20) -> list[dict[str, Any]]:
    return list(db.query("select id, claim_id, action, reviewer, at, batch, undone_by from reviews "
                         "order by id desc limit ?", [limit]))
