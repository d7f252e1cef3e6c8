"""`newsmon worker --redis URL`: crawl outlets from the Redis frontier for the one `newsmon run --redis`."""

from __future__ import annotations

import sys

import click

from newsmon.context import AppContext, common_options, pass_app
from newsmon.interrupt import StopRequest


@click.command("worker")
@click.option("--redis", "redis_url", metavar="URL", required=True, help="The frontier: redis://HOST:6379/0.")
@click.option("--forever", is_flag=True, help="Wait for more outlets when the queue is empty (a service).")
@click.option("--lease", "lease_seconds", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds an outlet stays with this worker without a heartbeat; past that, another takes it.")
@click.option("--wait", "wait_seconds", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds to wait for a run when none is queued yet (without --forever).")
@click.option("--concurrent-outlets", type=click.IntRange(min=1), metavar="N",
              help="Outlets crawled at once (default: concurrent_outlets of settings.toml [crawl], else 64).")
@common_options
@pass_app
def worker_command(app: AppContext, redis_url: str, forever: bool, lease_seconds: float, wait_seconds: float,
                   concurrent_outlets: int | None) -> None:
    """Crawl and clean outlets queued by `newsmon run --redis URL`; hand the pages to it through Redis.

    Needs no database: the writer (`newsmon run --redis`) stores everything.
    Stops when no outlet is waiting or being crawled by any worker, or with
    --forever never (SIGINT or SIGTERM: the outlets not finished are given
    back to the queue). A worker killed outright stops renewing its leases:
    another worker crawls its outlets again.

    \b
    Exit status: 0 done; 1 Redis cannot be reached; 130, 143 stopped by SIGINT, SIGTERM.
    """
    from crawler.extraction import ExtractionPool
    from crawler.redis_frontier import RedisUnavailable, connect
    from crawler.redis_worker import run_worker

    try:
        frontier = connect(redis_url)
    except RedisUnavailable as exc:
        click.echo(f"newsmon worker: {exc}", err=True)
        sys.exit(1)
    limit = concurrent_outlets or (app.settings.get("crawl", {}) or {}).get("concurrent_outlets")
    with StopRequest() as stop, ExtractionPool(app.config_dir) as pool:
        summary = run_worker(frontier, forever=forever, lease_seconds=lease_seconds, concurrent_outlets=limit,
                             extraction_pool=pool, echo=lambda line: click.echo(line, err=True), wait=wait_seconds,
                             on_signal=stop.note)
    done = (f"{summary.outlets} outlet(s) crawled, {summary.pages} page(s) handed over"
            + (f", {summary.given_back} given back unfinished" if summary.given_back else ""))
    if stop.requested:
        click.echo(f"worker: stopped by {stop.name}: {done}")
        sys.exit(stop.exit_code)
    click.echo(f"worker: {done}")
