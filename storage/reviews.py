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

from extract.types import KINDS, QUALIFIERS
from storage.articles import utc_now
from storage.claims import NO_COUNT_HIGH
from storage.db import row_id, write_transaction
from storage.events import _new_event, drop_empty_events, move_claims

STATE_FIELDS = ("status", "corrected_count", "corrected_qualifier", "corrected_date", "corrected_locations",
                "reviewed_by", "reviewed_at", "event_id", "event_locked", "corrected_count_high", "corrected_who",
                "corrected_date_end", "corrected_kind")
ACTIONS = ("accept", "reject", "edit", "split", "merge", "undo", "add")
EDIT_FIELDS = ("count", "qualifier", "date", "locations", "count_high", "who", "date_end", "kind")
MAX_COUNT = 10_000_000
MAX_NOTE = 2000
MAX_WHO = 200
_DATE = re.compile(r"^(\d{4}|XXXX)(?:-(\d{2})(?:-(\d{2}))?)?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_NOTE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # a note may have lines and tabs


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

def _whole_number(raw: Any) -> int | None:
    """`raw` as a whole number ("1,076" reads as 1076), else None (a bool, a fraction or words are none)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    text = str(raw if raw is not None else "").replace(",", "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _date_problem(raw_date: str) -> str | None:
    m = _DATE.match(raw_date)
    if not m:
        return "must be YYYY, YYYY-MM or YYYY-MM-DD (XXXX for an unknown year)"
    year, month, day = m.groups()
    if year == "XXXX" and month is None:
        return "an unknown year needs a month (XXXX-MM)"
    if month is not None and not 1 <= int(month) <= 12:
        return "month must be 01 to 12"
    if day is not None:
        try:
            _date(2000 if year == "XXXX" else int(year), int(month), int(day))
        except ValueError:
            return "no such day"
    elif year != "XXXX" and not 1900 <= int(year) <= 2100:
        return "year out of range"
    return None


def validate_note(note: Any) -> str | None:
    """A reviewer's free-text note: None when empty; ValidationError when too long or holding control characters."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise ValidationError({"note": "must be text"})
    text = note.strip()
    if len(text) > MAX_NOTE or _CONTROL_IN_NOTE.search(text):
        raise ValidationError({"note": f"at most {MAX_NOTE:,} characters of text"})
    return text or None


def validate_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise edited values (any subset of EDIT_FIELDS).

    `locations` may be a list or a comma-separated string; an empty `date` or `date_end` means
    "no date", an empty `count_high` "no upper figure" (None), an empty `who` "nobody named".
    Raises ValidationError naming every bad field.
    """
    out, errors = _checked(values)
    if errors:
        raise ValidationError(errors)
    return out


def _checked(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the valid values normalised, a message for each bad field)."""
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    unknown = set(values) - set(EDIT_FIELDS)
    for name in sorted(unknown):
        errors[name] = "not an editable field"
    if "count" in values:
        count = _whole_number(values["count"])
        if count is None:
            errors["count"] = "must be a whole number"
        elif not 0 < count <= MAX_COUNT:
            errors["count"] = f"must be between 1 and {MAX_COUNT:,}"
        else:
            out["count"] = count
    if "count_high" in values:
        raw_high = values["count_high"]
        if raw_high is None or str(raw_high).strip() == "":
            out["count_high"] = None
        else:
            high = _whole_number(raw_high)
            if high is None:
                errors["count_high"] = "must be a whole number (empty: no upper figure)"
            elif not 0 < high <= MAX_COUNT:
                errors["count_high"] = f"must be between 1 and {MAX_COUNT:,}"
            else:
                out["count_high"] = high
    if "qualifier" in values:
        qualifier = str(values["qualifier"] or "").strip()
        if qualifier not in QUALIFIERS:
            errors["qualifier"] = "must be one of " + ", ".join(QUALIFIERS)
        else:
            out["qualifier"] = qualifier
    if "kind" in values:
        kind = str(values["kind"] or "").strip()
        if kind not in KINDS:
            errors["kind"] = "must be one of " + ", ".join(KINDS)
        else:
            out["kind"] = kind
    if "who" in values:
        who = "" if values["who"] is None else values["who"]
        if not isinstance(who, str) or len(who.strip()) > MAX_WHO or _CONTROL.search(who.strip()):
            errors["who"] = f"at most {MAX_WHO} characters on one line"
        else:
            out["who"] = " ".join(who.split())
    for name in ("date", "date_end"):
        if name in values:
            raw_date = str(values[name] or "").strip()
            problem = _date_problem(raw_date) if raw_date else None
            if problem:
                errors[name] = problem
            else:
                out[name] = raw_date  # "" is explicitly no date
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
    return out, errors


def _check_together(count: int | None, count_high: int | None, date: str | None, date_end: str | None,
                    errors: dict[str, str] | None = None) -> None:
    """Values that are valid alone but not together: a range's top under its figure, an end before its start.

    Raises ValidationError with these and the `errors` already found (a field with an error is not checked again).
    """
    errors = dict(errors or {})
    if count_high is not None and count is not None and count_high <= count and "count_high" not in errors:
        errors["count_high"] = f"must be larger than the figure ({count:,}), or empty"
    if date and date_end and not date.startswith("X") and not date_end.startswith("X") and \
            date_end[:len(date)] < date[:len(date_end)] and "date_end" not in errors:
        errors["date_end"] = f"must not be before the date ({date})"
    if date_end and not date and "date_end" not in errors and "date" not in errors:
        errors["date_end"] = "an end date needs a date"
    if errors:
        raise ValidationError(errors)


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
            at: str, undoes: str | None = None, note: str | None = None) -> int:
    return row_id("reviews", db.table("reviews").insert({
        "claim_id": claim_id, "action": action,
        "before": json.dumps(before, ensure_ascii=False, sort_keys=True),
        "after": json.dumps(after, ensure_ascii=False, sort_keys=True),
        "reviewer": reviewer, "at": at, "batch": batch, "undoes": undoes, "note": note,
    }).last_pk)


def _reviewer(reviewer: str | None) -> str:
    name = (reviewer or "").strip()
    if not name or len(name) > 100 or _CONTROL.search(name):
        raise ValidationError({"reviewer": "a reviewer name (up to 100 characters) is required"})
    return name


def _change(db: Database, claim_id: int, action: str, changes: dict[str, Any], reviewer: str, batch: str,
            at: str, note: str | None = None) -> dict[str, Any]:
    before = _state(db, claim_id)
    after = {**before, **changes}
    _apply(db, claim_id, after)
    _record(db, claim_id, action, before, after, reviewer, batch, at, note=note)
    return after


def _new_batch() -> str:
    return uuid.uuid4().hex


# --- decisions ---------------------------------------------------------------

def decide(db: Database, claim_id: int, action: str, reviewer: str, values: dict[str, Any] | None = None,
           note: str | None = None) -> str:
    """Accept, reject or edit one claim; return the batch id of the decision.

    `edit` stores the corrected values beside the machine's (a value equal to the
    machine's clears its correction) and accepts the claim. `note` is kept with the
    decision (`reviews.note`).
    """
    reviewer = _reviewer(reviewer)
    note = validate_note(note)
    if action not in ("accept", "reject", "edit"):
        raise ReviewError(f"unknown action {action!r}")
    changes: dict[str, Any] = {}
    if action == "edit":
        clean, errors = _checked(values or {})
        if not clean and not errors:
            raise ValidationError({"values": "nothing to change"})
        row = db.execute("select count, qualifier, date, locations, count_high, who, date_end, kind, "
                         "corrected_count, corrected_count_high, corrected_date, corrected_date_end "
                         "from claims where id = ?", [claim_id]).fetchone()
        if row is None:
            raise NotFound(f"no claim {claim_id}")
        machine = dict(zip(EDIT_FIELDS, (row[0], row[1], row[2], json.loads(row[3]) if row[3] else [], row[4],
                                         row[5], row[6], row[7]), strict=True))
        corrected = {"count": row[8], "count_high": row[9], "date": row[10], "date_end": row[11]}

        def now_value(name: str) -> Any:
            if name in clean:
                return clean[name]
            value = corrected[name] if corrected[name] is not None else machine[name]
            return None if name == "count_high" and value == NO_COUNT_HIGH else value

        _check_together(now_value("count"), now_value("count_high"), now_value("date") or None,
                        now_value("date_end") or None, errors)
        for name, value in clean.items():
            was = machine[name]
            if name in ("date", "date_end", "who"):
                was = was or ""
            if value == was:
                changes["corrected_" + name] = None
            elif name == "count_high" and value is None:
                changes["corrected_" + name] = NO_COUNT_HIGH
            elif name == "locations":
                changes["corrected_" + name] = json.dumps(value, ensure_ascii=False)
            else:
                changes["corrected_" + name] = value
    now = utc_now()
    changes.update({"status": "rejected" if action == "reject" else "accepted", "reviewed_by": reviewer,
                    "reviewed_at": now})
    batch = _new_batch()
    with write_transaction(db):
        _change(db, claim_id, action, changes, reviewer, batch, now, note=note)
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


def decide_event(db: Database, event_id: int, action: str, reviewer: str,
                 note: str | None = None) -> tuple[str, int]:
    """Accept or reject every claim of an event at once; return (batch, how many claims changed)."""
    reviewer = _reviewer(reviewer)
    note = validate_note(note)
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
                    reviewer, batch, now, note=note)
            changed += 1
    return batch, changed


def split(db: Database, event_id: int, claim_ids: list[int], reviewer: str, note: str | None = None) -> int:
    """Move claims out of an event into a new event of their own; return the new event's id."""
    reviewer = _reviewer(reviewer)
    note = validate_note(note)
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
            _record(db, claim_id, "split", before, _state(db, claim_id), reviewer, batch, now, note=note)
        # The claims left behind are placed by hand too: automatic grouping no longer moves them.
        for claim_id in sorted(members - set(chosen)):
            before = _state(db, claim_id)
            if not before["event_locked"]:
                move_claims(db, [claim_id], event_id)
                _record(db, claim_id, "split", before, _state(db, claim_id), reviewer, batch, now, note=note)
    return new_event


def merge(db: Database, event_id: int, other_event_ids: list[int], reviewer: str, note: str | None = None) -> int:
    """Merge other events into `event_id` (their claims move there); return `event_id`."""
    reviewer = _reviewer(reviewer)
    note = validate_note(note)
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
                _record(db, claim_id, "merge", before, after, reviewer, batch, now, note=note)
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
            current, after = _state(db, row["claim_id"]), json.loads(row["after"])
            if {k: current.get(k) for k in after} != after:  # decisions from before m006 hold fewer fields
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


# --- claims a reviewer adds, articles a reviewer finished -------------------------

ADDED_VERSION = "reviewer"  # the extractor_version of a claim a reviewer added


def _offset(raw: Any) -> int | None:
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def add_claim(db: Database, article_id: int, values: dict[str, Any], reviewer: str,
              note: str | None = None) -> int:
    """Store a claim the extractor missed, as a reviewer stated it; return its id.

    `values`: `count`, `start`, `end` (required; offsets into the article's clean text),
    and any of `qualifier`, `date`, `date_end`, `locations`, `who`, `kind`, `count_high`,
    `evidence` (the selected text, checked against the offsets when given). White space
    at either end of the selection is left out, so `evidence == text[start:end]` is
    words. The claim is stored accepted with `origin = 'reviewer'`, placed in an event,
    and a `reviews` row (action `add`) records it; undoing the addition rejects it.
    """
    reviewer = _reviewer(reviewer)
    note = validate_note(note)
    values = dict(values)
    errors: dict[str, str] = {}
    start, end, selected = _offset(values.pop("start", None)), _offset(values.pop("end", None)), \
        values.pop("evidence", None)
    if "count" not in values or values["count"] in (None, ""):
        errors["count"] = "the figure is required"
    fields = {k: v for k, v in values.items() if v is not None or k in ("count",)}
    clean, field_errors = _checked(fields)
    errors.update({k: v for k, v in field_errors.items() if k not in errors})
    row = db.execute("select text, language from articles where id = ?", [article_id]).fetchone()
    if row is None:
        raise NotFound(f"no article {article_id}")
    text, language = row[0] or "", row[1]
    if start is None or end is None:
        errors.setdefault("start", "start and end must be whole numbers (offsets into the article text)")
    elif not 0 <= start < end <= len(text):
        errors.setdefault("start", f"the selection {start}-{end} is outside the article text (0-{len(text)})")
    else:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            errors.setdefault("start", "the selection holds no words")
        elif selected is not None and " ".join(str(selected).split()) != " ".join(text[start:end].split()):
            errors.setdefault("evidence", "the selected text is not the article text at these offsets")
    _check_together(clean.get("count"), clean.get("count_high"), clean.get("date") or None,
                    clean.get("date_end") or None, errors)
    assert start is not None and end is not None  # checked above; narrows the types
    from storage.events import assign_events

    now = utc_now()
    with write_transaction(db):
        claim_id = row_id("claims", db.table("claims").insert({
            "article_id": article_id, "count": clean["count"], "count_high": clean.get("count_high"),
            "qualifier": clean.get("qualifier") or "exact", "who": clean.get("who") or None,
            "date": clean.get("date") or None, "date_end": clean.get("date_end") or None,
            "kind": clean.get("kind") or "event",
            "locations": json.dumps(clean.get("locations") or [], ensure_ascii=False),
            "evidence": text[start:end], "start": start, "end": end, "confidence": None, "vague": 0,
            "other_evidence": "[]", "status": "accepted", "origin": "reviewer", "language": language,
            "extractor_version": ADDED_VERSION, "created_at": now, "reviewed_by": reviewer, "reviewed_at": now,
        }).last_pk)
        assign_events(db, [claim_id])
        after = _state(db, claim_id)
        _record(db, claim_id, "add", {**after, "status": "rejected"}, after, reviewer, _new_batch(), now, note=note)
    return claim_id


def mark_article_reviewed(db: Database, article_id: int, done: bool = True) -> None:
    """Mark an article finished by a reviewer (`articles.reviewed_at` = now, UTC), or clear the mark."""
    with write_transaction(db):
        if db.execute("select 1 from articles where id = ?", [article_id]).fetchone() is None:
            raise NotFound(f"no article {article_id}")
        db.execute("update articles set reviewed_at = ? where id = ?", [utc_now() if done else None, article_id])
