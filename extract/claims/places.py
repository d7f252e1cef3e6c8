"""Places of a claim: where the people were returned from, to, through or held.

Two steps, like the claims themselves:
1. `place_spans(doc)` (`extract.claims.place_names`): every name in the doc that may be a
   place;
2. `place_features(claim candidate, place)`: what ties a name of the claim's sentence to
   the return (its preposition, the dependency path to the return word or the vehicle,
   subject of the return verb and that verb, nationality use such as "Myanmar officials", a
   relative clause about something else, a dateline, the part of the sentence it lies in when
   the sentence tells several figures (`extract.claims.segments`); for a name coordinated with
   an earlier one, that name's role too); a learned model (`config/models/places-en.json`)
   decides from them, as the claim decision does.
"""

from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Token

from extract.claims.candidates import Candidate
from extract.claims.lexicon import Lexicon
from extract.claims.nlp import doc_text
from extract.claims.place_names import place_spans
from extract.claims.segments import figure_cuts, part_of, part_range
from extract.claims.syntax import ancestors_to_root, tree_path


def claim_place_spans(c: Candidate, lex: Lexicon) -> list[tuple[int, int]]:
    """The names of candidate `c`'s sentence that may be its places (the same for learning and
    for reading claims)."""
    spans = place_spans(c.doc, lex)  # sorted by start
    starts = c.doc.user_data.get("newsmon_place_starts")
    if starts is None:
        starts = c.doc.user_data["newsmon_place_starts"] = [a for a, _b in spans]
    return spans[bisect.bisect_left(starts, c.sent.start) : bisect.bisect_left(starts, c.sent.end)]


# The pieces of a dateline: a name ("HERAT", "Cooch Behar"), the region after it (", Afghanistan"),
# a date (", March 4", ", 11 March 2025"); "NEW DELHI" is a name in capitals.
_NAME = r"[A-Z][\w.'’-]*(?:[ -][A-Z][\w.'’-]*){0,4}"
_CAPS_NAME = r"[A-Z][A-Z.'’-]+(?:[ -][A-Z][A-Z.'’-]+){0,3}"
_REGION = r"(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3})?"
_DATE = r",?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:,?\s+\d{4})?"
# matched at the start of the name's line (re.M), which is rarely the text's first
_DATELINE_RE = re.compile(rf"^{_NAME}{_REGION}(?:{_DATE})?(?:\s*\([^)]{{1,40}}\))?\s*(?:--|[—–-])\s", re.M)
# "NEW DELHI: ...", "KUWAIT CITY, July 15: ...", "Cooch Behar, July 25: ...": a colon ends a dateline
# whose name is in capitals or followed by a date, where a sentence starts after it (not a table
# row: "Sudan: 52", "TOTAL: 5,822")
_COLON_DATELINE_RE = re.compile(
    rf"^(?:{_CAPS_NAME}{_REGION}(?:{_DATE})?|{_NAME}{_REGION}{_DATE})\s*:\s+(?=[A-Z\"“‘'])", re.M
)


def is_dateline(doc: Doc, span: tuple[int, int]) -> bool:
    """ "SEOUL —", "HERAT, Afghanistan (AP) —", "Mogadishu, 11 March 2025 —", "NEW DELHI:": a
    dateline names where the report was written. Not "Torkham (Nangarhar): 61 204", a table row."""
    s, _e = span
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, doc[s].idx) + 1
    m = _DATELINE_RE.match(text, line_start) or _COLON_DATELINE_RE.match(text, line_start)
    return m is not None and doc[s].idx < m.end()


def _nationality_use(t: Token, lex: Lexicon) -> bool:
    """A country name modifying people or officials ("to Myanmar officials", "Afghan nationals")."""
    if t.dep_ not in ("compound", "amod", "nmod"):
        return False
    h = t.head
    while h.dep_ == "compound" and h.head.i != h.i and h.head.i > h.i:
        h = h.head
    lemma = h.lemma_.lower()
    return (
        lex.is_a(lemma, "authority_nouns")
        or lex.is_a(lemma, "people")
        or lex.is_a(lemma, "agents")
        or lex.is_a(lemma, "vehicles")
        or lemma in lex.people_triggers
        or h._.trigger in ("noun", "people")
    )


def _head_class(g: Token, lex: Lexicon) -> str:
    if g._.trigger in ("verb", "phrasal", "noun", "people"):
        return "trigger"
    if lex.is_a(g.lemma_, "vehicles"):
        return "vehicle"
    if lex.is_a(g.lemma_, "facility_heads"):
        return "facility"
    return g.pos_


_SHARED_ROLE = ("prep=", "prep-head-class=", "prep+head=", "trigger-path=", "same-clause", "other-clause=",
                "under-trigger", "in-other-clause", "subject-side", "nationality-use")


def place_features(c: Candidate, span: tuple[int, int], lex: Lexicon) -> list[str]:
    """Features of one name of the claim's sentence as a place of the claim; a name coordinated
    with or in apposition to an earlier one ("through Dajabón, Elías Piña and Pedernales", "Milak
    (Nimroz)") also carries the role features of the first name of its run, prefixed `conj:`."""
    f = _own_features(c, span, lex)
    first = c.doc[span[0] : span[1]].root
    hops = 0
    while first.dep_ in ("conj", "appos") and first.head.i < first.i and hops < 8:
        first, hops = first.head, hops + 1
    if hops:
        f.append(f"conj-of={first.ent_type_ or first.pos_}")
        f += ["conj:" + x for x in _own_features(c, (first.i, first.i + 1), lex) if x.startswith(_SHARED_ROLE)]
    return f


def _own_features(c: Candidate, span: tuple[int, int], lex: Lexicon) -> list[str]:
    doc = c.doc
    a, b = span
    root = doc[a:b].root
    f = [f"ent={root.ent_type_ or 'none'}", f"dep={root.dep_}"]
    place = lex.place_for(doc[a:b].text)
    f.append(f"kind={place.kind if place else 'unknown'}")
    if is_dateline(doc, span):
        f.append("dateline")
    if _nationality_use(root, lex):
        f.append("nationality-use")
    if root.dep_ in ("compound", "amod", "nmod") and root.head.i >= b and root.head.pos_ == "NOUN":
        f.append(f"modifies={root.head.lemma_.lower()}")  # "Dublin rules", "EU countries", "the Moreh crossing"
    head = root.head
    if root.dep_ == "pobj":
        f.append(f"prep={head.lower_}")
        if head.head.i != head.i:
            g = head.head
            f.append(
                f"prep-head-class={_head_class(g, lex)}"
            )
            f.append(f"prep+head={head.lower_}|{g.lemma_.lower() if g._.trigger else g.pos_}")
    if root.dep_ == "poss":
        f.append(f"poss-of={head.lemma_.lower() if head._.trigger else head.pos_}")
    if root.dep_ in ("nsubj", "nsubjpass") or (root.dep_ in ("compound", "poss", "amod") and head.dep_ in ("nsubj",)):
        f.append("subject-side")
        verb = (head if root.dep_ in ("nsubj", "nsubjpass") else head.head).lemma_.lower()
        f.append(f"subject-of={verb}")  # "Thailand deported 40", but "Guatemala received 412"
        if lex.is_a(verb, "receiving_verbs"):
            f.append("subject-of-receiving")
    anchors = [t for t in (c.trigger, c.counted) if t is not None]
    for name, t in (("trigger", c.trigger), ("counted", c.counted)):
        if t is None:
            continue
        got = tree_path(root, t)
        if got is None:
            f.append(f"{name}-path=none")
            continue
        up, down, lca = got
        f.append(f"{name}-path={'>'.join(up[:3]) or '-'}|{'<'.join(down[:2]) or '-'}")
        f.append(f"{name}-dist={min(6, len(up) + len(down))}")
        if not down:
            f.append(f"under-{name}")
    chain = ancestors_to_root(root, 8)
    if any(
        t.dep_ in ("relcl", "acl") and not any(x.i == t.i for x in anchors) and t.i not in [x.head.i for x in anchors]
        for t in chain[1:]
    ):
        if c.trigger is None or not any(t.i == c.trigger.i for t in chain):
            f.append("in-other-clause")
    if any(
        t._.trigger is None and t.pos_ == "VERB" and t.lemma_.lower() in lex.classes.get("other_fates", frozenset())
        for t in chain[1:4]
    ):
        f.append("under-other-fate")
    if c.trigger is not None:
        f.append("before-trigger" if a < c.trigger.i else "after-trigger")
    f.append("in-headline" if c.in_headline else "in-body")
    f.append(f"words={min(3, b - a)}")
    f.append(f"rule={c.rule}")
    own, theirs = _clause_verb(root), _clause_verb(c.counted)
    trig = c.trigger.i if c.trigger is not None else None
    if own is not None and (own.i == getattr(theirs, "i", None) or own.i == trig):
        f.append("same-clause")
    elif own is not None:
        f.append("other-clause=" + ("trigger" if own._.trigger in ("verb", "phrasal") else own.pos_))
        f.append(f"other-clause-lemma={own.lemma_.lower()}")
    lo, hi = sorted((a, c.tq.start))
    if any(lo < tq.start < hi and tq.quantity.is_count and tq.start != c.tq.start for tq in doc._.quantities or []):
        f.append("figure-between")  # "India, 29; Uzbekistan, 18": another figure's place
    starts, cuts = figure_cuts(doc, c.sent)
    if cuts and c.tq.start in starts:
        figure_part, name_part = part_of(cuts, c.tq.start), part_of(cuts, a)
        if name_part == figure_part:
            f.append("own-part")
        else:
            f.append("earlier-part" if name_part < figure_part else "later-part")
            own_range = part_range(c.sent, cuts, figure_part)
            if _names_in(c, own_range, lex):
                f.append("figure-part-has-names")  # "118 from Dandong to Sinuiju, 46 from Tumen to Namyang"
            if (name_part < figure_part and "subject-side" in f
                    and _gapped(c, own_range, lex)):
                f.append("shared-subject")  # "Germany deported 16,430 in 2023, up from 12,945 in 2022"
    sent_text = doc_text(doc)[c.sent.start_char : doc[a].idx]
    if c.rule == "list" and not re.search(r"[:|]", sent_text):
        f.append("row-label")
        lead = set(re.findall(r"[a-z]+", _rows_lead(doc, c.sent.start_char).lower()))
        if lead & lex.classes.get("nationality_headers", frozenset()):
            f.append("rows-by-nationality")  # "By nationality:" over "Guinea: 742": the people, not a place
    if sent_text.count("(") > sent_text.count(")"):
        f.append("in-parentheses")
    return f


def _names_in(c: Candidate, part: tuple[int, int], lex: Lexicon) -> bool:
    """Whether a part of the claim's sentence names a place candidate of its own."""
    lo, hi = part
    return any(lo <= a < hi for a, _b in claim_place_spans(c, lex))


def _gapped(c: Candidate, part: tuple[int, int], lex: Lexicon) -> bool:
    """Whether a figure's part of the sentence has no subject and no name of its own ("up from 12,945
    in 2022", "and 1,500 in June"): its return is told by the earlier part's verb and subject."""
    lo, hi = part
    if any(c.doc[i].dep_ in ("nsubj", "nsubjpass", "expl") for i in range(lo, hi) if i != c.tq.start):
        return False
    return not _names_in(c, part, lex)


_ROW_END_RE = re.compile(r"\d[\d,. ]*\)?\.?\s*$")  # a row line ends in its figure
# ... but a table's title ends in its period: "Removals by nationality, August 2025"
_TITLE_YEAR_RE = re.compile(r"^[^:|]*\S\s+\S+\s+\S*[A-Za-z,]\s+(?:19|20)\d\d\s*$")


def _rows_lead(doc: Doc, row_start: int) -> str:
    """The line that leads the run of rows holding character `row_start` (the table's header or
    the sentence before the list): the nearest line above that is not blank and not itself a row.
    Read in one pass per doc and kept in it: a long table asks once per row."""
    leads = doc.user_data.get("newsmon_row_leads")
    if leads is None:
        leads, lead, pos = {}, "", 0
        for line in doc_text(doc).split("\n"):
            leads[pos] = lead
            if line.strip() and (not _ROW_END_RE.search(line) or _TITLE_YEAR_RE.match(line)):
                lead = line
            pos += len(line) + 1
        doc.user_data["newsmon_row_leads"] = leads
    return leads[doc_text(doc).rfind("\n", 0, row_start) + 1]


def _clause_verb(tok: Token) -> Token | None:
    """The nearest verb above `tok` (the verb of its clause)."""
    for t in ancestors_to_root(tok, 10)[1:]:
        if t.pos_ in ("VERB", "AUX"):
            return t
    return None
