"""Korean candidates: every figure of people (`numbers`) in an article that speaks of a return
(a return word anywhere in it), with where the nearest return words stand. Generous: whether a
candidate is a claim is the learned decision's job."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.claims.ko.lexicon import KoLexicon
from extract.claims.ko.numbers import KoQuantity, find_quantities
from extract.claims.ko.text import clauses, line_span, sentences

HEADING = re.compile(r"^\s*(?:[■□▲△◆◇●○▶►※#]|\[)")


@dataclass(frozen=True)
class Trigger:
    start: int
    end: int
    cls: str


@dataclass
class KoCandidate:
    text: str
    quantity: KoQuantity
    sent: tuple[int, int]
    clause: tuple[int, int]
    sent_index: int
    in_headline: bool
    triggers: list[Trigger] = field(default_factory=list)  # of the sentence
    context: str = ""  # where the nearest return word is when the sentence has none
    rule: str = "ko-figure"

    @property
    def start(self) -> int:
        return self.quantity.start

    @property
    def end(self) -> int:
        return self.quantity.end


def find_triggers(text: str, lex: KoLexicon) -> list[Trigger]:
    blocked = [(m.start(), m.end()) for b in lex.blocked for m in re.finditer(re.escape(b), text)]
    out = []
    for m in lex.trigger_re.finditer(text):
        if any(a <= m.start() < b for a, b in blocked):
            continue
        cls = lex.trigger_class(m.group(0))
        if cls:
            out.append(Trigger(m.start(), m.end(), cls))
    return out


def headline_end(text: str) -> int:
    """The end of the headline: the first line of the text."""
    n = text.find("\n")
    return len(text) if n < 0 else n


def find_candidates(text: str, lex: KoLexicon) -> list[KoCandidate]:
    triggers = find_triggers(text, lex)
    if not triggers:
        return []
    head = headline_end(text)
    sents = sentences(text)
    out: list[KoCandidate] = []
    for i, (a, b) in enumerate(sents):
        qs = [q for q in find_quantities(text[a:b], lex)]
        if not qs:
            continue
        mine = [t for t in triggers if a <= t.start < b]
        context = "" if mine else _context(text, triggers, sents, i)
        cls = clauses(text, a, b)
        for q in qs:
            q = KoQuantity(q.start + a, q.end + a, q.value, q.high, q.vague, q.plus, q.approx, q.counter)
            clause = next(((x, y) for x, y in cls if x <= q.start < y), (a, b))
            out.append(KoCandidate(text, q, (a, b), clause, i, a < head, mine, context))
    return out


def _context(text: str, triggers: list[Trigger], sents: list[tuple[int, int]], i: int) -> str:
    """Where the nearest return word before a sentence without one stands: the sentence before,
    the heading of its section ("■ 분기별 강제북송 확인 인원"), its paragraph, the article."""
    a, _b = sents[i]
    intro = list_intro(text, a)
    if intro is not None:
        if any(intro[0] <= t.start < intro[1] for t in triggers):
            return "list_intro"
        head = headline_end(text)
        return "list_headline" if any(t.start < head for t in triggers) else "list_none"
    if i > 0 and any(sents[i - 1][0] <= t.start < sents[i - 1][1] for t in triggers):
        return "prev"
    para_start = text.rfind("\n\n", 0, a)
    para_start = 0 if para_start < 0 else para_start
    # the heading of the section: the nearest heading-like line above
    pos = a
    for _ in range(12):
        ls, le = line_span(text, max(0, pos - 1))
        if ls >= pos or ls <= 0:
            break
        line = text[ls:le]
        if HEADING.match(line) or (len(line) < 40 and not line.rstrip().endswith(("다.", "다", "요."))):
            if any(ls <= t.start < le for t in triggers):
                return "heading"
        pos = ls
    if any(para_start <= t.start < a for t in triggers):
        return "para"
    if any(t.start < a for t in triggers):
        return "before"
    return "after"


LIST_ROW = re.compile(
    r"^\s*(?:[▲△■□◆◇●○▶►※\-–·•]|\d+\.\s"
    r"|[^\s:：.]{1,20}\s?(?:\([^)]*\))?\s?(?:→\s?[^:：]{1,12})?[:：])"
)


def is_list_row(line: str) -> bool:
    return len(line) < 60 and bool(LIST_ROW.match(line)) and "명" in line


def list_intro(text: str, pos: int) -> tuple[int, int] | None:
    """The line that introduces the list a position's line is a row of ("ㅇ 국적별 강제퇴거 인원은
    다음과 같습니다.", "■ 분기별 강제북송 확인 인원(2024년)"), or None when the line is no list row."""
    ls, le = line_span(text, pos)
    if not is_list_row(text[ls:le]):
        return None
    while ls > 0:
        ps, pe = line_span(text, ls - 1)
        line = text[ps:pe]
        if line.strip() and not is_list_row(line):
            return ps, pe
        if ps == 0:
            return ps, pe
        ls = ps
    return None
