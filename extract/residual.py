"""The residual cleaner: what trafilatura lets through, removed block by block.

It works on `Block`s (headings, paragraphs, lists, tables, quotes; see
`extract.blocks`), deciding from a block's shape and its neighbours together
with the wording lexicon `config/topics/boilerplate.toml`:

1. a block equal to the headline (the headline is put first anyway);
2. a teaser section: a short trigger line ("Recent Posts", "You might want to
   read !", "Keep reading") and after it the teasers for other articles -
   title lines, date lines, excerpts cut off with "...", lists of titles - up
   to the first block that reads as article prose;
3. a run of teasers with no trigger line (two or more "..." excerpts or
   title + date pairs in a row);
4. author bios: a bio-worded paragraph next to an "About NAME" line, a bare
   name line, the page's author name, or repeated on the page (every copy);
5. tables of contents: a list whose items are the page's own headings;
6. short blocks with boilerplate wording: consent and cookie notices,
   newsletter prompts, ad-block notices, comment prompts and comment policy,
   share lines, "Read more", photo credits, "for illustrative purposes",
   copyright, bylines near the top, breadcrumbs, one-line links to other
   articles ("Related: ...", "Lesen Sie auch: ...", "Lea también: ..."),
   newsletter widgets with their success and error messages, promotions of
   the outlet's apps and subscriptions; inside a paragraph broken with
   `<br>`, such lines go one by one;
7. reader prompts ending a paragraph ("Share your thoughts in the comments
   below."), and the reader question before them;
8. a heading whose whole section went in the steps above;
9. footnote marks glued to words ("China1" -> "China", see `extract.footnotes`).

Conservative by design: a block that reads as article prose is dropped only
on strong wording, and a paragraph that states a returnee figure (a number
with repatriate / deport / return / sent back ... wording) is never dropped.
Teasers cut off with "..." and title lines are not paragraphs: they go when
they stand in a teaser section or run.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from extract.blocks import HEADING, LIST, PARAGRAPH, QUOTE, TABLE, Block
from extract.footnotes import repeated_tokens, strip_footnotes

LEXICON_FILE = Path("topics") / "boilerplate.toml"
_REPO_CONFIG = Path(__file__).resolve().parent.parent / "config"
ANY_LANGUAGE = "*"  # in `load_lexicon`: a page whose language is unknown gets every table

_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(dozens?|hundreds?|thousands?|scores?|millions?|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?][\"'”’»)\]]*$")
_ELLIPSIS_END = re.compile(r"(…|\.\.\.|\[…\]|\[\.\.\.\])[\"'”’)\]]*$")
_EDGE_PUNCT = " \t.:;,!?…»›><«‹|•·*–—-=#"
# Sentence ends, also where a space is missing after the stop ("below.Don’t").
_REPORTED = re.compile(r"[\"“”]|\b(said|says|told|tells|according|asked|wrote|added)\b", re.IGNORECASE)
_SENTENCE_STOP = re.compile(r"[.!?]+[\"'”’)\]]*(\s*)")


def sentence_starts(line: str) -> list[int]:
    """Where sentences start in a line, also where a space is missing after the stop ("below.Don’t")."""
    starts = [0]
    for m in _SENTENCE_STOP.finditer(line):
        end = m.end()
        if end >= len(line):
            break
        if m.group(1) or line[end].isupper() or line[end] in "“\"‘'":
            starts.append(end)
    return starts


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Lexicon:
    section_triggers: re.Pattern[str]
    link_triggers: re.Pattern[str]
    link_line: re.Pattern[str]
    lines: re.Pattern[str]
    phrase_max_words: int
    reader_phrases: re.Pattern[str]
    reader_address: re.Pattern[str]
    notice_phrases: re.Pattern[str]
    prompts: re.Pattern[str]
    reader_question: re.Pattern[str]
    bio_headings: re.Pattern[str]
    bio_phrases: re.Pattern[str]
    date_line: re.Pattern[str]
    byline: re.Pattern[str]
    returnee: re.Pattern[str]
    footnote_keep: frozenset[str]


_NEVER = r"(?!x)x"


def _union(patterns: Iterable[str], *, word_start: bool = False) -> re.Pattern[str]:
    """One pattern for a list; `word_start`: each must begin at a word boundary (for searching)."""
    pats = [p for p in patterns if p]
    if not pats:
        return re.compile(_NEVER)
    # The word-start test once before the alternation, not once per alternative: with every
    # language's table in one pattern, the per-alternative test dominated the cleaner's time.
    start = r"(?<!\w)" if word_start else ""
    return re.compile(start + "(?:" + "|".join(f"(?:{p})" for p in pats) + ")", re.IGNORECASE)


def lexicon_path(config_dir: str | os.PathLike[str] | None = None) -> Path:
    """The lexicon file: `config_dir`, else $NEWSMON_CONFIG, else the repository's config/."""
    for base in (config_dir, os.environ.get("NEWSMON_CONFIG")):
        if base:
            path = Path(base) / LEXICON_FILE
            if path.is_file():
                return path
    return _REPO_CONFIG / LEXICON_FILE


def load_lexicon(languages: Sequence[str] = ("en",),
                 config_dir: str | os.PathLike[str] | None = None) -> Lexicon:
    """The lexicon for these languages (English always included; `ANY_LANGUAGE`: every table), read once and cached."""
    langs = tuple(dict.fromkeys(["en", *[(lang or "").split("-")[0].lower() for lang in languages if lang]]))
    return _load(str(lexicon_path(config_dir)), langs)


@lru_cache(maxsize=32)
def _load(path: str, languages: tuple[str, ...]) -> Lexicon:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError):
        data = {}
    if ANY_LANGUAGE in languages:  # language unknown: every table
        languages = tuple(dict.fromkeys([*languages, *data]))
    tables = [data.get(lang, {}) for lang in languages if isinstance(data.get(lang), dict)]

    def many(key: str) -> list[str]:
        out: list[str] = []
        for t in tables:
            val = t.get(key, [])
            out += [val] if isinstance(val, str) else list(val)
        return out

    prefixes = many("link_line_prefixes")
    link_line = (rf"(?:{'|'.join(prefixes)})\s*(?::|\||»|>|\s[–—-]\s)\s*\S.{{0,200}}" if prefixes else _NEVER)
    max_words = max([int(t.get("phrase_max_words", 60)) for t in tables] or [60])
    return Lexicon(
        section_triggers=_union(many("section_triggers")),
        link_triggers=_union(many("link_triggers")),
        link_line=_union([link_line]),
        lines=_union(many("boilerplate_lines")),
        phrase_max_words=max_words,
        reader_phrases=_union(many("reader_phrases"), word_start=True),
        reader_address=_union(many("reader_address")),
        notice_phrases=_union(many("notice_phrases"), word_start=True),
        prompts=_union(many("prompt_sentences"), word_start=True),
        reader_question=_union(many("reader_question")),
        bio_headings=_union(many("bio_headings")),
        bio_phrases=_union(many("bio_phrases"), word_start=True),
        date_line=_union(many("date_line")),
        byline=_union(many("byline")),
        returnee=_union(many("returnee_stems"), word_start=True),
        footnote_keep=frozenset(k.lower() for k in many("footnote_keep")),
    )


# --------------------------------------------------------------------------- shapes


def norm(text: str) -> str:
    """Spaces collapsed, quotes straightened, edge punctuation trimmed: what wording is matched on.

    Case is kept (patterns are case-insensitive unless they say `(?-i:...)`).
    """
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip(_EDGE_PUNCT)


def key(text: str) -> str:
    """`norm` folded to lower case: for comparing blocks with each other."""
    return norm(text).casefold()


def nwords(text: str) -> int:
    return len(text.split())


def ends_sentence(text: str) -> bool:
    t = text.rstrip()
    return bool(_SENTENCE_END.search(t)) and not _ELLIPSIS_END.search(t)


def is_excerpt(text: str) -> bool:
    """A teaser excerpt: words cut off with an ellipsis ("...have come…"), not code ("=> ...")."""
    t = text.rstrip()
    m = _ELLIPSIS_END.search(t)
    if not m or not 4 <= nwords(t) <= 90:
        return False
    before = t[: m.start()].rstrip("[")
    return bool(before) and (before[-1].isalnum() or before[-1] in ",;’'\"”")


def states_returnee_figure(text: str, lex: Lexicon) -> bool:
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        if lex.returnee.search(sentence) and _NUMBER.search(sentence):
            return True
    return False


def is_protected(block: Block, lex: Lexicon) -> bool:
    """A paragraph (or list item) that is a complete statement of a returnee figure."""
    if block.kind == TABLE:
        return False
    return any(ends_sentence(line) and states_returnee_figure(line, lex) for line in block.lines)


def is_title_line(text: str) -> bool:
    """A headline-like line: short, one line, not a sentence cut off, not ending with a stop."""
    t = text.strip()
    if "\n" in t or not t or nwords(t) > 30 or is_excerpt(t):
        return False
    if t.endswith(".") and not t.endswith("..."):
        return False
    return not re.search(r"[a-z]{2}[.!?]\s+[A-Z]", t)  # one sentence ("U.S. Army" is one)


def _is_pointer_title(text: str) -> bool:
    """What follows "Read also:" - a headline, which may hold two sentences or a question, not a statement."""
    t = text.strip()
    return bool(t) and "\n" not in t and nwords(t) <= 20 and not (t.endswith(".") and not t.endswith("..."))


def _single_line(block: Block) -> str | None:
    if block.kind in (HEADING, PARAGRAPH, QUOTE) and len(block.lines) == 1:
        return block.lines[0]
    return None


def trigger_kind(block: Block, lex: Lexicon) -> str | None:
    """"link" for a line pointing elsewhere ("Keep reading"), "section" for a teaser
    section's name ("Most read"), None for anything else."""
    line = _single_line(block)
    if line is None or nwords(line) > 10:
        return None
    t = norm(line)
    if lex.link_triggers.fullmatch(t):
        return "link"
    if lex.section_triggers.fullmatch(t):
        return "section"
    return None


def is_trigger(block: Block, lex: Lexicon) -> bool:
    return trigger_kind(block, lex) is not None


def is_boilerplate_line(line: str, lex: Lexicon, *, position: int = 99) -> bool:
    """A short line whose wording is boilerplate by itself."""
    n = nwords(line)
    if n == 0:
        return True
    if n > 40:
        return False
    t = norm(line)
    if n <= 30 and lex.lines.fullmatch(t):
        return True
    if n <= 30 and lex.link_line.fullmatch(t):
        rest = re.split(r":|\||»|>|\s[–—-]\s", t, maxsplit=1)[-1].strip()
        if is_title_line(rest) or is_excerpt(rest) or _is_pointer_title(rest):
            return True
    if position < 4 and n <= 12 and lex.byline.fullmatch(t) and not ends_sentence(line):
        return True
    return False


def has_boilerplate_wording(line: str, lex: Lexicon) -> bool:
    """A short block with notice wording, or reader-addressed boilerplate wording."""
    n = nwords(line)
    if n > lex.phrase_max_words:
        return False
    t = norm(line)
    if lex.notice_phrases.search(t):
        return True
    if lex.reader_phrases.search(t) and (n <= 12 or lex.reader_address.search(t)):
        return True
    return False


def teaser_kind(block: Block, lex: Lexicon) -> str | None:
    """What a block is inside a teaser section, or None when it is not teaser-shaped."""
    lines = block.lines
    if block.kind == TABLE:
        return None
    if block.kind == LIST:
        if all(is_title_line(i) or is_excerpt(i) or _is_date(i, lex) or _ends_with_date(i, lex)
               or is_boilerplate_line(i, lex) for i in lines):
            return "list"
        return None
    if len(lines) > 1:  # a teaser card merged into one block: title / excerpt / date lines
        kinds = [teaser_kind(Block(PARAGRAPH, [ln]), lex) for ln in lines]
        return "card" if all(kinds) else None
    line = lines[0]
    if _is_date(line, lex):
        return "date"
    if is_boilerplate_line(line, lex) or has_boilerplate_wording(line, lex):
        return "furniture"
    if is_excerpt(line):
        return "excerpt"
    if _ends_with_date(line, lex):
        return "card"
    if is_title_line(line):
        return "title"
    return None


def _is_date(line: str, lex: Lexicon) -> bool:
    return nwords(line) <= 12 and bool(lex.date_line.fullmatch(norm(line)))


def _ends_with_date(line: str, lex: Lexicon) -> bool:
    """A title followed by its date on the same line ("Title December 4, 2025")."""
    words = line.split()  # no regex from the end of a line: one tried at every start is quadratic
    if not words or len(words) > 30:
        return False
    tail3 = " ".join(words[-3:])
    tail1 = words[-1]
    head = line[: len(line) - len(tail3)]
    return bool((lex.date_line.fullmatch(norm(tail3)) and is_title_line(head.strip() or "x"))
                or (lex.date_line.fullmatch(norm(tail1)) and re.search(r"\d{4}", tail1)
                    and is_title_line(line[: len(line) - len(tail1)].strip() or "x")))


# --------------------------------------------------------------------------- the cleaner


def clean_blocks(
    blocks: Sequence[Block],
    *,
    title: str | None = None,
    author: str | None = None,
    lexicon: Lexicon | None = None,
) -> list[Block]:
    """The blocks that remain after the residual rules (module docstring), footnotes stripped."""
    lex = lexicon or load_lexicon()
    blocks = [Block(b.kind, list(b.lines)) for b in blocks if b.lines]
    drop = boilerplate_flags(blocks, title=title, author=author, lexicon=lex)
    names = repeated_tokens((ln for b in blocks for ln in b.lines), times=2)
    out: list[Block] = []
    for b, gone in zip(blocks, drop, strict=True):
        if gone or not b.lines:
            continue
        if b.kind != TABLE:
            b = Block(b.kind, [strip_footnotes(ln, lex.footnote_keep, names) for ln in b.lines])
        out.append(b)
    return out


def boilerplate_flags(
    blocks: Sequence[Block],
    *,
    title: str | None = None,
    author: str | None = None,
    lexicon: Lexicon | None = None,
) -> list[bool]:
    """For each block (none empty), whether the residual rules drop it as boilerplate."""
    lex = lexicon or load_lexicon()
    blocks = list(blocks)
    drop = [False] * len(blocks)
    protected = [is_protected(b, lex) for b in blocks]
    _drop_title_copies(blocks, drop, title)
    _drop_teaser_sections(blocks, drop, protected, lex)
    _drop_teaser_runs(blocks, drop, protected, lex)
    _drop_bios(blocks, drop, protected, author, lex)
    _drop_toc(blocks, drop)
    _drop_by_wording(blocks, drop, protected, lex)
    _drop_date_lines(blocks, drop, lex)
    _drop_orphan_headings(blocks, drop)
    return drop


def _drop_title_copies(blocks: list[Block], drop: list[bool], title: str | None) -> None:
    if not title or not title.strip():
        return
    t = key(title)
    for i, b in enumerate(blocks):
        line = _single_line(b)
        if line is not None and key(line) == t:
            drop[i] = True


def _drop_teaser_sections(blocks, drop, protected, lex) -> None:
    n = len(blocks)
    i = 0
    while i < n:
        trigger = None if drop[i] else trigger_kind(blocks[i], lex)
        if trigger is None:
            i += 1
            continue
        j = i + 1
        while j < n:
            if protected[j]:
                break
            kind = teaser_kind(blocks[j], lex)
            if kind is None:
                break
            if kind == "title":
                nxt = blocks[j + 1] if j + 1 < n else None
                if nxt is not None and (protected[j + 1] or teaser_kind(nxt, lex) is None):
                    break  # a heading of the article's own next section
            drop[j] = True
            j += 1
        # The trigger line goes when it points elsewhere, led teasers, or ends the text.
        if trigger == "link" or j > i + 1 or j >= n:
            drop[i] = True
        i = max(j, i + 1)


def _drop_teaser_runs(blocks, drop, protected, lex) -> None:
    n = len(blocks)
    kind_of = [None if drop[k] or protected[k] else teaser_kind(blocks[k], lex) for k in range(n)]
    tail_ok = [True] * (n + 1)  # tail_ok[k]: nothing but teasers, furniture or dropped blocks from k on
    for k in range(n - 1, -1, -1):
        tail_ok[k] = tail_ok[k + 1] and (drop[k] or kind_of[k] is not None)
    i = 0
    while i < n:
        j = i
        kinds: list[str | None] = []
        while j < n and not drop[j] and kind_of[j] not in (None, "furniture"):
            kinds.append(kind_of[j])
            j += 1
        # trailing titles belong to what follows, not to the run
        while kinds and kinds[-1] == "title":
            kinds.pop()
            j -= 1
        excerpts = kinds.count("excerpt")  # not "title Month D, YYYY" cards: a timeline looks like them
        dates = kinds.count("date")
        titled_dates = dates >= 2 and kinds.count("title") >= 2
        # Two quotes trailing off in an interview look like excerpts: two make a
        # run only at the end of the text, three anywhere.
        if (excerpts >= 3 or (excerpts >= 2 and tail_ok[j]) or titled_dates
                or (excerpts >= 1 and dates >= 1 and len(kinds) >= 3)):
            for k in range(i, j):
                drop[k] = True
            i = j
        else:
            i = max(j, i + 1) if kinds else i + 1


def _drop_bios(blocks, drop, protected, author, lex) -> None:
    n = len(blocks)
    keys = [key(b.text) for b in blocks]
    counts = Counter(k for k, b in zip(keys, blocks, strict=True) if b.kind == PARAGRAPH and nwords(k) >= 8)
    author_n = key(author) if author and nwords(author) <= 6 else None
    for i, b in enumerate(blocks):
        if b.kind != PARAGRAPH or protected[i] or nwords(b.text) > 160:
            continue
        if not lex.bio_phrases.search(b.text):
            continue
        prev = i - 1
        prev_line = _single_line(blocks[prev]) if prev >= 0 else None
        prev_is_heading = bool(prev_line and nwords(prev_line) <= 8
                               and lex.bio_headings.fullmatch(norm(prev_line)))
        prev_is_name = bool(prev_line and nwords(prev_line) <= 6 and not ends_sentence(prev_line)
                            and key(prev_line) and key(prev_line) in keys[i] and i >= n * 0.5)
        repeated = counts.get(keys[i], 0) >= 2
        by_author = bool(author_n and author_n in keys[i] and i >= n * 0.5)
        if prev_is_heading or prev_is_name or repeated or by_author:
            drop[i] = True
            if prev_is_heading or prev_is_name:
                drop[prev] = True


def _drop_toc(blocks, drop) -> None:
    headings = {key(b.text) for b in blocks if b.kind == HEADING}
    headings |= {key(b.lines[0]) for b in blocks if b.kind == PARAGRAPH and len(b.lines) == 1
                 and is_title_line(b.lines[0])}
    for i, b in enumerate(blocks):
        if b.kind != LIST or drop[i] or len(b.lines) < 2:
            continue
        items = [key(re.sub(r"^\s*(\d+[.)]|[ivx]+[.)])\s*", "", it)) for it in b.lines]
        hits = sum(1 for it in items if it in headings)
        if hits >= max(2, 0.6 * len(items)):
            drop[i] = True


def _drop_date_lines(blocks, drop, lex) -> None:
    """A date alone on its line is a dateline (near the top) or a teaser's date;
    in a timeline, where article prose follows it, it stays."""
    n = len(blocks)
    nxt = None  # the next block that is kept, scanning backwards
    for i in range(n - 1, -1, -1):
        if drop[i]:
            continue
        line = _single_line(blocks[i])
        if line is not None and _is_date(line, lex):
            prose_follows = nxt is not None and blocks[nxt].kind in (PARAGRAPH, QUOTE, LIST) \
                and teaser_kind(blocks[nxt], lex) is None
            if i < 4 or not prose_follows:
                drop[i] = True
                continue
        nxt = i


def _drop_by_wording(blocks, drop, protected, lex) -> None:
    for i, b in enumerate(blocks):
        if drop[i] or b.kind == TABLE:
            continue
        kept: list[str] = []
        for line in b.lines:
            if is_boilerplate_line(line, lex, position=i):
                if b.kind != LIST and protected[i] and states_returnee_figure(line, lex):
                    kept.append(line)
                continue
            if "\n" in line:  # a paragraph broken with <br>: its boilerplate lines go one by one
                line = _without_boilerplate_sublines(line, lex)
                if not line:
                    continue
            rest = _without_boilerplate_sentences(line, lex)
            if rest:
                kept.append(rest)
        if not kept:
            drop[i] = True
        elif kept != b.lines:
            b.lines = kept


def _without_boilerplate_sublines(line: str, lex: Lexicon) -> str:
    """The line without its sub-lines (`<br>`-separated) that are boilerplate by their wording alone."""
    subs = line.split("\n")
    kept = [sub for sub in subs if not sub.strip() or states_returnee_figure(sub, lex)
            or not is_boilerplate_line(sub, lex)]
    return "\n".join(kept).strip() if len(kept) != len(subs) else line


def _without_boilerplate_sentences(line: str, lex: Lexicon) -> str:
    """The line without the boilerplate sentences that END it; "" when it is all boilerplate.

    A sentence is boilerplate when it has notice / reader-addressed wording or is
    a reader prompt ("Share your thoughts in the comments below."); a question
    to the reader goes with them when nothing else is left. A sentence stating a
    returnee figure is never boilerplate. Boilerplate wording in the middle of
    prose is left alone.
    """
    if nwords(line) > 400:
        return line
    starts = sentence_starts(line)
    sentences = [(s, line[s:e]) for s, e in zip(starts, starts[1:] + [len(line)], strict=True) if line[s:e].strip()]

    def flagged(sent: str) -> bool:
        if states_returnee_figure(sent, lex) or _REPORTED.search(sent):
            return False
        if nwords(sent) <= 40 and lex.prompts.search(sent):
            return True
        return has_boilerplate_wording(sent, lex) and (
            nwords(line) <= lex.phrase_max_words or nwords(sent) <= 40)

    flags = [flagged(sent) for _, sent in sentences]
    if not any(flags):
        return line
    cut = len(sentences)
    while cut > 0 and flags[cut - 1]:
        cut -= 1
    if cut == len(sentences):
        return line  # boilerplate wording only inside the prose: keep it all
    rest = [sent for _, sent in sentences[:cut]]
    if all(lex.reader_question.search(s) and not states_returnee_figure(s, lex) for s in rest):
        return ""
    return line[: sentences[cut][0]].rstrip()


def _drop_orphan_headings(blocks, drop) -> None:
    """A heading whose section (everything up to the next heading) was dropped."""
    n = len(blocks)
    for i in range(n - 1, -1, -1):
        if drop[i] or blocks[i].kind != HEADING or nwords(blocks[i].text) > 12:
            continue
        j = i + 1
        section = []
        while j < n and blocks[j].kind != HEADING:
            section.append(j)
            j += 1
        if section and all(drop[k] for k in section):
            drop[i] = True
