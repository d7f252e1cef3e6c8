"""What a Korean candidate looks like, as binary features for the learned decision.

Where the return words stand (the figure's clause, its sentence, the sentence before, the
section heading), which return they name, what follows them (a risk, a plan, a call to
stop: "북송될 우려", "송환할 예정", "북송 중단 촉구"), the cue words of the figure's clause
(remains, defection, entry, arrest, a subset "가운데"), the particle after the counter, and
the lemmas around the figure (kiwipiepy).
"""

from __future__ import annotations

import re

from extract.claims.ko.candidates import KoCandidate, Trigger
from extract.claims.ko.lexicon import KoLexicon
from extract.claims.ko.morph import analyse

FEATURES_VERSION = "ko-2"
_PARTICLE = re.compile(
    r"\s?(이|가|을|를|은|는|의|으로|로|에|과|와|도|만|씩"
    r"|이다|이었|이며|이고|입니다|이나|가운데|중|,|\)|:|$)"
)
_AFTER_TRIGGER = 14


def _bucket(n: int) -> str:
    return "0" if n <= 2 else "s" if n <= 12 else "m" if n <= 30 else "l"


def _cues_in(text: str, lex: KoLexicon) -> set[str]:
    return {name for name, words in lex.cues.items() if any(w in text for w in words)}


def _trigger_features(c: KoCandidate, t: Trigger, where: str, lex: KoLexicon) -> list[str]:
    text = c.text
    out = [f"trig:{where}", f"trig:{where}:{t.cls}"]
    after = text[t.end:t.end + _AFTER_TRIGGER]
    for cue in sorted(_cues_in(after, lex) & {"risk", "plan", "call", "not_done", "may"}):
        out.append(f"trig_then:{cue}")
    m = re.match(r"[가-힣]{0,4}", after)
    tail = m.group(0) if m else ""
    if re.match(r"(?:하|되|시키|당하|돼|됐|했|된|한|할|될|시켰|당했)", tail):
        out.append("trig:verb")
        if re.match(r"(?:할|될|하려|되려|하겠|시킬|당할)", tail):
            out.append("trig:future")
        if re.match(r"(?:한|된|당한|시킨)", tail):
            out.append("trig:adnominal")
        if re.match(r"(?:했|됐|시켰|당했|돼|되었|하였)", tail):
            out.append("trig:past")
    elif re.match(r"(?:자|자들|자는|자가)", tail):
        out.append("trig:person_noun")  # 북송자, 추방자
    elif re.match(r"\s?(?:중단|금지|반대|위험|우려|문제|규탄|정책|원칙|절차|정지|명령|계획|조치)", after):
        out.append("trig:noun_then:" + re.match(r"\s?([가-힣]{2})", after).group(1))  # type: ignore[union-attr]  # matched just above
    return out


def candidate_features(c: KoCandidate, lex: KoLexicon) -> list[str]:
    text = c.text
    q = c.quantity
    f: list[str] = ["bias"]
    ca, cb = c.clause
    sa, sb = c.sent
    if c.in_headline:
        f.append("headline")
    if q.vague:
        f.append("vague")
    if q.approx:
        f.append("approx")
    if q.high is not None and not q.approx:
        f.append("range")
    f.append("value:" + ("1" if q.value == 1 else "small" if q.value < 10 else "mid" if q.value < 1000 else "big"))
    in_clause = [t for t in c.triggers if ca <= t.start < cb]
    if in_clause:
        t = min(in_clause, key=lambda t: abs(t.start - q.end))
        side = "after" if t.start >= q.end else "before"
        f += [f + ":" + side for f in _trigger_features(c, t, "clause", lex)]
        f.append(f"trig:clause:{side}:{_bucket(abs(t.start - q.end) if side == 'after' else q.start - t.end)}")
    elif c.triggers:
        t = min(c.triggers, key=lambda t: abs(t.start - q.end))
        side = "after" if t.start >= q.end else "before"
        f += _trigger_features(c, t, "sent", lex)
        f.append(f"trig:sent:{side}")
        f.append(f"trig:sent:{side}:{_bucket(abs(t.start - q.end) if side == 'after' else q.start - t.end)}")
    else:
        f.append(f"trig:{c.context or 'none'}")
    if len(c.triggers) > 1:
        f.append("trig:several")
    clause_text = text[ca:cb]
    for cue in sorted(_cues_in(clause_text, lex)):
        f.append(f"cue:{cue}")
    for cue in sorted(_cues_in(text[sa:sb], lex) - _cues_in(clause_text, lex)):
        f.append(f"cue_sent:{cue}")
    if c.in_headline:
        f += [f"headline:cue:{cue}" for cue in sorted(_cues_in(text[sa:sb], lex))]
    before = text[max(sa, q.start - 8):q.start]
    if re.search(r"(?:가운데|중에?|이 중|이들 중)\s*$", before):
        f.append("pre:subset")
    if re.search(r"(?:여성|남성|어린이|아동|청소년|미성년자|여자|남자|노인)(?:이|가|은|는|도)?\s*$", before):
        f.append("pre:sex_age")
    if re.search(r"(?:나머지|남은|그 밖의|그밖의)\s*$", before):
        f.append("pre:rest")  # "나머지 11명은 조사를 받고 있다": the ones NOT returned
    if re.search(r"[:：]\s*$", before):
        f.append("pre:colon")
    if re.search(r"(?:모두|총|합계)\s*$", before):
        f.append("pre:total")
    if re.search(r"(?:인|국적자|족)\s*$", before):
        f.append("pre:demonym")
    if re.search(r"\d{4}년\s*\(?[^)]*$", before) or re.search(r"\($", before):
        f.append("pre:paren")
    m = _PARTICLE.match(text, q.end)
    f.append("post:" + (m.group(1) if m else "other"))
    after = text[q.end:q.end + 12]
    if re.match(r"\s?(?:으로|이)\s?(?:가장|제일)\s?많", after):
        f.append("post:largest")
    if re.match(r"\s?\(\d", after):
        f.append("post:percent")
    after_change = text[q.end:q.end + 24]
    if re.match(r"\s?보다", after_change):
        f.append("post:than")  # "지난해 43명보다": a figure compared with
    if re.match(r"\s?(?:\([^)]{0,14}\)\s?)?(?:이|가|이나|나)?\s?(?:늘|줄|증가|감소|많아|적어|급증|급감)", after_change):
        f.append("post:change")  # "5명 줄었다", "144명(54%) 늘어난": a difference, not a group
    if re.match(r"\s?(?:가운데|중|중에서|중에는|중에)(?![가-힣])", after):
        # "체포된 11명 가운데 7명이 북송됐다": the group, returned only when the words before say so
        before_trig = any(ca <= t.start < q.start for t in c.triggers)
        f.append("post:of_them:" + ("returned" if before_trig else "other"))
    if re.match(r"\s?(?:과|와|및|,)\s?[^.,]{0,12}?\d[\d,]*\s?(?:여\s?)?명", after):
        f.append("post:enumerated")  # "여성 5명과 남성 2명 등 7명": a part of a figure told next
    line_start = text.rfind("\n", 0, q.start) + 1
    line_end = text.find("\n", q.end)
    line = text[line_start:(len(text) if line_end < 0 else line_end)]
    if len(line) < 40:
        f.append("line:short")
    if re.match(r"\s*[■□▲△◆◇●○▶►※\-–·]", line):
        f.append("line:bullet")
    for lemma in _lemmas(text, c):
        f.append(lemma)
    return f


def _lemmas(text: str, c: KoCandidate) -> list[str]:
    """The lemmas of the content morphemes of the figure's clause: before it (b:) and after (a:),
    and the first verb after the figure (v:)."""
    sa, sb = c.sent
    morphs = analyse(text[sa:sb])
    ca, cb = c.clause[0] - sa, c.clause[1] - sa
    qs, qe = c.quantity.start - sa, c.quantity.end - sa
    out: list[str] = []
    first_verb = None
    for m in morphs:
        if m.start < ca or m.start >= cb or qs <= m.start < qe:
            continue
        if m.tag in ("NNG", "NNP", "VV", "XSV", "VX", "VA"):
            side = "b" if m.start < qs else "a"
            out.append(f"{side}:{m.form}")
            if side == "a" and first_verb is None and m.tag in ("VV", "XSV"):
                first_verb = m.form
        if m.tag == "EP" and m.start >= qe:
            out.append("a:EP")
    if first_verb:
        out.append(f"v:{first_verb}")
    out += _heads(c, morphs, sa, qs, qe)
    return sorted(set(out))


def _heads(c: KoCandidate, morphs, sa: int, qs: int, qe: int) -> list[str]:
    """Whether the predicate after the figure (its verb) and the one before it (a relative
    clause: "북송된 탈북민 20여 명", "체포된 탈북민 8명") are return words."""
    def is_trigger(pos: int) -> bool:
        return any(t.start - 1 <= pos < t.end + 2 for t in c.triggers)

    out = []
    after = next((m for m in morphs if m.start >= qe and m.tag in ("VV", "XSV")), None)
    if after is not None:
        out.append("head:" + ("return" if is_trigger(sa + after.start) else "other"))
    before = [m for m in morphs if m.start < qs and m.tag in ("VV", "XSV") and m.start >= c.clause[0] - sa]
    if before:
        out.append("rel:" + ("return" if is_trigger(sa + before[-1].start) else "other"))
    return out
