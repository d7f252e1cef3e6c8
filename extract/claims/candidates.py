"""Candidates: every quantity of people in a sentence that tells (or follows one that tells)
of people moved across a border.

Generous on purpose: recall is made here, and the decision stage
(`extract.claims.decision`) weighs each candidate. A candidate records the rule that
proposed it (its `rule`, kept on the claim):
- `people`: the number counts a returnee noun ("1,200 returnees", "64 deportees");
- `clause`: the sentence has a return word (verb, phrasal verb or noun);
- `weak`: the sentence has only a weaker move word ("a second flight with 120 Salvadorans
  landed", "were bused to the border") and one of the three sentences before, or the
  headline, a return word;
- `previous`: the sentence has no move word but the one before has a return word ("Among
  them were 38 minors.", "Of those, 600 were women.");
- `context`: a count of people ("1,880 Syrians passed through Cilvegözü") with a return word
  in one of the three sentences before or in the headline;
- `list`: a list or table line ("Guatemala: 1,204", "8-14 April | 11 | 4,105") under a line
  with a return word;
- `breakdown`: a figure a nationality owns ("Syrians were the largest group with 1,940,
  followed by Afghans with 1,210") with a return word in one of the six sentences before or
  in the headline.
Shapes that are never head counts (years, percentages, money, days, durations...) are
dropped before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from extract.claims.chunks import is_list_line
from extract.claims.lexicon import Lexicon
from extract.claims.nlp import TokenQuantity, doc_text
from extract.claims.segments import THING_CLASSES, record_figures
from extract.claims.syntax import counted_token, path_length

STRONG = ("verb", "phrasal", "noun", "people")


@dataclass
class Candidate:
    """One quantity that may be a returnee figure, with what the parse says around it."""

    doc: Doc
    tq: TokenQuantity
    sent: Span
    sent_index: int
    counted: Token  # the word the number counts (or the number itself)
    trigger: Token | None  # the return word nearest in the parse tree
    rule: str
    in_headline: bool
    offset: int  # where `doc` starts in the article text

    @property
    def quantity(self):
        return self.tq.quantity

    @property
    def anchor(self) -> Token:
        return self.doc[self.tq.anchor]


def sentences(doc: Doc) -> list[Span]:
    """The doc's sentences, with the pieces the parser cut from one row of a list or table
    joined again ("Brazil:" + "1,710"): a row's label belongs to its figure."""
    got = doc.user_data.get("newsmon_sents")
    if got is None:
        got = _join_rows(doc, list(doc.sents))
        doc.user_data["newsmon_sents"] = got
    return got


def _join_rows(doc: Doc, sents: list[Span]) -> list[Span]:
    text = doc_text(doc)
    out: list[Span] = []
    for s in sents:
        if out:
            prev = out[-1]
            same_line = "\n" not in text[prev.start_char : s.start_char]
            if same_line and is_list_line(_line_of(doc, prev)):
                out[-1] = doc[prev.start : s.end]
                continue
        out.append(s)
    return out


def _people_like(tok: Token, lex: Lexicon) -> bool:
    low, lemma = tok.lower_, tok.lemma_.lower()
    return (
        lex.word_is_a(tok, "people")
        or low in lex.demonyms
        or lemma in lex.people_triggers
        or tok.ent_type_ == "NORP"
    )


def _head_count(tq: TokenQuantity, doc: Doc, lex: Lexicon) -> bool:
    """Whether the quantity can be a count of people at all, from its shape."""
    q = tq.quantity
    if q.value <= 0:
        return False
    if q.shape == "year":  # "2000 migrants were deported": a year only when it counts people
        counted = counted_token(doc[tq.anchor])
        return (
            counted.i != tq.anchor
            and counted.i == tq.end
            and _people_like(counted, lex)
            and not (tq.start > 0 and doc[tq.start - 1].lower_ in ("in", "since", "of", "by"))
        )
    if q.shape != "count":
        return False
    if q.value == 1:  # "one of them", "no one", "between 1 and 15 October": only "one Afghan man"
        nxt = doc[tq.end] if tq.end < len(doc) else None
        return nxt is not None and (
            _people_like(nxt, lex) or nxt.pos_ == "ADJ" and tq.end + 1 < len(doc) and _people_like(doc[tq.end + 1], lex)
        )
    return True


def _nearest(counted: Token, triggers: list[Token]) -> Token | None:
    if not triggers:
        return None
    return min(triggers, key=lambda t: (path_length(counted, t), abs(t.i - counted.i)))


def _line_of(doc: Doc, sent: Span) -> str:
    text = doc_text(doc)
    a = text.rfind("\n", 0, sent.start_char) + 1
    b = text.find("\n", sent.start_char)
    return text[a : b if b >= 0 else len(text)]


def _list_context(doc: Doc, sents: list[Span], k: int, strong_in: list[list[Token]]) -> bool:
    """Whether sentence `k` is a row of a list or table whose heading (or the prose above the
    block, up to 8 lines) has a return word."""
    if not is_list_line(_line_of(doc, sents[k])):
        return False
    j = k - 1
    while j >= 0 and k - j <= 80 and is_list_line(_line_of(doc, sents[j])):
        if strong_in[j]:
            return True
        j -= 1
    return any(strong_in[i] for i in range(max(0, j - 7), j + 1))


CONTEXT_SENTENCES = 3  # how far back a return word makes a count of people a candidate
BREAKDOWN_SENTENCES = 6  # ... and a breakdown's figure (a table or a total may stand between)
_BREAKDOWN_RE = re.compile(
    r"\b(?:largest|biggest|followed by|top(?:ped|s)?|ahead of|then|next|second|third|fourth|leading|"
    r"the rest|remainder)\b",
    re.I,
)


def _breakdown_row(doc: Doc, tq: TokenQuantity, sent: Span, lex: Lexicon) -> bool:
    """A figure that a nationality before it owns, in a breakdown: "Syrians were the largest
    group with 1,940", "followed by Afghans with 1,210", "Bangladeshis 2,310", "Chinese at
    1,147" (the nearest people word back to another figure must be a nationality, and the
    sentence must rank or the nationality stand right before the figure)."""
    for i in range(tq.start - 1, max(sent.start, tq.start - 9) - 1, -1):
        t = doc[i]
        if t.like_num or t.text in (";", ".", "(", ")"):
            return False
        if t.pos_ in ("PROPN", "NOUN") and _people_like(t, lex):
            nationality = t.lower_ in lex.demonyms or t.ent_type_ == "NORP"
            between = {x.lower_ for x in doc[i + 1 : tq.start]}
            owned = between <= {"with", "at", ",", ":", "-", "–"}
            return nationality and (owned or bool(_BREAKDOWN_RE.search(sent.text)))
    return False


def _told_before(strong_in: list[list[Token]], k: int, n: int) -> bool:
    """A return word in one of the `n` sentences before sentence `k`."""
    return any(strong_in[j] for j in range(max(0, k - n), k))


def find_candidates(
    doc: Doc, lex: Lexicon, offset: int = 0, headline: tuple[int, int] | None = None
) -> list[Candidate]:
    """The candidates of one parsed chunk (`offset`: where it starts in the article)."""
    quantities = doc._.quantities or []
    if not quantities:
        return []
    sents = sentences(doc)
    strong_in = [[t for t in s if t._.trigger in STRONG] for s in sents]
    weak_in = [[t for t in s if t._.trigger == "weak"] for s in sents]
    head_has_strong = False
    if headline is not None:
        for s, trig in zip(sents, strong_in, strict=True):
            if offset + s.start_char < headline[1] and trig:
                head_has_strong = True
    sent_of = {}
    for k, s in enumerate(sents):
        for i in range(s.start, s.end):
            sent_of[i] = k
    out: list[Candidate] = []
    for tq in quantities:
        if not _head_count(tq, doc, lex):
            continue
        found = sent_of.get(tq.anchor)
        if found is None:
            continue
        k = found
        sent = sents[k]
        anchor = doc[tq.anchor]
        counted = counted_token(anchor)
        in_head = headline is not None and offset + sent.start_char < headline[1]
        head_tells = head_has_strong and not in_head
        context_strong = _told_before(strong_in, k, CONTEXT_SENTENCES) or head_tells
        rule = None
        trigger = None
        if counted._.trigger == "people":
            rule, trigger = "people", counted
        elif strong_in[k]:
            rule, trigger = "clause", _nearest(counted, strong_in[k])
        elif weak_in[k] and context_strong:
            rule, trigger = "weak", _nearest(counted, weak_in[k])
        elif _list_context(doc, sents, k, strong_in):
            rule, trigger = "list", None
        elif k > 0 and strong_in[k - 1]:
            rule, trigger = "previous", None
        elif context_strong and _people_like(counted, lex):
            rule, trigger = "context", None
        elif _breakdown_row(doc, tq, sent, lex) and (_told_before(strong_in, k, BREAKDOWN_SENTENCES) or head_tells):
            rule, trigger = "breakdown", None
        if rule is None:
            continue
        out.append(Candidate(doc, tq, sent, k, counted, trigger, rule, in_head, offset))
    # the figures of people, where a sentence is cut into parts ("eleven chartered flights" is none)
    record_figures(doc, [(c.tq.start, c.tq.end) for c in out
                         if not any(lex.word_is_a(c.counted, cls) for cls in THING_CLASSES)])
    return out
