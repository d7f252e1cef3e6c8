"""Returnee claims: statements that a number of people were returned across a border.

    from extract.claims import find_claims, find_claims_many, EXTRACTOR_VERSION

`find_claims(text, published=None, title=None) -> list[Claim]`; every claim's
`text[start:end] == evidence`. Pure: no network, no database. The spaCy pipeline
(`extract.claims.nlp.get_nlp`) is built once per process; a cheap lexicon pass first
picks the paragraphs worth parsing (those with a trigger word and a figure, plus two
neighbours each side for date context), so articles that say nothing about returns cost almost nothing.

What a claim carries beyond eval/FORMAT.md:
- `count_high`: the upper end of a range ("between 400 and 600": count 400, count_high 600,
  qualifier at_least);
- `vague`: "hundreds", "thousands of", "dozens" are kept as claims with `vague=True`, the
  order of magnitude as `count` (100, 1000, 12) and qualifier `more_than`; they are never an
  exact figure, and `newsmon eval` leaves them out of the scores (FORMAT.md makes vague labels
  optional);
- `other_evidence`: the same figure again (headline and body; a rounded headline figure such
  as "more than 200" over a body "238" is folded into the body claim);
- `places`: `locations` looked up in the gazetteer (config/topics/places.toml);
- `confidence`: from how the number is tied to the trigger (object or subject of a return
  verb, "deportation of", a total), a people noun, a date and places found.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator

from extract.claims.core import date_phrases, trigger_places
from extract.claims.dates import resolve_date
from extract.claims.lexicon import Lexicon, load_lexicon
from extract.claims.nlp import get_nlp, normalise_for_nlp
from extract.claims.numbers import NUMBER_WORDS
from extract.types import Claim

EXTRACTOR_VERSION = "claims-1.1"

__all__ = ["find_claims", "find_claims_many", "EXTRACTOR_VERSION", "select_chunks"]

NEIGHBOURS = 2
VAGUE_WEEK_RE = re.compile(r"\b(this|last|past|earlier this|later this|the) (week|weekend)\b|\bweekend\b", re.I)
DATELINE_RE = re.compile(r"[A-Z][A-Za-z .'’]{1,40}(?:,\s*[A-Z][A-Za-z .]{1,30})?(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?"
                         r"(?:\s*\([A-Za-z .]{2,30}\))?\s*(?:--|[–—-])\s+")
VAGUE_PERIOD_RE = re.compile(r"\b(the )?(past|last|previous|recent) (few )?(years?|months?|decades?|twelve months)\b|\brecent (years|months)\b", re.I)
ANAPHORA_RE = re.compile(r"^(of|among) (them|those|these|whom)\b|^(of|among) the \w+ ")
BATCH = 64


def _config_key(config_dir: str | os.PathLike | None) -> str | None:
    if config_dir:
        return str(config_dir)
    return os.environ.get("NEWSMON_CONFIG") or None


# ---------------------------------------------------------------- paragraph selection
def select_chunks(text: str, lex: Lexicon, neighbours: int = NEIGHBOURS) -> list[tuple[int, int]]:
    """Character ranges of `text` worth parsing: runs of lines around lines with a trigger stem."""
    lines: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    hits = [i for i, (a, b) in enumerate(lines) if lex.stem_re.search(text, a, b)
            and (_has_figure(text, a, b, lex) or (i + 1 < len(lines) and _has_figure(text, *lines[i + 1], lex)))]
    if not hits:
        return []
    keep: set[int] = set()
    for i in hits:
        keep.update(range(max(0, i - neighbours), min(len(lines), i + neighbours + 1)))
    chunks: list[tuple[int, int]] = []
    run: list[int] = []
    for i in sorted(keep):
        if run and i != run[-1] + 1:
            chunks.append((lines[run[0]][0], lines[run[-1]][1]))
            run = []
        run.append(i)
    if run:
        chunks.append((lines[run[0]][0], lines[run[-1]][1]))
    return [piece for a, b in chunks for piece in _split_long(text, a, b)]


def _has_figure(text: str, a: int, b: int, lex: Lexicon) -> bool:
    """Whether a line holds anything a count can be made of: digits, number words, "hundreds"…

    A trigger line without one cannot yield a claim itself, unless the next line
    ("Among them were 40 women") carries the figure: callers check both.
    """
    return _figure_re(lex).search(text, a, b) is not None


_FIGURE_RES: dict[int, re.Pattern] = {}


def _figure_re(lex: Lexicon) -> re.Pattern:
    found = _FIGURE_RES.get(id(lex))
    if found is None:
        words = set(NUMBER_WORDS) | {key[0] for key in lex.vague}
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        found = re.compile(rf"\d|\b(?:{alternatives})", re.I)
        _FIGURE_RES[id(lex)] = found
    return found


MAX_CHUNK = 20_000


def _split_long(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """Pieces of at most MAX_CHUNK characters, cut after a line break or a full stop."""
    out = []
    while b - a > MAX_CHUNK:
        cut = text.rfind("\n", a + MAX_CHUNK // 2, a + MAX_CHUNK)
        if cut < 0:
            cut = text.rfind(". ", a + MAX_CHUNK // 2, a + MAX_CHUNK)
            cut = cut + 1 if cut >= 0 else a + MAX_CHUNK
        out.append((a, cut))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        out.append((a, b))
    return out


# ---------------------------------------------------------------- dates
def _paragraph_of(doc, char: int) -> int:
    """Index of the line holding `char` (newline offsets cached on the doc)."""
    cache = doc.user_data.get("newsmon_newlines")
    if cache is None:
        text = doc.text
        cache = [i for i, ch in enumerate(text) if ch == "\n"]
        doc.user_data["newsmon_newlines"] = cache
    return bisect.bisect_left(cache, char)


def _sents(doc) -> list:
    got = doc.user_data.get("newsmon_sents")
    if got is None:
        got = list(doc.sents)
        doc.user_data["newsmon_sents"] = got
    return got


def _in_clause(doc, tok_i: int, heads: list[int]) -> bool:
    t = doc[tok_i]
    for _ in range(12):
        if t.i in heads:
            return True
        if t.head.i == t.i:
            return False
        t = t.head
    return False


def _anchor_year(doc, phrases: list[dict], ph: dict, published: str | None) -> int | None:
    """A year named earlier in the same paragraph (or in the phrase itself)."""
    para = _paragraph_of(doc, doc[ph["start"]].idx)
    year = None
    for other in phrases:
        if other["start"] > ph["start"]:
            break
        if _paragraph_of(doc, doc[other["start"]].idx) != para:
            continue
        v = resolve_date(other["text"], None, None)
        if v is not None and v.explicit_year and v.date[:4].isdigit():
            year = int(v.date[:4])
    return year


def _week_window(phrase: str, published: str | None):
    """The days a vague "this week" / "last week" covers, or None."""
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


def _on_other_figure(doc, phrase: dict, cand: dict) -> bool:
    """A date hanging on another number of the sentence ("fell to 9,800, from 15,200 in
    December") dates that number, not this claim."""
    r = doc[phrase["root"]]
    h = r.head
    if h.dep_ != "prep" or h.head.i == h.i:
        return False
    g = h.head
    if g.dep_ == "nummod":
        g = g.head
    mine = set(range(cand["num_start"], cand["num_end"])) | {cand["x"]}
    claimed = doc.user_data.get("newsmon_claimed", set())
    nums = [g] if g.like_num else [c for c in g.children if c.like_num and c.dep_ in ("nummod", "pobj")]
    # a figure that is itself a claim shares its date ("55,362 from Iran and 23,400 from
    # Pakistan in January 2024"); one that is not keeps it ("from 15,200 in December")
    return bool(nums) and not any(n.i in mine or n.i in claimed for n in nums)


def _pick_date(doc, cand: dict, phrases: list[dict], claim_sents: dict[int, set[int]], published, lex) -> tuple:
    sents = _sents(doc)
    sent_idx = next(i for i, s in enumerate(sents) if s.start == cand["sent_start"])
    heads = [cand["trigger"]] + ([cand["gov"]] if cand["gov"] is not None else [])

    def resolve(ph):
        return resolve_date(ph["text"], published, _anchor_year(doc, phrases, ph, published))

    own = [p for p in phrases if cand["sent_start"] <= p["start"] < cand["sent_end"] and not _on_other_figure(doc, p, cand)]
    own_value = None
    own_window = None
    if own:
        in_clause = [p for p in own if _in_clause(doc, p["root"], heads)]
        pool = in_clause or own
        if cand.get("gapped"):
            pool = [p for p in own if p["start"] >= cand["num_end"]] or pool  # "and 450 on Sunday"
        num_toks = set(range(cand["num_start"], cand["num_end"])) | {cand["x"]}
        since = [t.head.i if t.dep_ == "mark" else t.i for t in doc[cand["sent_start"]:cand["sent_end"]]
                 if t.lower_ == "since" and (t.dep_ == "mark" or t.dep_ == "prep" and t.head.i in heads)]

        def on_figure(p):
            r = doc[p["root"]]
            return r.head.dep_ == "prep" and r.head.head.i in num_toks
        # a date hanging on the figure itself ("40 in September") first, then the start of a
        # "since ..." clause ("since Pakistan announced on Oct. 3 that ..."), then the nearest
        pool.sort(key=lambda p: (0 if on_figure(p) else
                                 1 if since and _in_clause(doc, p["root"], since) else 2,
                                 p["start"] if since and _in_clause(doc, p["root"], since) else 0,
                                 abs(p["root"] - cand["num_start"])))
        for p in pool:
            v = resolve(p)
            if v is not None:
                window = _week_window(p["text"], published)
                if window is not None and not v.cumulative:
                    own_value, own_window = v, window  # "earlier this week": a nearby "on Monday" may say which day
                    break
                return v, "sentence", None
        if own_value is None and any(VAGUE_PERIOD_RE.search(p["text"]) for p in in_clause or own):
            return None, None, None  # "over the past year": the sentence dates itself, vaguely
    # "Of them, 600 were deported.": the figure belongs to the sentence before
    first_words = " ".join(t.lower_ for t in doc[cand["sent_start"]:cand["sent_start"] + 3])
    after_num = " ".join(t.lower_ for t in doc[cand["num_end"]:cand["num_end"] + 2])
    before_num = " ".join(t.lower_ for t in doc[max(cand["sent_start"], cand["num_start"] - 2):cand["num_start"]])
    anaphoric = ANAPHORA_RE.match(first_words) or re.match(r"^(of|among) (them|those|these|whom)\b", after_num) \
        or re.search(r"\b(a further|another|an additional|a further some)$", before_num)  # "a further 21,000"
    if own_value is None and anaphoric and sent_idx > 0:
        prev = sents[sent_idx - 1]
        for p in sorted((p for p in phrases if prev.start <= p["start"] < prev.end), key=lambda p: p["start"]):
            v = resolve(p)
            if v is not None and not v.date_end:
                return v, "neighbour", None
    # neighbours: the sentence before or after in the same paragraph, then further
    # sentences that tell of the same movement
    para = _paragraph_of(doc, doc[cand["sent_start"]].idx)
    order = []
    for dist in range(1, 7):
        for j in (sent_idx + dist, sent_idx - dist):
            if 0 <= j < len(sents) and (j > sent_idx or (dist <= 2 and _paragraph_of(doc, sents[j].start_char) == para)):
                order.append((dist, j))  # backwards only within the paragraph: before it, other events
    blocked_fwd = blocked_back = False
    for dist, j in order:
        if (j > sent_idx and blocked_fwd) or (j < sent_idx and blocked_back):
            continue
        s = sents[j]
        other_counts = claim_sents.get(s.start, set())
        if other_counts - {cand["count"]}:
            if j > sent_idx:
                blocked_fwd = True
            else:
                blocked_back = True
            continue
        same_para = _paragraph_of(doc, s.start_char) == para
        sp = [p for p in phrases if s.start <= p["start"] < s.end]
        if not sp:
            continue
        if not (dist == 1 and same_para):
            if not any(t._.trigger is not None or t.lemma_.lower() in lex.event_verbs for t in s):
                continue
        for p in sorted(sp, key=lambda p: p["start"]):
            v = resolve(p)
            if v is None:
                continue
            if not (dist == 1 and same_para) and len(v.date) < 7:
                continue  # a bare year far away says little about this return
            if v.cumulative or v.date_end:
                continue  # "since January" dates a period, not this return
            if own_value is not None:
                lo, hi = own_window
                if len(v.date) == 10 and "X" not in v.date and lo <= dt.date.fromisoformat(v.date) <= hi:
                    return v, "neighbour", j
                continue
            return v, "neighbour", j
    if own_value is not None:
        return own_value, "sentence", None
    return None, None, None


# ---------------------------------------------------------------- assembly
def _claims_from_doc(doc, offset: int, text: str, published: str | None, lex: Lexicon) -> list[Claim]:
    cands = doc._.candidates or []
    if not cands:
        return []
    phrases = date_phrases(doc)
    doc.user_data["newsmon_claimed"] = {i for c in cands for i in range(c["num_start"], c["num_end"])}
    claim_sents: dict[int, set[int]] = {}
    for c in cands:
        if not c["vague"]:
            claim_sents.setdefault(c["sent_start"], set()).add(c["count"])
    out: list[Claim] = []
    for c in cands:
        v, where, from_sent = _pick_date(doc, c, phrases, claim_sents, published, lex)
        if from_sent is not None and not c["places"]:
            # the sentence that dated this return tells of the same movement: its places too
            c = dict(c, places=trigger_places(doc, _sents(doc)[from_sent]))
        date = v.date if v else None
        date_end = v.date_end if v else None
        kind = "cumulative" if (c["cumulative"] or (v is not None and v.cumulative and where == "sentence")) else "event"
        conf = c["confidence"] + (0.07 if where == "sentence" else 0.03 if where else 0.0)
        start, end = offset + c["ev_start"], offset + c["ev_end"]
        while start < end and (text[start].isspace() or text[start] in "–—-:|•*·>"):
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        m = DATELINE_RE.match(text, start, end)
        if m and m.end() < end - 10:
            start = m.end()  # "SEOUL, Oct. 13 (Yonhap) -- " is not part of the statement
        locs: list[str] = []
        places: list[dict] = []
        for a, b in c["places"]:
            name = text[offset + a: offset + b].strip()
            name = name.rstrip("0123456789").strip()
            if name.lower().startswith("the "):
                name = name[4:]
            if not name or name.lower() in (x.lower() for x in locs):
                continue
            locs.append(name)
            pl = lex.place_for(name)
            places.append({"name": name, **(pl.to_dict() if pl else {})} if pl else {"name": name})
            if pl:
                places[-1]["name"] = name
                places[-1]["canonical"] = pl.name
        qualifier = "more_than" if c["vague"] else c["qualifier"]
        claim = Claim(
            count=int(c["count"]), qualifier=qualifier, who=c["who"], date=date,
            date_end=date_end, kind=kind, locations=locs, evidence=text[start:end],
            start=start, end=end, confidence=round(max(0.05, min(0.99, conf)), 2),
            count_high=c["count_high"], vague=bool(c["vague"]), places=places,
        )
        claim._date_where = where  # type: ignore[attr-defined]
        out.append(claim)
    return out


def _compatible(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return True
    n = min(len(a), len(b))
    for x, y in zip(a[:n], b[:n]):
        if x != y and "X" not in (x, y):
            return False
    return True


def _merge(claims: list[Claim], text: str = "") -> list[Claim]:
    """One claim per figure and event: same count and compatible dates -> one claim."""
    claims = sorted(claims, key=lambda c: c.start)
    merged: list[Claim] = []
    for c in claims:
        # the same sentence found twice (two numbers of one range, or two triggers)
        target = None
        for m in merged:
            if m.count == c.count and m.vague == c.vague and _compatible(m.date, c.date):
                target = m
                break
        if target is None:
            merged.append(c)
            continue
        if c.start == target.start and c.end == target.end:
            continue
        if any(o["start"] == c.start for o in target.other_evidence):
            continue
        target.other_evidence.append({"evidence": c.evidence, "start": c.start, "end": c.end})
        mw = getattr(target, "_date_where", None)
        cw = getattr(c, "_date_where", None)
        if target.date is None and c.date is not None or (mw == "neighbour" and cw == "sentence" and c.date):
            target.date, target.date_end = c.date, c.date_end
            target._date_where = cw  # type: ignore[attr-defined]
        if target.kind == "event" and c.kind == "cumulative" and target.qualifier == c.qualifier:
            target.kind = "cumulative"
        if not target.who and c.who:
            target.who = c.who
        canon = {(p or {}).get("canonical", "").lower() for p in target.places} - {""}
        for loc, place in zip(c.locations, c.places or [{}] * len(c.locations)):
            low = loc.lower()
            if (place or {}).get("canonical", "").lower() in canon:
                continue  # "US" in the title, "United States" in the body: one place
            if not any(low in x.lower() or x.lower() in low for x in target.locations):
                target.locations.append(loc)  # places told in the title and in the body
                if place:
                    target.places.append(place)
        if target.qualifier == "exact" and c.qualifier != "exact":
            target.qualifier = c.qualifier  # headlines drop hedges: "hand over 50" / "About 50 ..."
        target.confidence = round(min(0.99, max(target.confidence, c.confidence) + 0.02), 2)
    merged = _merge_rounded_headlines(merged, text)
    for m in merged:
        if hasattr(m, "_date_where"):
            delattr(m, "_date_where")
    return merged


def _headline_lines(text: str) -> list[tuple[int, int]]:
    """Character ranges of headline-like lines among the first three lines of the text."""
    out = []
    pos = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            seen += 1
            words = line.split()
            if len(words) <= 25 and not line.rstrip().endswith((".", ":", ";")):
                out.append((pos, pos + len(line)))
            if seen >= 3:
                break
        pos += len(line) + 1
    return out


def _consistent(headline: Claim, body: Claim) -> bool:
    """A hedged headline figure that rounds a body figure: "more than 200" for 238."""
    h, b = headline.count, body.count
    if body.vague or headline.vague or b == h or h <= 0:
        return False
    if headline.qualifier in ("more_than", "at_least"):
        return h <= b <= h * 1.5
    if headline.qualifier == "about":
        return abs(b - h) <= 0.2 * h
    if headline.qualifier == "up_to":
        return h * 0.6 <= b <= h
    return False


def _merge_rounded_headlines(claims: list[Claim], text: str) -> list[Claim]:
    heads = _headline_lines(text)
    if not heads:
        return claims
    out = list(claims)
    for hc in claims:
        if not any(a <= hc.start < b for a, b in heads):
            continue
        if any(o["start"] > hc.end for o in hc.other_evidence):
            continue  # the same figure is in the body: already one claim
        target = next((bc for bc in claims if bc is not hc and bc.start > hc.end
                       and not any(a <= bc.start < b for a, b in heads) and _consistent(hc, bc)), None)
        if target is None:
            continue
        target.other_evidence.insert(0, {"evidence": hc.evidence, "start": hc.start, "end": hc.end})
        target.other_evidence.extend(hc.other_evidence)
        out.remove(hc)
    return out


def _prepare(text: str, lex: Lexicon) -> list[tuple[int, str]]:
    return [(a, normalise_for_nlp(text[a:b], lex)) for a, b in select_chunks(text, lex)]


def find_claims_many(docs: Iterable[tuple[str, str | None]], config_dir: str | None = None,
                     batch_size: int = BATCH) -> Iterator[list[Claim]]:
    """Claims of many (text, published) pairs, parsed in batches with `nlp.pipe`."""
    key = _config_key(config_dir)
    lex = load_lexicon(key)
    nlp = None
    buf: list[tuple[str, str | None]] = []

    def flush(items):
        nonlocal nlp
        jobs = []
        for di, (text, published) in enumerate(items):
            text = text or ""
            for offset, chunk in _prepare(text, lex):
                jobs.append((chunk, (di, offset)))
        results: list[list[Claim]] = [[] for _ in items]
        if jobs:
            if nlp is None:
                nlp = get_nlp(key)
            for doc, (di, offset) in nlp.pipe(jobs, as_tuples=True, batch_size=batch_size):
                text, published = items[di]
                results[di].extend(_claims_from_doc(doc, offset, text, published, lex))
        return [_merge(r, items[i][0] or "") for i, r in enumerate(results)]

    for item in docs:
        buf.append((item[0], item[1] if len(item) > 1 else None))
        if len(buf) >= batch_size:
            yield from flush(buf)
            buf = []
    if buf:
        yield from flush(buf)


def find_claims(text: str, published: str | None = None, title: str | None = None,
                config_dir: str | None = None) -> list[Claim]:
    """The returnee claims of one article (headline first, paragraphs separated by blank lines).
    `title` is used only when the text does not already start with it: claims' offsets always
    point into `text`."""
    return next(find_claims_many([(text or "", published)], config_dir=config_dir))
