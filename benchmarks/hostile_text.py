"""Time and memory of the extractor on hostile text: one case at a time, each in its own process.

Every case is one page or text that once made the extractor crawl: a long word
before a short tail (a backtracking regex in the residual cleaner), runs of
punctuation beside a claim, a 2 MB paragraph, a figure of 27 digits, control
characters. Each case runs in a child process forked after the models are
loaded, under a time limit, and its wall time and the child's peak memory
(max RSS) are printed.

    python benchmarks/hostile_text.py                 # all cases, 336 KB inputs, 2 MB paragraph
    python benchmarks/hostile_text.py --size 20000    # smaller inputs
    python benchmarks/hostile_text.py --limit 300 --json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.article import clean_text, extract_article  # noqa: E402 - needs the sys.path line above
from extract.claims import find_claims  # noqa: E402 - needs the sys.path line above

CLAIM = "Pakistan deported 1,200 Afghan refugees across the Torkham border on Monday, officials said. "


def _page(body: str) -> str:
    return (f"<html><head><title>Pakistan deports Afghans</title></head><body><article>"
            f"<h1>Pakistan deports Afghans</h1><p>{CLAIM}</p><p>{body}</p>"
            f"<p>Officials said more returns were planned for the coming weeks at the crossing.</p>"
            f"</article></body></html>")


def cases(size: int, paragraph: int) -> dict[str, Callable[[], object]]:
    """Name -> the call to time. `size`: characters of the hostile run; `paragraph`: of the long paragraph."""
    word_tail = "a" * size + " b"
    colons = CLAIM + ":" * size
    prose = (CLAIM + "The ministry gave no further details about the families who were sent back. ") * (
        paragraph // (len(CLAIM) + 80) + 1)
    no_stop = ("deported 1,200 Afghans across the border " * (paragraph // 40 + 1))[:paragraph]
    digits = "Pakistan deported " + "1," * (size // 2) + "200 Afghans on Monday."
    spaced = "Pakistan deported " + "1 " * (size // 2) + "Afghans on Monday."
    controls = ("Pakistan deported 1,200\x0b Afghans\x01 on \x1bMonday\ufffe. " * (size // 60 + 1))[:size]
    return {
        "residual: long word + short tail": lambda: clean_text(word_tail),
        "residual: long word + short tail (page)": lambda: extract_article(_page(word_tail), "http://x/a"),
        "claims: long word + short tail": lambda: find_claims(CLAIM + word_tail),
        "residual: ':' run beside a claim": lambda: clean_text(colons),
        "claims: ':' run beside a claim": lambda: find_claims(colons),
        "claims: '.' run beside a claim": lambda: find_claims(CLAIM + "." * size),
        "claims: '-' run beside a claim": lambda: find_claims(CLAIM + "-" * size),
        "claims: '1,1,1,...' figure": lambda: find_claims(digits),
        "claims: '1 1 1 ...' figure": lambda: find_claims(spaced),
        "page: control characters": lambda: extract_article(_page(controls), "http://x/a"),
        "claims: control characters": lambda: find_claims(controls),
        f"claims: {paragraph // 1000} KB paragraph of claims": lambda: find_claims(prose.replace("\n", " ")),
        f"claims: {paragraph // 1000} KB paragraph, no full stop": lambda: find_claims(no_stop),
        f"page: {paragraph // 1000} KB paragraph": lambda: extract_article(_page(prose[:paragraph]), "http://x/a"),
        "claims: 5,000 lines of claims": lambda: find_claims("Pakistan deports Afghans\n\n" + (CLAIM + "\n") * 5_000),
    }


def _child(fn: Callable[[], object], out) -> None:
    start = time.perf_counter()
    fn()
    out.send((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_case(fn: Callable[[], object], limit: float) -> dict:
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, send))
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return {"seconds": None, "peak_rss_mb": None, "status": f"over {limit:.0f} s"}
    if proc.exitcode != 0 or not recv.poll():
        return {"seconds": None, "peak_rss_mb": None, "status": f"failed (exit {proc.exitcode})"}
    seconds, rss = recv.recv()
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(rss), "status": "ok"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=336_000, help="characters of each hostile run")
    ap.add_argument("--paragraph", type=int, default=2_000_000, help="characters of the long paragraph")
    ap.add_argument("--limit", type=float, default=200.0, help="seconds before a case is given up")
    ap.add_argument("--only", help="run the cases whose name contains this")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    find_claims(CLAIM)  # models loaded before the children fork
    results = {}
    for name, fn in cases(args.size, args.paragraph).items():
        if args.only and args.only not in name:
            continue
        results[name] = run_case(fn, args.limit)
        if not args.json:
            r = results[name]
            shown = f"{r['seconds']:8.2f} s {r['peak_rss_mb']:6d} MB" if r["status"] == "ok" else f"{r['status']:>18}"
            print(f"{name:48s} {shown}", flush=True)
    if args.json:
        print(json.dumps({"size": args.size, "paragraph": args.paragraph, "cases": results}))


if __name__ == "__main__":
    main()
