"""trafilatura's public evaluation corpus, read in place and scored by segments.

The corpus (real pages, many sites and languages) is not part of newsmon: it is
read from a folder holding `evaldata.json` and either a `pages/` folder or
`pages.tar.xz` (read in memory, never unpacked into the project). Default
location: $NEWSMON_TRAFILATURA_EVAL, else `../shared/trafilatura-eval` beside
the repository.

Scoring, as trafilatura scores it: white space runs become one space in the
segment and in the extracted text; per page, a `with` segment found in the text
is a true positive, missing a false negative; a `without` segment found is a
false positive, missing a true negative. Sums over pages give precision,
recall and F1.

`held_out(name)`: every 5th page by a hash of its file name, kept aside as a
check that rules written while looking at the other pages generalise.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tarfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "NEWSMON_TRAFILATURA_EVAL"
_WS = re.compile(r"\s+")


def default_corpus() -> Path | None:
    """The corpus folder: $NEWSMON_TRAFILATURA_EVAL, else `../shared/trafilatura-eval` beside the repository."""
    candidates = [os.environ.get(ENV_VAR), ROOT.parent / "shared" / "trafilatura-eval"]
    for c in candidates:
        if c and (Path(c) / "evaldata.json").is_file():
            return Path(c)
    return None


@dataclass
class EvalPage:
    url: str
    name: str
    html: bytes
    with_: list[str]
    without: list[str]


@dataclass
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fn += other.fn
        self.fp += other.fp
        self.tn += other.tn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fn": self.fn, "fp": self.fp, "tn": self.tn}


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip()


def score_page(text: str, with_: Iterable[str], without: Iterable[str]) -> Counts:
    c = Counts()
    t = normalise(text or "")
    for seg in with_:
        if t and normalise(seg) in t:
            c.tp += 1
        else:
            c.fn += 1
    for seg in without:
        if t and normalise(seg) in t:
            c.fp += 1
        else:
            c.tn += 1
    return c


def held_out(name: str) -> bool:
    return zlib.crc32(name.encode("utf-8")) % 5 == 0


def load_pages(corpus: Path) -> Iterator[EvalPage]:
    """The labelled pages whose HTML file is present, in `evaldata.json` order."""
    data = json.loads((corpus / "evaldata.json").read_text(encoding="utf-8"))
    files: dict[str, bytes] = {}
    folder = corpus / "pages"
    if folder.is_dir():
        wanted = {v["file"] for v in data.values()}
        files = {p.name: p.read_bytes() for p in folder.iterdir() if p.name in wanted}
    else:
        with tarfile.open(corpus / "pages.tar.xz", "r:xz") as tar:
            for member in tar:
                if member.isfile():
                    fh = tar.extractfile(member)
                    if fh is not None:
                        files[Path(member.name).name] = fh.read()
    for url, entry in data.items():
        html = files.get(entry["file"])
        if html is None:
            continue
        yield EvalPage(url, entry["file"], html, list(entry.get("with", [])), list(entry.get("without", [])))


# --------------------------------------------------------------------------- extractors


def run_newsmon(html: bytes, url: str) -> str:
    from extract.article import extract_article

    return extract_article(html, url).text


def run_trafilatura_default(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url) or ""


def run_trafilatura_precision(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, favor_precision=True, include_comments=False) or ""


SYSTEMS: dict[str, Callable[[bytes, str], str]] = {
    "trafilatura": run_trafilatura_default,
    "trafilatura-precision": run_trafilatura_precision,
    "newsmon": run_newsmon,
}


def _work(args: tuple[str, bytes, str, list[str], list[str], tuple[str, ...]]) -> tuple[str, dict[str, Counts]]:
    name, html, url, with_, without, systems = args
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    out = {}
    for system in systems:
        try:
            text = SYSTEMS[system](html, url)
        except Exception:  # noqa: BLE001 - a crash on a page scores as an empty extraction
            text = ""
        out[system] = score_page(text, with_, without)
    return name, out


def evaluate(corpus: Path, systems: Iterable[str] = ("newsmon",), *, workers: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> dict[str, dict[str, Counts]]:
    """Per page file name, per system, the segment counts. Pages are spread over a process pool."""
    names = tuple(systems)
    pages = list(load_pages(corpus))
    jobs = [(p.name, p.html, p.url, p.with_, p.without, names) for p in pages]
    results: dict[str, dict[str, Counts]] = {}
    workers = workers or min(2, os.cpu_count() or 1)
    if workers <= 1:
        mapped: Iterable[tuple[str, dict[str, Counts]]] = map(_work, jobs)
        for i, (name, counts) in enumerate(mapped, 1):
            results[name] = counts
            if progress:
                progress(i, len(jobs))
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for i, (name, counts) in enumerate(pool.map(_work, jobs, chunksize=8), 1):
            results[name] = counts
            if progress:
                progress(i, len(jobs))
    return results


def totals(results: dict[str, dict[str, Counts]], system: str, part: str = "all") -> Counts:
    """Summed counts for one system over `all` pages, the `tuning` part or the `held-out` part."""
    t = Counts()
    for name, per_system in results.items():
        if part == "all" or (part == "held-out") == held_out(name):
            t.add(per_system[system])
    return t
