"""Features of a candidate for the decision model: what the parse and the lexicon say about
the number, the word it counts, the return word it hangs on, and the path between them.

Each feature is a string (`name=value`) with weight 1, so the model's learned weights read
as a table (see `newsmon train --show`). Word classes from the lexicon ([classes],
[modality]) stand beside the words themselves, so what is learned of "officials" carries to
"guards" and of "plans to" to "vows to".
"""

from __future__ import annotations

import math

from spacy.tokens import Doc, Token

from extract.claims.candidates import Candidate, _line_of, sentences
from extract.claims.lexicon import Lexicon
from extract.claims.nlp import doc_text
from extract.claims.syntax import ancestors_to_root, is_verbal, tree_path

FEATURES_VERSION = "en-1"


def _bucket(n: int) -> str:
    if n < 10:
        return "1"
    return str(min(7, int(math.log10(n)) + 1))


def word_class(tok: Token, lex: Lexicon) -> str:
    """The class of a counted word: returnee, people, migrant, agent, nationality, vehicle..."""
    low, lemma = tok.lower_, tok.lemma_.lower()
    if tok.like_num or tok.pos_ == "NUM":
        return "number"
    if lemma in lex.people_triggers or low in lex.people_triggers:
        return "returnee"
    if tok._.trigger == "noun":
        return "return-noun"
    for cls in ("agents", "migrants"):
        if lex.word_is_a(tok, cls):
            return cls
    if low in lex.demonyms or tok.ent_type_ == "NORP":
        return "nationality"
    if lex.word_is_a(tok, "people"):
        return "people"
    for cls in ("vehicles", "time_units", "groups", "things"):
        if lex.word_is_a(tok, cls):
            return cls
    if tok.pos_ == "PRON":
        return "pronoun"
    if tok.pos_ == "PROPN":
        return "name"
    return "other-" + (tok.pos_.lower() or "x")


def _verb_class(tok: Token, lex: Lexicon) -> str:
    lemma = tok.lemma_.lower()
    if tok._.trigger:
        return "trigger-" + tok._.trigger
    for cls in ("other_fates", "total_verbs", "report_verbs", "arrival_verbs", "move_verbs", "held_verbs"):
        if lex.is_a(lemma, cls):
            return cls
    return "other"


def _modality(trigger: Token, lex: Lexicon) -> list[str]:
    """Negation, modals, infinitives and governing plan / risk / halt / doubt words on the trigger
    (up to four heads up, not past "that" / "whether" of a reported fact)."""
    out = []
    chain = ancestors_to_root(trigger, 5)
    for n, t in enumerate(chain):
        for c in t.children:
            if c.dep_ == "neg" and n <= 1:
                out.append("neg")
            if c.dep_ in ("aux", "auxpass"):
                low = c.lower_
                if low in lex.modal_aux:
                    out.append(f"modal{'' if n == 0 else '-up'}={low}")
                if low == "to" and n == 0:
                    perfect = any(a.dep_ == "aux" and a.lemma_.lower() == "have" for a in t.children)
                    out.append("infinitive-perfect" if perfect else "infinitive")
        if n > 0:
            cls = lex.modality_of(t.lemma_)
            if cls:
                out.append(f"gov={cls}")
                out.append(f"gov-lemma={t.lemma_.lower()}")
            if any(
                c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in chain[n - 1].children
            ) and lex.modality_of(t.lemma_) not in ("doubt",):
                break  # "reports that 200 were returned": what governs "reports" does not count
    for c in trigger.children:  # "a planned deportation", "the proposed return of 300"
        if c.dep_ in ("amod", "compound") and c.i < trigger.i and lex.modality_of(c.lemma_):
            out.append(f"mod={lex.modality_of(c.lemma_)}")
        if c.dep_ == "poss" and c.pos_ == "PRON":
            out.append("poss-pron")
    return out


def _phrase_before(c: Candidate, lex: Lexicon) -> list[str]:
    """Risk and plan phrases in the words before the trigger ("at risk of", "set to be")."""
    if c.trigger is None:
        return []
    doc = c.doc
    lo = max(c.sent.start, c.trigger.i - 6)
    words = " " + " ".join(t.lower_ for t in doc[lo : c.trigger.i]) + " "
    return [f"phrase={p.replace(' ', '_')}" for p in lex.modal_phrases if f" {p} " in words]


def _context_words(c: Candidate) -> list[str]:
    doc = c.doc
    s, e = c.tq.start, c.tq.end
    out = []
    for k, name in ((s - 1, "w-1"), (s - 2, "w-2"), (e, "w+1"), (e + 1, "w+2")):
        if c.sent.start <= k < c.sent.end:
            t = doc[k]
            out.append(f"{name}={t.lemma_.lower() if t.is_alpha else t.text}")
        else:
            out.append(f"{name}=<edge>")
    return out


def _partitive(c: Candidate) -> list[str]:
    doc = c.doc
    s, e = c.tq.start, c.tq.end
    out = []
    nxt = [t.lower_ for t in doc[e : min(c.sent.end, e + 3)]]
    prev = [t.lower_ for t in doc[max(c.sent.start, s - 3) : s]]
    if (
        nxt[:1] == ["of"]
        and len(nxt) > 1
        and (nxt[1] in ("the", "them", "those", "these", "whom", "all") or doc[e + 1].like_num)
    ):
        out.append("part-of-whole")  # "three of the 25 men"
    if prev[-2:] == ["of", "the"] and any(t.like_num for t in doc[max(c.sent.start, s - 6) : s - 2]):
        out.append("whole-of-part")  # "three of the 25 men": 25
    if any(w in ("including", "among", "includes", "included") for w in prev[-3:]):
        out.append("subset-including")
    first = [t.lower_ for t in doc[c.sent.start : c.sent.start + 3]]
    if first[:2] in (["among", "them"], ["of", "them"], ["of", "those"], ["among", "those"], ["of", "these"]):
        out.append("subset-sentence")
    if any(
        t.lower_ in ("another", "further", "additional", "other", "others")
        for t in doc[max(c.sent.start, s - 2) : min(c.sent.end, e + 2)]
    ):
        out.append("another")
    return out


def _path(c: Candidate) -> list[str]:
    if c.trigger is None:
        return ["path=none"]
    if c.trigger.i == c.counted.i:
        return ["path=self"]
    got = tree_path(c.counted, c.trigger)
    if got is None:
        return ["path=none"]
    up, down, lca = got
    up_s = ">".join(up[:3]) or "-"
    down_s = "<".join(down[:3]) or "-"
    out = [f"path={up_s}|{down_s}", f"path-up1={up[0] if up else '-'}", f"path-len={min(6, len(up) + len(down))}"]
    if not down:
        out.append(f"dep-to-trigger={up[-1] if up else '-'}")
    if lca.i not in (c.trigger.i, c.counted.i):
        out.append(f"lca-pos={lca.pos_}")
        out.append(f"lca-lemma={lca.lemma_.lower()}")
    return out


def _clause_verb(c: Candidate, lex: Lexicon) -> list[str]:
    """The verb of the clause the figure sits in: the return word itself, or another verb
    ("Four of the 93 people turned back had gunshot wounds", "8,000 Rohingya entered")."""
    t = c.counted
    for _ in range(6):
        if t.head.i == t.i:
            return ["clause-verb=none"]
        t = t.head
        if t.pos_ in ("VERB", "AUX"):
            break
    else:
        return ["clause-verb=none"]
    if c.trigger is not None and t.i == c.trigger.i:
        return ["clause-verb=trigger"]
    if t._.trigger in ("verb", "phrasal"):
        return ["clause-verb=other-trigger"]
    out = [f"clause-verb={_verb_class(t, lex)}", f"clause-verb-lemma={t.lemma_.lower()}"]
    if any(a.dep_ in ("aux", "auxpass") and a.lower_ in lex.modal_aux for a in t.children):
        out.append("clause-verb-modal")
    return out


def _chunk_returns(doc: Doc) -> int:
    """How many strong return words the chunk has (counted once per doc, not per candidate)."""
    got = doc.user_data.get("newsmon_returns")
    if got is None:
        got = doc.user_data["newsmon_returns"] = sum(
            1 for tok in doc if tok._.trigger in ("verb", "phrasal", "noun", "people"))
    return got


def _in_quote(c: Candidate) -> bool:
    before = doc_text(c.doc)[c.sent.start_char : c.doc[c.tq.start].idx]
    return (before.count('"') % 2 == 1) or before.count("“") > before.count("”")


def _list_row(c: Candidate, lex: Lexicon) -> list[str]:
    """A list or table row: what labels it ("Sindh: 736", "2021: 19,004", "Haitian: 2,104")."""
    line = _line_of(c.doc, c.sent)
    out = []
    label = line.split(":")[0] if ":" in line else line.split("|")[0]
    low = label.strip(" -•*·–").lower()
    if low and low.split()[0:1] and lex.place_for(low.split("(")[0].strip()):
        out.append("row-label=place")
    elif any(w in lex.demonyms or w.rstrip("s") + "s" in lex.demonyms for w in low.split()):
        out.append("row-label=nationality")
    elif any(ch.isdigit() for ch in low):
        out.append("row-label=date-or-number")
    else:
        out.append("row-label=other")
    out.append(f"row-cells={min(4, line.count('|') + line.count(':') + 1)}")
    if line.rstrip().endswith(c.doc[c.tq.start : c.tq.end].text):
        out.append("row-last")
    return out


def _modifiers(c: Candidate) -> list[str]:
    """Words that say what kind of people or which return: "internally displaced", "security escorts"."""
    out = []
    for ch in c.counted.children:
        if ch.dep_ in ("amod", "compound") and ch.is_alpha and ch.i != c.anchor.i:
            out.append(f"counted-mod={ch.lemma_.lower()}")
    t = c.trigger
    if t is not None:
        for ch in t.children:
            if ch.dep_ in ("advmod", "prt") and ch.is_alpha:
                out.append(f"trigger-adv={ch.lower_}")
            if ch.dep_ == "prep":
                for p in ch.children:
                    if p.dep_ == "pobj":
                        kind = "place" if p.ent_type_ in ("GPE", "LOC", "FAC") else p.lemma_.lower()
                        out.append(f"trigger-pp={ch.lower_}:{kind}")
    return out


CONJOIN = (
    ("rule", "counted"),
    ("rule", "clause-verb"),
    ("counted", "clause-verb"),
    ("trigger", "path-up1"),
    ("rule", "anchor-dep"),
    ("counted", "head-class"),
)


def _conjunctions(features: list[str]) -> list[str]:
    """Pairs of features the linear model cannot combine by itself ("a list row" and "counts
    people" together say more than each)."""
    first: dict[str, str] = {}
    for f in features:
        name, _, value = f.partition("=")
        first.setdefault(name, value)
    return [f"{a}*{b}={first[a]}|{first[b]}" for a, b in CONJOIN if a in first and b in first]


def candidate_features(c: Candidate, lex: Lexicon) -> list[str]:
    """The features of one candidate (see the module docstring)."""
    q = c.quantity
    doc = c.doc
    f = [f"rule={c.rule}", f"size={_bucket(q.value)}"]
    if q.vague:
        f.append("vague")
    if q.in_words:
        f.append("in-words")
    if q.plus:
        f.append("plus")
    if q.high is not None:
        f.append("range")
    if q.shape == "year":
        f.append("year-shaped")
    if c.in_headline:
        f.append("headline")
    anchor = c.anchor
    f.append(f"anchor-dep={anchor.dep_}")
    cls = word_class(c.counted, lex) if c.counted.i != anchor.i else "bare"
    f.append(f"counted={cls}")
    if c.counted.i != anchor.i:
        f.append(f"counted-lemma={c.counted.lemma_.lower()}")
        f.append(f"counted-dep={c.counted.dep_}")
    head = c.counted.head
    if head.i != c.counted.i:
        f.append(f"head-class={_verb_class(head, lex) if is_verbal(head) else word_class(head, lex)}")
        f.append(f"head-lemma={head.lemma_.lower()}")
        if head.lower_ == "of" and head.head.i != head.i:
            f.append(f"of-head={word_class(head.head, lex)}")
    # a "of" group: "a group of 30 North Koreans", "a total of 1,076"
    if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and anchor.head.head.i != anchor.head.i:
        f.append(
            f"of-group={anchor.head.head.lemma_.lower() if lex.is_a(anchor.head.head.lemma_, 'groups') else 'other'}"
        )
    f += _context_words(c)
    f += _partitive(c)
    f += _modifiers(c)
    f += _clause_verb(c, lex)
    if _in_quote(c):
        f.append("in-quote")
    if c.rule == "list":
        f += _list_row(c, lex)
    if c.tq.start > c.sent.start and doc[c.tq.start - 1].lower_ == "the":
        f.append("definite")  # "The 68 were returned ...": a figure told before
    t = c.trigger
    if t is not None:
        f.append(f"trigger={t._.trigger}")
        f.append(f"trigger-lemma={t.lemma_.lower()}")
        f.append(f"trigger-tag={t.tag_}")
        if t.lemma_.lower() in lex.ambiguous:
            f.append("trigger-ambiguous")
        if t.i > anchor.i:
            f.append("trigger-after")
        f.append(f"trigger-dist={min(5, abs(t.i - anchor.i) // 3)}")
        f += _modality(t, lex)
        f += _phrase_before(c, lex)
        f += _path(c)
        f.append(f"x={t._.trigger}|{cls}")
    # the sentence around
    sent = c.sent
    n_qty = sum(1 for tq in doc._.quantities if sent.start <= tq.anchor < sent.end)
    f.append(f"quantities={min(4, n_qty)}")
    if any(tok.ent_type_ in ("DATE",) for tok in sent):
        f.append("sent-has-date")
    if any(tok.ent_type_ in ("GPE", "LOC", "FAC") for tok in sent):
        f.append("sent-has-place")
    if any(tok._.trigger in ("verb", "phrasal") for tok in sent):
        f.append("sent-has-return-verb")
    chunk_strong = _chunk_returns(doc)
    f.append(f"chunk-returns={min(4, chunk_strong)}")
    root = sent.root
    if root.i != c.counted.i:
        f.append(f"root-lemma={root.lemma_.lower()}")
    strong = {tok.lemma_.lower() for tok in sent if tok._.trigger in ("verb", "phrasal", "noun", "people")}
    f += [f"sent-trigger={w}" for w in sorted(strong)[:4]]
    if c.sent_index > 0:
        prev = sentences(doc)[c.sent_index - 1]
        if (
            "\n\n" in doc_text(doc)[prev.end_char - 1 : sent.start_char + 1]
            or "\n" in doc_text(doc)[prev.end_char : sent.start_char]
        ):
            f.append("prev-other-paragraph")
    nxt = [tok.lower_ for tok in doc[c.tq.end : min(sent.end, c.tq.end + 3)]]
    f += _conjunctions(f)
    if nxt[:2] in (
        ["a", "day"],
        ["a", "week"],
        ["a", "month"],
        ["a", "year"],
        ["per", "day"],
        ["per", "week"],
        ["per", "month"],
        ["each", "day"],
        ["every", "day"],
        ["an", "hour"],
    ) or nxt[:1] in (["daily"], ["weekly"], ["monthly"]):
        f.append("rate")
    return f
