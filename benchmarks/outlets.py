"""A thousand outlets every hour: `newsmon run` over synthetic outlets served on this machine.

Each outlet is its own host (a loopback address 127.0.x.y, one port for all)
with a robots.txt, a feed (RSS, with ETag and Last-Modified), a sitemap or a
listing page, and article pages in the shape of the demo outlets. Most are
quick; some answer slowly, some fail (503), some hang (never answer), some
refuse connections. The benchmark runs `newsmon run` as cron would:

  1. first run: every article is new;
  2. nothing new (an hour later, no outlet has published);
  3. 1 % new: new articles amounting to 1 % of those stored, one each at as many outlets.

For each run it prints the wall time, the requests the outlets received by kind
(and how many were answered 304), the article requests, the peak memory of
newsmon's process tree (PSS from /proc/*/smaps_rollup, shared pages counted
once, sampled every quarter second) and the database size.

    python benchmarks/outlets.py                 # 1,000 outlets
    python benchmarks/outlets.py --outlets 100   # quicker
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import _page, render_article  # noqa: E402 - needs the sys.path line above
from benchmarks.pipeline import run_sampled  # noqa: E402 - needs the sys.path line above

SLOW_SECONDS = 3.0  # a slow outlet answers each request after this long
EPOCH = 1_764_000_000  # a fixed "now" for the articles' dates (Last-Modified of feeds)


@dataclass
class Outlet:
    index: int
    host: str
    kind: str  # feed | sitemap | listing | feed+listing
    behaviour: str  # ok | slow | failing | hang | refused
    articles: int  # published so far: story-0 … story-(n-1)

    @property
    def name(self) -> str:
        return f"bench-{self.index:04d}"


def make_outlets(n: int, per_outlet: int, seed: int = 11) -> list[Outlet]:
    """n outlets: 2 % slow, 2 % failing (503), 1 % hanging, 1 % refusing connections, the rest quick."""
    rng = random.Random(seed)
    behaviours = (["slow"] * 2 + ["failing"] * 2 + ["hang"] + ["refused"] + ["ok"] * 94)
    kinds = ["feed", "sitemap", "listing", "feed+listing"]
    outlets = []
    for i in range(n):
        behaviour = "ok" if n < 20 and i < n - 2 else rng.choice(behaviours)
        if n < 20 and i == n - 1:
            behaviour = "failing"  # a small run still has one failing and one slow outlet
        if n < 20 and i == n - 2:
            behaviour = "slow"
        outlets.append(Outlet(i, f"127.0.{1 + i // 250}.{1 + i % 250}", kinds[i % 4], behaviour, per_outlet))
    return outlets


class OutletServer:
    """Every outlet's site, in one asyncio HTTP/1.1 server (keep-alive) listening on each outlet's address."""

    def __init__(self, outlets: list[Outlet]):
        self.outlets = {o.host: o for o in outlets}
        self.requests: Counter[str] = Counter()  # kind -> requests
        self.not_modified: Counter[str] = Counter()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._servers: list[asyncio.base_events.Server] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        threading.Thread(target=self._run, name="outlets", daemon=True).start()
        self._ready.wait(60)
        if not self.port:
            raise SystemExit("could not start the outlets' server")

    def stop(self) -> None:
        """Stop listening; connections still open (a hanging outlet's) end with the process."""
        for server in self._servers:
            self._loop.call_soon_threadsafe(server.close)

    def base(self, outlet: Outlet) -> str:
        return f"http://{outlet.host}:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()

    async def _listen(self) -> None:
        hosts = [o.host for o in self.outlets.values() if o.behaviour != "refused"]
        for _attempt in range(20):
            first = await asyncio.start_server(self._client, hosts[0], 0, backlog=512)
            port = first.sockets[0].getsockname()[1]
            servers = [first]
            try:
                for host in hosts[1:]:
                    servers.append(await asyncio.start_server(self._client, host, port, backlog=128))
            except OSError:  # the port is taken on one of the addresses: try another
                for s in servers:
                    s.close()
                continue
            self._servers, self.port = servers, port
            return

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        outlet = self.outlets[host]
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                _method, path, version = (lines[0].split(" ") + ["", "", ""])[:3]
                headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)}
                keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
                if outlet.behaviour == "hang":
                    self._count(_kind(path))
                    await asyncio.sleep(3600)
                    return
                if outlet.behaviour == "slow":
                    await asyncio.sleep(SLOW_SECONDS)
                status, ctype, body, extra = self._answer(outlet, path, headers)
                writer.write(_response(status, ctype, body, extra, keep))
                await writer.drain()
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            writer.close()

    def _count(self, kind: str, not_modified: bool = False) -> None:
        with self._lock:
            self.requests[kind] += 1
            if not_modified:
                self.not_modified[kind] += 1

    def _answer(self, outlet: Outlet, path: str, headers: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        kind = _kind(path)
        if outlet.behaviour == "failing":
            self._count(kind)
            return 503, "text/plain", b"service unavailable", {}
        base = self.base(outlet)
        n = outlet.articles
        if kind == "robots":
            self._count(kind)
            return 200, "text/plain", b"User-agent: *\nDisallow: /private/\n", {}
        if kind in ("feed", "sitemap"):
            etag = f'"{outlet.index}-{n}"'
            modified = formatdate(EPOCH + n * 3600, usegmt=True)
            validators = {"ETag": etag, "Last-Modified": modified}
            if headers.get("if-none-match") == etag or (
                    "if-none-match" not in headers and headers.get("if-modified-since") == modified):
                self._count(kind, not_modified=True)
                return 304, "", b"", validators
            self._count(kind)
            body = _feed(outlet, base) if kind == "feed" else _sitemap(outlet, base)
            return 200, "application/xml", body, validators
        if kind == "listing":
            self._count(kind)
            items = "".join(f'<li><a href="{_article_path(outlet, k)}">Story {k}</a></li>'
                            for k in range(n - 1, max(-1, n - 21), -1))
            return 200, "text/html; charset=utf-8", f"<!doctype html><html><body><ul>{items}</ul></body></html>" \
                .encode(), {}
        if kind == "article":
            self._count(kind)
            k = _story_number(path)
            if k is not None and 0 <= k < n and path == _article_path(outlet, k):
                return 200, "text/html; charset=utf-8", _article_html(outlet, k), {}
        self._count("other")
        return 404, "text/plain", b"not found", {}


def _kind(path: str) -> str:
    path = path.split("?", 1)[0]
    if path == "/robots.txt":
        return "robots"
    if path == "/feed.xml":
        return "feed"
    if path == "/sitemap.xml":
        return "sitemap"
    if path == "/":
        return "listing"
    if "/story-" in path:
        return "article"
    return "other"


def _story_number(path: str) -> int | None:
    try:
        return int(path.rstrip("/").rsplit("story-", 1)[1])
    except (IndexError, ValueError):
        return None


def _article_path(outlet: Outlet, k: int) -> str:
    month = 1 + (k % 12)
    return f"/2025/{month:02d}/story-{k}/"


def _article_html(outlet: Outlet, k: int) -> bytes:
    rng = random.Random(outlet.index * 100_003 + k)
    page = _page(rng, k, reports_return=rng.random() < 0.05)
    page.path = _article_path(outlet, k)
    return render_article(page, []).encode()


def _published(k: int) -> str:
    return formatdate(EPOCH + k * 3600, usegmt=True)


def _feed(outlet: Outlet, base: str) -> bytes:
    items = "".join(
        f"<item><title>Story {k}</title><link>{base}{_article_path(outlet, k)}</link>"
        f"<pubDate>{_published(k)}</pubDate></item>"
        for k in range(outlet.articles - 1, max(-1, outlet.articles - 21), -1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{outlet.name}</title>'
            f"<link>{base}/</link>{items}</channel></rss>").encode()


def _sitemap(outlet: Outlet, base: str) -> bytes:
    urls = "".join(f"<url><loc>{base}{_article_path(outlet, k)}</loc></url>" for k in range(outlet.articles))
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 503: "Service Unavailable"}


def _response(status: int, ctype: str, body: bytes, extra: dict[str, str], keep: bool) -> bytes:
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'OK')}", f"Content-Length: {len(body)}",
             f"Connection: {'keep-alive' if keep else 'close'}"]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    lines.extend(f"{k}: {v}" for k, v in extra.items())
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def write_config(config_dir: Path, server: OutletServer, outlets: list[Outlet]) -> None:
    sources = config_dir / "sources"
    sources.mkdir(parents=True)
    (config_dir / "settings.toml").write_text(
        '[crawl]\nuser_agent = "newsmon-benchmark (+mailto:bench@example.org)"\n'
        "download_timeout = 10\nretry_backoff = 1.0\n"
    )
    for o in outlets:
        base = server.base(o)
        feeds = [f"{base}/feed.xml"] if "feed" in o.kind else []
        sitemaps = [f"{base}/sitemap.xml"] if o.kind == "sitemap" else []
        start = [f"{base}/"] if "listing" in o.kind else []
        pattern = "^" + base.replace(".", r"\.") + r"/\d{4}/\d{2}/story-\d+/$"
        (sources / f"{o.name}.toml").write_text(
            f'name = "{o.name}"\nfeeds = {json.dumps(feeds)}\nsitemaps = {json.dumps(sitemaps)}\n'
            f"start_urls = {json.dumps(start)}\narticle_url_patterns = ['{pattern}']\nlisting_depth = 1\n"
            "[politeness]\ndownload_delay = 0.25\nconcurrency = 2\n"
        )
    topics = ROOT / "config" / "topics"
    if topics.is_dir():
        (config_dir / "topics").symlink_to(topics)
    models = ROOT / "config" / "models"
    if models.is_dir():
        (config_dir / "models").symlink_to(models)


def measured_run(args: list[str], *, env: dict[str, str] | None = None) -> dict:
    """Run `newsmon ARGS` as cron would; its wall time, peak PSS/RSS of its process tree, and its output."""
    run = run_sampled(args, env=env)
    return {"wall_s": round(run.wall_s, 1), "peak_pss_mb": round(run.peak_pss_kb / 1024, 1),
            "peak_rss_mb": round(run.peak_rss_kb / 1024, 1), "exit": run.returncode, "stdout": run.stdout,
            "stderr": run.stderr}


def _db_figures(db_path: Path) -> dict:
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        articles = conn.execute("select count(*) from articles").fetchone()[0]
        claims = conn.execute("select count(*) from claims").fetchone()[0]
        statuses = dict(conn.execute(
            "select status, count(*) from crawl_runs where run_id = (select max(run_id) from crawl_runs)"
            " group by status").fetchall())
    finally:
        conn.close()
    size = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
    return {"articles": articles, "claims": claims, "outlet_statuses": statuses, "db_mb": round(size / 2**20, 1)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outlets", type=int, default=1000, help="how many outlets (default 1000)")
    parser.add_argument("--articles-per-outlet", type=int, default=5,
                        help="articles each outlet has published before the first run (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keep", metavar="DIR", help="keep the config and database in DIR")
    args = parser.parse_args(argv)
    log = (lambda *a: None) if args.json else (lambda *a: print(*a, file=sys.stderr, flush=True))

    outlets = make_outlets(args.outlets, args.articles_per_outlet)
    server = OutletServer(outlets)
    server.start()
    behaviours = Counter(o.behaviour for o in outlets)
    mix = ", ".join(f"{n} {b}" for b, n in sorted(behaviours.items()))
    log(f"{len(outlets)} outlets on port {server.port}: {mix}")

    with tempfile.TemporaryDirectory(prefix="newsmon-outlets-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        config_dir, db_path = work / "config", work / "outlets.db"
        write_config(config_dir, server, outlets)
        rng = random.Random(5)
        runs: dict[str, dict] = {}
        for label in ("first", "unchanged", "1% new"):
            if label == "1% new":
                answering = [o for o in outlets if o.behaviour in ("ok", "slow")]
                stored = sum(o.articles for o in answering)
                fresh = rng.sample(answering, min(len(answering), max(1, round(stored * 0.01))))
                for o in fresh:
                    o.articles += 1
            before, before_304 = Counter(server.requests), Counter(server.not_modified)
            log(f"run: {label} …")
            run = measured_run(["run", "--config", str(config_dir), "--db", str(db_path)])
            if run["exit"] != 0:
                raise SystemExit(f"newsmon run failed ({run['exit']}):\n"
                                 f"{run['stdout'][-3000:]}\n{run['stderr'][-3000:]}")
            requests = dict(sorted((server.requests - before).items()))
            not_modified = dict(sorted((server.not_modified - before_304).items()))
            summary = run["stdout"].strip().splitlines()[-1] if run["stdout"].strip() else ""
            runs[label] = {
                "wall_s": run["wall_s"], "peak_pss_mb": run["peak_pss_mb"], "peak_rss_mb": run["peak_rss_mb"],
                "requests": requests, "requests_total": sum(requests.values()), "not_modified": not_modified,
                "article_requests": requests.get("article", 0), **_db_figures(db_path), "summary": summary,
            }
            log(_describe(label, runs[label]))
    server.stop()
    result = {"outlets": len(outlets), "articles_per_outlet": args.articles_per_outlet,
              "behaviours": dict(behaviours), "cpu_count": os.cpu_count(), "runs": runs}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{len(outlets)} outlets ({', '.join(f'{n} {b}' for b, n in sorted(behaviours.items()))}), "
              f"{os.cpu_count()} cores")
        for label, r in runs.items():
            print(_describe(label, r))
    return result


def _describe(label: str, r: dict) -> str:
    kinds = ", ".join(f"{k} {n}" + (f" ({r['not_modified'][k]} × 304)" if r["not_modified"].get(k) else "")
                      for k, n in r["requests"].items())
    return (f"{label:<10} wall {r['wall_s']:>6.1f} s  peak PSS {r['peak_pss_mb']:>6.1f} MB  "
            f"db {r['db_mb']:>5.1f} MB  requests {r['requests_total']} ({kinds})  "
            f"article requests {r['article_requests']}  stored {r['articles']} articles, {r['claims']} claims  "
            f"outlets {r['outlet_statuses']}\n           {_short(r['summary'])}")


def _short(text: str, most: int = 160) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


if __name__ == "__main__":
    main()

