"""When a claimed return happened: the date phrase that dates it, resolved against the
article's publication date (`extract.claims.date_phrases` finds the phrases of a doc,
`extract.claims.dates` reads one).

Where the date comes from, in order:
1. the claim's own sentence: a date hanging on the figure ("40 in September"), then one
   in the return clause, the start of a "since ..." clause, then the nearest; a date that
   hangs on another figure of the sentence ("fell to 9,800, from 15,200 in December")
   dates that figure; a dateline's date ("KABUL, March 4 (Reuters) -") only when the
   sentence names no other;
2. a figure that continues the sentence before ("Of them, 600 ...", "a further 210"):
   that sentence's date;
3. the sentences around it in the same paragraph, then further sentences that tell of the
   same movement, never across a sentence that states another figure.
A vague period ("over the past year", "in recent months") in the sentence leaves the claim
undated.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extract.claims.candidates import Candidate, sentences
from extract.claims.date_phrases import DatePhrase, date_phrases, resolve_phrase
from extract.claims.dates import YEAR_RE, DateValue, resolve_date
from extract.claims.lexicon import Lexicon
from extract.claims.syntax import ancestors_to_root

VAGUE_PERIOD_RE = re.compile(
    r"\b(the )?(past|last|previous|recent) (few |several |\d+ |twelve |six |three )?"
    r"(years?|months?|decades?|weeks?)\b|\brecent (years|months|weeks)\b",
    re.I,
)
DATELINE_RE = re.compile(
    r"^[A-Z][\w .'’-]{1,40}(?:,\s*[\w .]{1,30})?,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})"
    r"(?:,?\s+\d{4})?\s*(?:\([^)]{2,30}\))?\s*(?:--|[–—-])\s+"
)


@dataclass(frozen=True)
class Dating:
    value: DateValue | None
    where: str | None  # "sentence", "neighbour", "vague" (a vague period: undated on purpose) or None
    from_sentence: int | None  # index of the sentence that dated a claim from outside its own


def _paragraph(doc: Doc, char: int) -> int:
    cache = doc.user_data.get("newsmon_newlines")
    if cache is None:
        cache = [i for i, ch in enumerate(doc.text) if ch == "\n"]
        doc.user_data["newsmon_newlines"] = cache
    lo, hi = 0, len(cache)
    while lo < hi:
        mid = (lo + hi) // 2
        if cache[mid] < char:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _in_clause(tok: Token, heads: set[int]) -> bool:
    """Whether `tok` hangs in the clause of one of `heads`: reached going up without passing
    through another verb's clause ("the agreement signed in 2020" dates the signing)."""
    for t in ancestors_to_root(tok)[1:]:
        if t.i in heads:
            return True
        if t.pos_ in ("VERB", "AUX") and t.dep_ in ("acl", "relcl", "advcl", "ccomp", "xcomp", "conj"):
            return False
    return False


def _week_window(phrase: str, published: str | None) -> tuple[dt.date, dt.date] | None:
    """The days a vague "this week" / "last week" covers."""
    if not published:
        return None
    try:
        pub = dt.date.fromisoformat(published[:10])
    except ValueError:
        return None
    p = phrase.lower()
    monday = pub - dt.timedelta(days=pub.weekday())
    if re.search(r"\b(this|earlier this) week\b", p):
        return monday, pub
    if re.search(r"\b(last|past|previous) week\b", p):
        return monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)
    return None


def _month_window(month: str) -> tuple[dt.date, dt.date] | None:
    """The days of a `YYYY-MM` month."""
    try:
        first = dt.date(int(month[:4]), int(month[5:7]), 1)
    except ValueError:
        return None
    return first, (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _day_inside(
    doc: Doc, phrases: list[DatePhrase], pool: list[DatePhrase], chosen: DatePhrase, published: str | None,
    window: tuple[dt.date, dt.date],
) -> DateValue | None:
    """A day that another phrase of the sentence gives inside the week or month the chosen one
    names: the more specific date of the same return."""
    for p in pool:
        if p is chosen:
            continue
        v = resolve_phrase(doc, phrases, p, published)
        day = _day_of(v.date) if v is not None and not v.cumulative and not v.date_end else None
        if day is not None and window[0] <= day <= window[1]:
            return v
    return None


def _day_of(date: str) -> dt.date | None:
    """The day a `YYYY-MM-DD` value names; None for a month, a year, an unknown year or no such day."""
    if len(date) != 10 or "X" in date:
        return None
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        return None


def _dateline_end(sent: Span) -> int:
    """Token index where a dateline ("KABUL, March 4 (Reuters) - ") at the sentence start ends."""
    m = DATELINE_RE.match(sent.text)
    if not m:
        return sent.start
    end_char = sent.start_char + m.end()
    for t in sent:
        if t.idx >= end_char:
            return t.i
    return sent.start


def _on_other_figure(doc: Doc, ph: DatePhrase, mine: set[int], claimed: set[int]) -> bool:
    """A date hanging on another number of the sentence dates that number, not this claim."""
    h = doc[ph.root].head
    if h.dep_ != "prep" or h.head.i == h.i:
        return False
    g = h.head
    if g.dep_ == "nummod":
        g = g.head
    nums = [g] if g.like_num else [c for c in g.children if c.like_num and c.dep_ in ("nummod", "pobj")]
    return bool(nums) and not any(n.i in mine or n.i in claimed for n in nums)


def _segment(c: Candidate, claimed_tokens: set[int]) -> tuple[int, int] | None:
    """(end of the figure before, start of the figure after) in the sentence, when the
    sentence holds other kept figures; None when this is its only one."""
    others = sorted(i for i in claimed_tokens if c.sent.start <= i < c.sent.end and not c.tq.start <= i < c.tq.end)
    if not others:
        return None
    before = [i for i in others if i < c.tq.start]
    after = [i for i in others if i >= c.tq.end]
    return (before[-1] + 1 if before else c.sent.start), (after[0] if after else c.sent.end)


def _best_of_sentence(doc: Doc, s: Span, phrases: list[DatePhrase], published: str | None) -> DateValue | None:
    """The date a sentence gives its own return: one in a return word's clause first."""
    sp = [p for p in phrases if s.start <= p.start < s.end and p.start >= _dateline_end(s)]
    triggers = {t.i for t in s if t._.trigger in ("verb", "phrasal", "noun", "people")}
    sp.sort(key=lambda p: 0 if _in_clause(doc[p.root], triggers) else 1)
    for p in sp:
        v = resolve_phrase(doc, phrases, p, published)
        if v is not None:
            return v
    return None


def _inherited(
    c: Candidate, phrases: list[DatePhrase], published: str | None, sents: list[Span], row: bool
) -> Dating | None:
    """The date of the sentence a figure continues ("Of them, 600 ...") or, for a row of a list or
    table, of the lead above it (rows with their own date were dated by it already)."""
    from extract.claims.candidates import _line_of
    from extract.claims.chunks import is_list_line

    doc = c.doc
    k = c.sent_index
    if not row:
        if k == 0:
            return None
        v = _best_of_sentence(doc, sents[k - 1], phrases, published)
        return Dating(v, "neighbour", k - 1) if v is not None and not v.date_end else None
    j = k - 1
    while j >= 0 and k - j <= 80 and is_list_line(_line_of(doc, sents[j])):
        j -= 1
    for i in range(j, max(-1, j - 8), -1):
        v = _best_of_sentence(doc, sents[i], phrases, published)
        if v is not None:
            return Dating(v, "neighbour", i)
    return None


def date_of(
    c: Candidate, published: str | None, lex: Lexicon, claim_sents: dict[int, set[int]], claimed_tokens: set[int]
) -> Dating:
    """The date of candidate `c` (see the module docstring). `claim_sents`: sentence index ->
    counts claimed there; `claimed_tokens`: tokens of the kept figures."""
    doc = c.doc
    phrases = date_phrases(doc)
    sents = sentences(doc)
    sent = c.sent
    mine = set(range(c.tq.start, c.tq.end)) | {c.counted.i}
    heads = {t for t in ([c.trigger.i] if c.trigger is not None else [])} | {c.counted.head.i}
    dateline_end = _dateline_end(sent)
    own = [
        p for p in phrases if sent.start <= p.start < sent.end and not _on_other_figure(doc, p, mine, claimed_tokens)
    ]
    body = [p for p in own if p.start >= dateline_end] or own
    own_value = own_window = None
    if body:

        def on_figure(p: DatePhrase) -> bool:
            r = doc[p.root]
            return r.head.dep_ == "prep" and r.head.head.i in mine

        since = [
            t.head.i if t.dep_ == "mark" else t.i
            for t in sent
            if t.lower_ == "since"
            and (t.dep_ == "mark" and _in_clause(t.head, heads) or t.dep_ == "prep" and t.head.i in heads)
        ]
        in_clause = [p for p in body if _in_clause(doc[p.root], heads)]
        pool = list(in_clause or body)
        segment = _segment(c, claimed_tokens)
        if segment is not None:
            # several figures in the sentence: "600 on Saturday and 450 on Sunday" - a figure's
            # own date lies between it and the next figure, else between the one before and it
            lo, hi = segment
            after = [p for p in body if c.tq.end <= p.start < hi]
            pool = after or [p for p in body if lo <= p.start < c.tq.start] or pool
        pool.sort(
            key=lambda p: (
                0 if on_figure(p) else 1 if since and _in_clause(doc[p.root], set(since)) else 2,
                abs(p.root - c.tq.start),
            )
        )
        for p in pool:
            v = resolve_phrase(doc, phrases, p, published)
            if v is None:
                continue
            week = _week_window(p.text, published)
            month = _month_window(v.date) if len(v.date) == 7 and not v.date_end else None
            window = None if v.cumulative else week or month
            others = body if segment is None else pool  # another clause of the sentence may give the day
            inside = _day_inside(doc, phrases, others, p, published, window) if window else None
            if inside is not None:
                return Dating(inside, "sentence", None)  # "arrested last week, handed over this morning"
            if week is not None and not v.cumulative:
                own_value, own_window = v, week  # "earlier this week": a nearby "on Monday" may say which day
                break
            return Dating(v, "sentence", None)
        if own_value is None and any(VAGUE_PERIOD_RE.search(p.text) for p in pool):
            return Dating(None, "vague", None)
    if own_value is None and VAGUE_PERIOD_RE.search(sent.text[: max(1, c.anchor.idx - sent.start_char + 40)]):
        return Dating(None, "vague", None)  # "Over the past year, more than 2,000 ..."
    k = c.sent_index
    first = " ".join(t.lower_ for t in doc[sent.start : sent.start + 3])
    before_num = " ".join(t.lower_ for t in doc[max(sent.start, c.tq.start - 2) : c.tq.start])
    anaphoric = re.match(r"^(of|among) (them|those|these|whom)\b|^(of|among) the \w+ ", first) or re.search(
        r"\b(a further|another|an additional)$", before_num
    )
    from extract.claims.candidates import _line_of
    from extract.claims.chunks import is_list_line

    row = is_list_line(_line_of(doc, sent))
    if own_value is None and (anaphoric or row or c.rule in ("previous", "context")):
        got = _inherited(c, phrases, published, sents, row)
        if got is not None:
            return got
    para = _paragraph(doc, sent.start_char)
    order = []
    for dist in range(1, 7):
        for j in (k + dist, k - dist):
            if 0 <= j < len(sents) and (j > k or (dist <= 2 and _paragraph(doc, sents[j].start_char) == para)):
                order.append((dist, j))
    blocked_fwd = blocked_back = False
    for dist, j in order:
        if (j > k and blocked_fwd) or (j < k and blocked_back):
            continue
        s = sents[j]
        same_para_prev = j == k - 1 and _paragraph(doc, s.start_char) == para
        if claim_sents.get(j, set()) - {c.quantity.value} and not same_para_prev:
            if j > k:
                blocked_fwd = True
            else:
                blocked_back = True
            continue
        near = dist == 1 and _paragraph(doc, s.start_char) == para
        sp = [p for p in phrases if s.start <= p.start < s.end]
        if not sp:
            continue
        if not near and not any(
            t._.trigger in ("verb", "phrasal", "noun", "people") or t.lemma_.lower() in lex.event_verbs for t in s
        ):
            continue
        for p in sp:
            v = resolve_phrase(doc, phrases, p, published)
            if v is None or v.cumulative or v.date_end:
                continue
            if not near and len(v.date) < 7:
                continue  # a bare year far away says little about this return
            if own_value is not None and own_window is not None:
                first_day, last_day = own_window
                day = _day_of(v.date)
                if day is not None and first_day <= day <= last_day:
                    return Dating(v, "neighbour", j)
                continue
            return Dating(v, "neighbour", j)
    if own_value is not None:
        return Dating(own_value, "sentence", None)
    return Dating(None, None, None)


def headline_period(headline: str, published: str | None) -> DateValue | None:
    """The period a report's headline names with its year ("Migrant Returns Dashboard,
    April-June 2025", "Enforcement of immigration legislation, 2nd quarter 2025"): the period
    of the figures the report gives without a date of their own. A headline without a year
    names none ("7,000 Afghans return in two days")."""
    if not YEAR_RE.search(headline.lower()):
        return None
    value = resolve_date(headline, published)
    if value is None or value.cumulative or value.relative:
        return None
    return value
