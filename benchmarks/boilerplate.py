"""How well newsmon's article text keeps the article and drops the rest, beside trafilatura alone.

    python benchmarks/boilerplate.py            # table, then every leaked and every lost line
    python benchmarks/boilerplate.py --quiet    # table and totals only
    python benchmarks/boilerplate.py --json     # one JSON object with the totals
    python benchmarks/boilerplate.py --corpus PATH   # trafilatura's corpus elsewhere
    python benchmarks/boilerplate.py --no-corpus     # own pages only

First, trafilatura's public evaluation corpus (`benchmarks.segments`: about 990
real pages, segment precision / recall / F1, trafilatura's own scoring) for
trafilatura default, trafilatura `favor_precision=True, include_comments=False`
and newsmon, over all pages and over the two halves (tuning pages and every 5th
page held out by a hash of its file name); skipped with a message when the
corpus is not found (`--corpus`, $NEWSMON_TRAFILATURA_EVAL, default
`../shared/trafilatura-eval` beside the repository). Then the own pages below.

The labelled pages:
- the demo outlets' article pages (`fixtures/expected.json`: per page its `body`
  lines, which must be kept, its `boilerplate` lines, which must not, and its
  `optional` lines, which are not scored);
- the pages in `benchmarks/pages/` (`labels.json` there, same keys), written in
  the shapes of other outlets: a wire story, an NGO report, a news portal with
  comments and related links, a blog, a short article with a long sidebar, a
  data table page, and pages where the boilerplate sits inside the article
  element, where trafilatura cannot tell it from the text.

The two extractors:
- `trafilatura`: `trafilatura.extract(html, url=..., include_comments=False,
  include_tables=True)`, i.e. trafilatura's own text with the same options
  newsmon gives it (comments off, tables on);
- `newsmon`: `extract.article.extract_article(html, url)`.

Scores, over characters of labelled lines (texts compared with spaces collapsed,
footnote marks, list bullets and table pipes stripped on both sides, so that
trafilatura's markdown-like tables and lists count as kept):
- a body line is KEPT when it appears in the output text;
- a boilerplate line is LEAKED when an output line equals it, or contains it
  and is not itself part of a body line (a short boilerplate line such as a
  date is not "leaked" because it also occurs inside a body sentence);
- recall    = characters of kept body lines / characters of all body lines;
- precision = characters of kept body lines / (characters of kept body lines +
  characters of leaked boilerplate lines);
- F1 = harmonic mean of the two. Totals add the characters of all pages (micro
  average). Output lines that are neither body nor boilerplate (the headline,
  unlabelled lines) are counted in the `other` column but not scored.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import segments  # noqa: E402 - needs the sys.path line above
from extract.article import extract_article  # noqa: E402 - needs the sys.path line above
from extract.footnotes import strip_footnotes  # noqa: E402 - needs the sys.path line above

PAGES = ROOT / "benchmarks" / "pages"
FIXTURES = ROOT / "fixtures"
ARTICLE_KINDS = {"seed", "offtopic", "ontopic-nofigure", "article", None}


@dataclass
class Page:
    name: str
    group: str  # "demo" or "shapes"
    url: str
    html: bytes
    body: list[str]
    boilerplate: list[str]
    optional: list[str] = field(default_factory=list)
    drop_selectors: list[str] = field(default_factory=list)


@dataclass
class Score:
    body_chars: int = 0
    kept_chars: int = 0
    leaked_chars: int = 0
    other_chars: int = 0
    lost: list[str] = field(default_factory=list)
    leaked: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.body_chars += other.body_chars
        self.kept_chars += other.kept_chars
        self.leaked_chars += other.leaked_chars
        self.other_chars += other.other_chars

    @property
    def recall(self) -> float:
        return self.kept_chars / self.body_chars if self.body_chars else 1.0

    @property
    def precision(self) -> float:
        denom = self.kept_chars + self.leaked_chars
        return self.kept_chars / denom if denom else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def norm(text: str) -> str:
    """Spaces collapsed, quotes straightened, footnote marks, bullets and table pipes dropped."""
    text = re.sub(r"^\s*[-*•]\s+", "", text)
    if re.fullmatch(r"[\s|:-]*", text):  # a markdown table rule "|---|---|"
        return ""
    text = text.replace("|", " ")
    text = strip_footnotes(text.replace("\u00a0", " "), ("covid",))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def load_pages() -> list[Page]:
    pages: list[Page] = []
    expected = FIXTURES / "expected.json"
    if expected.is_file():
        for entry in json.loads(expected.read_text(encoding="utf-8")):
            if entry.get("kind") not in ARTICLE_KINDS or not entry.get("body"):
                continue
            path = FIXTURES / "sites" / entry["outlet"] / entry["path"].strip("/") / "index.html"
            if not path.is_file():
                continue
            pages.append(Page(
                name=f"{entry['outlet']}{entry['path']}",
                group="demo",
                url=f"http://127.0.0.1{entry['path']}",
                html=path.read_bytes(),
                body=entry["body"],
                boilerplate=entry.get("boilerplate", []),
                optional=entry.get("optional", []),
            ))
    labels = PAGES / "labels.json"
    if labels.is_file():
        for entry in json.loads(labels.read_text(encoding="utf-8")):
            pages.append(Page(
                name=entry["page"],
                group="shapes",
                url=entry.get("url") or f"https://example.org/{entry['page']}",
                html=(PAGES / entry["page"]).read_bytes(),
                body=entry["body"],
                boilerplate=entry.get("boilerplate", []),
                optional=entry.get("optional", []),
                drop_selectors=entry.get("drop_selectors", []),
            ))
    return pages


def score(text: str, page: Page) -> Score:
    s = Score()
    out_lines = [ln for ln in (norm(raw) for raw in text.split("\n")) if ln]
    whole = " ".join(out_lines)
    bodies = [norm(b) for b in page.body]
    for raw, b in zip(page.body, bodies, strict=True):
        s.body_chars += len(b)
        if b and b in whole:
            s.kept_chars += len(b)
        else:
            s.lost.append(raw)
    optional = [norm(o) for o in page.optional]
    labelled_out = set()
    for raw in page.boilerplate:
        bp = norm(raw)
        if not bp:
            continue
        for i, line in enumerate(out_lines):
            inside_body = any(line in b for b in bodies) or any(line in o for o in optional)
            in_a_body_line = any(b in line for b in bodies if len(b) >= len(bp))
            if line == bp or (bp in line and not inside_body and not in_a_body_line):
                s.leaked_chars += len(bp)
                s.leaked.append(raw)
                labelled_out.add(i)
                break
    for i, line in enumerate(out_lines):
        if i in labelled_out:
            continue
        if not any(line in b or b in line for b in bodies + optional if b):
            s.other_chars += len(line)
    return s


def run_trafilatura(page: Page) -> str:
    return trafilatura.extract(page.html, url=page.url, include_comments=False, include_tables=True) or ""


def run_newsmon(page: Page) -> str:
    return extract_article(page.html, page.url, drop_selectors=page.drop_selectors).text


def corpus_table(path: Path | None, workers: int | None, *, quiet_table: bool) -> dict | None:
    """Score the three extractors on trafilatura's corpus; print the table unless `quiet_table`."""
    corpus = path or segments.default_corpus()
    if corpus is None or not (corpus / "evaldata.json").is_file():
        print(f"trafilatura's evaluation corpus not found ({path or 'set --corpus or $' + segments.ENV_VAR}): "
              "skipped", file=sys.stderr)
        return None
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            print(f"\rcorpus: {done}/{total} pages", end="" if done < total else "\n", file=sys.stderr)

    results = segments.evaluate(corpus, segments.SYSTEMS, workers=workers, progress=progress)
    seconds = time.perf_counter() - t0
    out: dict = {"pages": len(results), "held_out_pages": sum(segments.held_out(n) for n in results),
                 "seconds": round(seconds, 1)}
    for part in ("all", "tuning", "held-out"):
        out[part] = {name: segments.totals(results, name, part).as_dict() for name in segments.SYSTEMS}
    if not quiet_table:
        print(f"trafilatura evaluation corpus ({corpus.name}): {out['pages']} pages, "
              f"{out['held_out_pages']} held out, {seconds:.0f} s; segment scores")
        print(f"{'':<10}" + "".join(f"{name:>26}" for name in segments.SYSTEMS))
        print(f"{'':<10}" + "".join(f"{'P':>8} {'R':>8} {'F1':>8}" for _ in segments.SYSTEMS))
        for part in ("all", "tuning", "held-out"):
            cells = [f"{c['precision']:8.3f} {c['recall']:8.3f} {c['f1']:8.3f}" for c in out[part].values()]
            print(f"{part:<10}" + "".join(cells))
        print()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quiet", action="store_true", help="no per-line detail")
    ap.add_argument("--json", action="store_true", help="print the totals as one JSON object")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="trafilatura's evaluation corpus folder (default: $NEWSMON_TRAFILATURA_EVAL, "
                         "else ../shared/trafilatura-eval beside the repository)")
    ap.add_argument("--no-corpus", action="store_true", help="own pages only")
    ap.add_argument("--workers", type=int, default=None, help="processes for the corpus (default: 2)")
    args = ap.parse_args(argv)

    corpus_out = None if args.no_corpus else corpus_table(args.corpus, args.workers, quiet_table=args.json)

    pages = load_pages()
    if not pages:
        print("no labelled pages found", file=sys.stderr)
        return 1
    systems = {"trafilatura": run_trafilatura, "newsmon": run_newsmon}
    totals = {(g, name): Score() for g in ("demo", "shapes", "all") for name in systems}
    results: dict[str, dict[str, Score]] = {}
    seconds = {name: 0.0 for name in systems}
    for page in pages:
        results[page.name] = {}
        for name, fn in systems.items():
            t0 = time.perf_counter()
            text = fn(page)
            seconds[name] += time.perf_counter() - t0
            s = score(text, page)
            results[page.name][name] = s
            totals[(page.group, name)].add(s)
            totals[("all", name)].add(s)

    if args.json:
        out = {g: {name: {"precision": round(totals[(g, name)].precision, 4),
                          "recall": round(totals[(g, name)].recall, 4),
                          "f1": round(totals[(g, name)].f1, 4),
                          "leaked_lines": sum(len(results[p.name][name].leaked) for p in pages
                                              if g in ("all", p.group)),
                          "lost_lines": sum(len(results[p.name][name].lost) for p in pages
                                            if g in ("all", p.group))}
                   for name in systems}
               for g in ("demo", "shapes", "all")}
        out["pages"] = {"demo": sum(p.group == "demo" for p in pages),
                        "shapes": sum(p.group == "shapes" for p in pages)}
        if corpus_out is not None:
            out["trafilatura_eval"] = corpus_out
        print(json.dumps(out))
        return 0

    width = max(len(p.name) for p in pages)
    width = min(width, 90)
    head = f"{'page':<{width}}  " + "  ".join(f"{n:>27}" for n in systems)
    print(head)
    print(f"{'':<{width}}  " + "  ".join(f"{'P':>6} {'R':>6} {'F1':>6} {'leak':>4}" for _ in systems))
    for page in pages:
        cells = []
        for name in systems:
            s = results[page.name][name]
            cells.append(f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {len(s.leaked):4d}")
        print(f"{page.name[-width:]:<{width}}  " + "  ".join(f"{c:>27}" for c in cells))
    print()
    for g in ("demo", "shapes", "all"):
        n = sum(1 for p in pages if g in ("all", p.group))
        cells = []
        for name in systems:
            t = totals[(g, name)]
            leaks = sum(len(results[p.name][name].leaked) for p in pages if g in ("all", p.group))
            cells.append(f"{t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f} {leaks:4d}")
        label = f"TOTAL {g} ({n} pages)"
        print(f"{label:<{width}}  " + "  ".join(f"{c:>27}" for c in cells))
    print("\nseconds: " + ", ".join(f"{n} {seconds[n]:.2f}" for n in systems))

    if not args.quiet:
        for name in systems:
            print(f"\n== {name}: leaked boilerplate lines")
            for page in pages:
                for line in results[page.name][name].leaked:
                    print(f"  [{page.name}] {line[:160]}")
            print(f"== {name}: lost body lines")
            for page in pages:
                for line in results[page.name][name].lost:
                    print(f"  [{page.name}] {line[:160]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
