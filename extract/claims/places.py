"""Places of a claim: where the people were returned from, to, through or held.

Two steps, like the claims themselves:
1. `place_spans(doc)`: every name in the doc that may be a place: the recogniser's GPE /
   LOC / FAC entities, gazetteer names (config/topics/places.toml), named facilities
   ("the Ghulam Khan border crossing" -> "Ghulam Khan", "Tocumen International Airport"),
   and capitalised names a return goes to, from, off or through;
2. `place_features(claim candidate, place)`: what ties a name of the claim's sentence to
   the return (its preposition, the dependency path to the return word or the vehicle,
   subject of the return verb, nationality use such as "Myanmar officials", a relative
   clause about something else, a dateline); a learned model (`config/models/places-en.json`)
   decides from them, as the claim decision does.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from extract.claims.candidates import Candidate
from extract.claims.lexicon import Lexicon
from extract.claims.nlp import doc_text
from extract.claims.syntax import ancestors_to_root, tree_path

# the recogniser often reads a foreign place after "to" / "through" as a PERSON ("bused to Masnaa"):
# such a name stays a candidate, and the place model weighs its entity label
NOT_PLACE_ENTS = {"NORP", "DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "ORDINAL", "QUANTITY", "LAW"}
DIRECTIONAL = {
    "to",
    "from",
    "into",
    "off",
    "via",
    "through",
    "across",
    "at",
    "in",
    "near",
    "toward",
    "towards",
    "onto",
    "out",
    "inside",
    "within",
    "along",
    "over",
    "outside",
    "back",
}
LOWER_FACILITY_SKIP = {"international", "border", "land", "sea", "river"}
NAME_PARTICLES = {
    "del",
    "de",
    "la",
    "al",
    "el",
    "ul",
    "da",
    "do",
    "dos",
    "das",
    "van",
    "von",
    "bin",
    "di",
    "du",
    "des",
    "of",
    "à",  # "Anse-à-Pitres"
    "e",  # "Pul-e-Abresham"
}
_ROW_RE = re.compile(r"^\s*(?:[-•*·–]\s*)?([^:|\n]{2,60}?)\s*(?:\([^)\n]{1,60}\))?\s*(?::|\|)\s*\S")


def _facility_name(doc: Doc, head: Token) -> tuple[int, int] | None:
    """The capitalised name before a facility word: "the Ghulam Khan (border) crossing" ->
    "Ghulam Khan"; "Tocumen International Airport" -> all of it (the head is part of the name)."""
    k = head.i - 1
    chunk: list[Token] = []

    def hyphen(t: Token) -> bool:  # "Khasan-Tumangang"
        return t.text in ("-", "–") and not t.whitespace_ and t.i > 0 and not doc[t.i - 1].whitespace_

    while k >= 0 and (doc[k].dep_ in ("compound", "amod", "nmod") or hyphen(doc[k])) and head.i >= doc[k].head.i > k:
        chunk.insert(0, doc[k])
        k -= 1
    end = len(chunk)
    while end > 0 and not chunk[end - 1].text[:1].isupper():
        end -= 1
    start = end
    while start > 0 and (
        chunk[start - 1].text[:1].isupper()
        or (hyphen(chunk[start - 1]) and start > 1)
        or (chunk[start - 1].lower_ in NAME_PARTICLES and start > 1 and chunk[start - 2].text[:1].isupper())
    ):
        start -= 1
    run = chunk[start:end]
    if (
        not run
        or any(
            t.ent_type_ in ("DATE", "CARDINAL", "ORDINAL", "NORP") or t.pos_ not in ("PROPN", "NOUN", "ADJ")
            for t in run
            if not hyphen(t)
        )
        or all(t.pos_ == "ADJ" for t in run)
    ):
        return None
    a, b = run[0].i, run[-1].i + 1
    if b == head.i and head.text[:1].isupper():
        b = head.i + 1  # "Tocumen International Airport"
    return a, b


def place_spans(doc: Doc, lex: Lexicon) -> list[tuple[int, int]]:
    """Token spans of the names in `doc` that may be places (see the module docstring)."""
    got = doc.user_data.get("newsmon_place_spans")
    if got is not None:
        return got
    facility = lex.classes.get("facility_heads", frozenset())
    spans: list[tuple[int, int]] = []
    taken: set[int] = set()

    def add(a: int, b: int, widen: bool = False) -> None:
        """Keep the name unless it overlaps one kept; with `widen`, a name that holds kept ones
        whole replaces them ("Khasan" + "-Tumangang crossing" -> "Khasan-Tumangang")."""
        if a >= b:
            return
        inside = [sp for sp in spans if a <= sp[0] and sp[1] <= b]
        if widen and inside and not any(i in taken for i in range(a, b) if not any(x <= i < y for x, y in inside)):
            for sp in inside:
                spans.remove(sp)
                taken.difference_update(range(*sp))
        if not any(i in taken for i in range(a, b)):
            spans.append((a, b))
            taken.update(range(a, b))

    named: list[tuple[int, int]] = []
    for s, e in doc._.places or []:  # gazetteer names
        last = doc[e - 1]
        if (
            last.ent_type_ == "ORG"
            and last.dep_ == "compound"
            and last.head.ent_type_ == "ORG"
            and last.head.i >= e
            and last.head.pos_ == "PROPN"
        ):
            continue  # "Qatar Airways", "Pakistan International Airlines": a company's name
        named.append((s, e))
    for ent in doc.ents:  # the recogniser's names
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        a, b = ent.start, ent.end
        if doc[a].lower_ == "the":
            a += 1
        while (
            b - a > 1
            and (doc[b - 1].lemma_.lower() in facility or doc[b - 1].lower_ in LOWER_FACILITY_SKIP)
            and not doc[b - 1].text[:1].isupper()
        ):
            b -= 1  # "Dushanbe airport": the name, not the facility word
        if a < b:
            named.append((a, b))
    for a, b in sorted(set(named), key=lambda x: (-(x[1] - x[0]), x[0])):  # the longest name wins: "Mexico City"
        add(a, b)
    for a, b in _row_labels(doc):
        add(a, b, widen=True)
    for tok in doc:
        if (tok.lemma_.lower() in facility or tok.lower_ in facility) and (
            tok.pos_ in ("NOUN", "PROPN") or tok.dep_ in ("pobj", "dobj", "nsubj", "nsubjpass", "conj", "appos")
        ):  # "through the Moreh crossing", where the tagger read "crossing" as a verb
            got2 = _facility_name(doc, tok)
            if got2 is not None:
                add(*got2, widen=True)
            else:  # "the Argeen and Qustul crossings": the first of coordinated names
                for ch in tok.children:
                    is_name = ch.pos_ == "PROPN" and ch.text[:1].isupper()
                    if is_name and ch.i < tok.i and ch.dep_ in ("nmod", "compound"):
                        add(ch.left_edge.i if ch.left_edge.pos_ == "PROPN" else ch.i, ch.i + 1)
    for tok in doc:  # a capitalised name a return goes to, from or through: "to Batam", "off Lesbos"
        if (
            tok.i in taken
            or tok.pos_ != "PROPN"
            or tok.dep_ != "pobj"
            or not tok.text[:1].isupper()
            or tok.ent_type_ in NOT_PLACE_ENTS
            or tok.head.lower_ not in DIRECTIONAL
        ):
            continue
        a = tok.i
        while a > 0 and doc[a - 1].i not in taken:
            if doc[a - 1].pos_ == "PROPN" and doc[a - 1].dep_ == "compound":
                a -= 1
            elif a > 1 and _infix_hyphen(doc[a - 1]) and doc[a - 2].text[:1].isupper():
                a -= 2  # "to Cap-Haïtien"
            else:
                break
        add(a, tok.i + 1)
    # names coordinated with a place: "at Dajabón, Elías Piña and Pedernales"
    grown = True
    while grown:
        grown = False
        for a, b in list(spans):
            for ch in doc[a:b].root.children:
                if ch.dep_ == "conj" and ch.pos_ == "PROPN" and ch.i not in taken and ch.text[:1].isupper():
                    s0 = ch.i
                    while (
                        s0 > 0
                        and doc[s0 - 1].pos_ == "PROPN"
                        and doc[s0 - 1].dep_ == "compound"
                        and doc[s0 - 1].i not in taken
                    ):
                        s0 -= 1
                    add(s0, ch.i + 1)
                    grown = True
    spans = sorted(part for span in spans for part in _split_pair(doc, span, lex))
    doc.user_data["newsmon_place_spans"] = spans
    return spans


def _infix_hyphen(t: Token) -> bool:
    """A hyphen inside a word: "Khasan-Tumangang", "Al-Tuwal"."""
    return t.text in ("-", "–") and t.i > 0 and not t.whitespace_ and not t.doc[t.i - 1].whitespace_


def _split_pair(doc: Doc, span: tuple[int, int], lex: Lexicon) -> list[tuple[int, int]]:
    """A pair of places joined by a hyphen ("the Khasan-Tumangang crossing", "Bavet-Moc Bai",
    "Pedernales-Anse-à-Pitres: 49,118") is two places; a name with a hyphen inside ("Al-Tuwal",
    "Cap-Haïtien", "Pul-e-Abresham"), or one the gazetteer knows whole, is one: the hyphen cuts
    only between two capitalised pieces of four letters or more."""
    a, b = span
    hyphens = [t.i for t in doc[a:b] if _infix_hyphen(t)]
    if not hyphens or lex.place_for(doc[a:b].text) is not None:
        return [span]
    bounds = [a - 1, *hyphens, b]
    pieces = [(bounds[k] + 1, bounds[k + 1]) for k in range(len(bounds) - 1)]

    def name_like(piece: tuple[int, int]) -> bool:
        text = doc[piece[0] : piece[1]].text
        return len(text) >= 4 and text[:1].isupper()

    out = [pieces[0]]
    for before, piece in zip(pieces, pieces[1:], strict=False):
        if name_like(before) and name_like(piece):
            out.append(piece)
        else:
            out[-1] = (out[-1][0], piece[1])
    return out


def claim_place_spans(c: Candidate, lex: Lexicon) -> list[tuple[int, int]]:
    """The names of candidate `c`'s sentence that may be its places (the same for learning and
    for reading claims)."""
    return [span for span in place_spans(c.doc, lex) if c.sent.start <= span[0] < c.sent.end]


def is_dateline(doc: Doc, span: tuple[int, int]) -> bool:
    return _is_dateline(doc, span)


def _row_labels(doc: Doc) -> list[tuple[int, int]]:
    """Capitalised names that label a row of a list or table ("Kerman: 9,115", "Dajabón-Ouanaminthe:
    118,230", "Saudi Arabia (deportation flights): 41,262"), split at hyphens and commas."""
    out = []
    text = doc.text
    pos = 0
    for line in text.split("\n"):
        m = _ROW_RE.match(line)
        if m and re.search(r"\d", line[m.end(1) :]):
            a_char, b_char = pos + m.start(1), pos + m.end(1)
            span = doc.char_span(a_char, b_char, alignment_mode="contract")
            if span is not None:
                run: list[Token] = []
                for t in list(span) + [None]:
                    if t is not None and run and _infix_hyphen(t):
                        run.append(t)
                        continue
                    if (
                        t is not None
                        and (t.text[:1].isupper() or (run and t.lower_ in NAME_PARTICLES | {"and"}))
                        and t.pos_ in ("PROPN", "NOUN", "ADJ", "CCONJ", "ADP", "DET")
                    ):
                        run.append(t)
                        continue
                    while run and not run[-1].text[:1].isupper():
                        run.pop()
                    if run and any(x.pos_ == "PROPN" for x in run):
                        out.append((run[0].i, run[-1].i + 1))
                    run = []
        pos += len(line) + 1
    return out


def place_name(doc: Doc, span: tuple[int, int]) -> str:
    a, b = span
    name = doc[a:b].text.strip()
    name = name.rstrip("0123456789").strip()  # a footnote mark the normaliser left
    if name.lower().startswith("the "):
        name = name[4:]
    if name.endswith(("'s", "’s")) and len(name) > 3:
        name = name[:-2]  # "El Salvador's CECOT prison": the country, not its possessive
    return name


_DATELINE_RE = re.compile(
    r"^[A-Z][\w.'’-]*(?:[ -][A-Z][\w.'’-]*){0,4}(?:,\s*[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3})?"
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8})(?:,?\s+\d{4})?)?"
    r"(?:\s*\([^)]{1,40}\))?\s*(?:--|[—–-])\s",
    re.M,  # matched at the start of the name's line, which is rarely the text's first
)


def _is_dateline(doc: Doc, span: tuple[int, int]) -> bool:
    """ "SEOUL —", "HERAT, Afghanistan (AP) —", "Mogadishu, 11 March 2025 —": a dateline names
    where the report was written. Not "Torkham (Nangarhar): 61 204", a table row."""
    s, _e = span
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, doc[s].idx) + 1
    m = _DATELINE_RE.match(text, line_start)
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


def place_features(c: Candidate, span: tuple[int, int], lex: Lexicon) -> list[str]:
    """Features of one name of the claim's sentence as a place of the claim."""
    doc = c.doc
    a, b = span
    root = doc[a:b].root
    f = [f"ent={root.ent_type_ or 'none'}", f"dep={root.dep_}"]
    place = lex.place_for(doc[a:b].text)
    f.append(f"kind={place.kind if place else 'unknown'}")
    if _is_dateline(doc, span):
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
    sent_text = doc_text(doc)[c.sent.start_char : doc[a].idx]
    if c.rule == "list" and not re.search(r"[:|]", sent_text):
        f.append("row-label")
    if sent_text.count("(") > sent_text.count(")"):
        f.append("in-parentheses")
    return f


def _clause_verb(tok: Token) -> Token | None:
    """The nearest verb above `tok` (the verb of its clause)."""
    for t in ancestors_to_root(tok, 10)[1:]:
        if t.pos_ in ("VERB", "AUX"):
            return t
    return None


def linked_places(doc: Doc, kept: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Names coordinated with or in apposition to a kept place are places of the claim too:
    "through Dajabón, Elías Piña and Pedernales", "Milak (Nimroz)"."""
    root_of = {doc[a:b].root.i: (a, b) for a, b in spans}
    out = list(kept)
    changed = True
    while changed:
        changed = False
        roots = {doc[a:b].root.i for a, b in out}
        for r, span in root_of.items():
            if span in out:
                continue
            t = doc[r]
            linked = (t.dep_ in ("conj", "appos") and t.head.i in roots) or any(
                ch.dep_ in ("conj", "appos") and ch.i in roots for ch in t.children
            )
            if linked:
                out.append(span)
                changed = True
    return sorted(out)
