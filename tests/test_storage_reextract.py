"""`newsmon extract --all` on reviewed claims: decisions and corrected values survive, nothing reviewed is deleted."""

from __future__ import annotations

from storage.claims import get_claim
from storage.db import open_db
from storage.reviews import decide, history
from tests.helpers import run_newsmon


def test_extract_all_keeps_every_review(demo_db_path):
    db = open_db(demo_db_path)
    rows = db.execute("select id, article_id, count, evidence, start, end from claims order by id").fetchall()
    accepted, edited, rejected = rows[0][0], rows[1][0], rows[2][0]
    decide(db, accepted, "accept", "ana")
    decide(db, edited, "edit", "ana", {"count": rows[1][2] + 5, "locations": "Dandong"})
    decide(db, rejected, "reject", "ben")
    # A claim of older rules that the current rules do not find: one reviewed, one not.
    article_id, text = db.execute("select id, text from articles where id = ?", [rows[3][1]]).fetchone()
    fake = {"article_id": article_id, "count": 4321, "qualifier": "exact", "evidence": text[:20], "start": 0,
            "end": 20, "locations": "[]", "status": "pending", "extractor_version": "old-rules"}
    old_reviewed = db["claims"].insert(fake).last_pk
    old_pending = db["claims"].insert({**fake, "count": 4322}).last_pk
    decide(db, old_reviewed, "accept", "ana")
    before = {r[0]: r for r in rows}
    db.close()

    result = run_newsmon("extract", "--all", "--db", str(demo_db_path))
    assert result.returncode == 0, result.stderr

    db = open_db(demo_db_path)
    try:
        assert get_claim(db, accepted)["status"] == "accepted"
        kept = get_claim(db, edited)
        assert (kept["status"], kept["count"], kept["machine"]["count"], kept["locations"]) == \
            ("accepted", before[edited][2] + 5, before[edited][2], ["Dandong"])
        assert get_claim(db, rejected)["status"] == "rejected" and get_claim(db, rejected)["reviewed_by"] == "ben"
        for cid in (accepted, edited, rejected):
            assert not get_claim(db, cid)["stale"]  # found again by the same rules
        stale = get_claim(db, old_reviewed)
        assert stale is not None and stale["status"] == "accepted" and stale["stale"] == 1  # flagged, kept
        assert [h["action"] for h in history(db, old_reviewed)] == ["accept"]
        assert get_claim(db, old_pending) is None  # an unreviewed machine claim is simply replaced
        # unreviewed claims found again keep their ids; no claim is duplicated
        after = db.execute("select id, article_id, count, evidence from claims where id != ? order by id",
                           [old_reviewed]).fetchall()
        assert [(i, a, c, e) for i, a, c, e, *_ in before.values()] == after
    finally:
        db.close()
