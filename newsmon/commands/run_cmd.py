"""`newsmon run`, `newsmon crawl`, `newsmon extract`: the main job and its two stages."""

from __future__ import annotations

import sys

import click

from newsmon.context import AppContext, common_options, pass_app
from newsmon.interrupt import StopRequest
from newsmon.jobs import JobError, crawl_and_extract, extract_stored, select_sources
from newsmon.lock import AlreadyRunning, LockError, RunLock
from newsmon.settings import SettingsError
from storage.db import StorageError

EXIT_NOTHING_RAN = 1  # no valid outlet, unusable database or settings, or the database stopped taking writes
EXIT_LOCKED = 75  # another run holds the lock (EX_TEMPFAIL): nothing was done, try later
# Interrupted by SIGINT or SIGTERM: 128 + the signal (130, 143), as a shell reports it.


def _main_job(app: AppContext, sources: tuple[str, ...], max_articles: int | None, with_claims: bool,
              stop: StopRequest, redis_url: str | None = None):
    selected = select_sources(app.config_dir, sources, echo=click.echo)
    if redis_url:
        from newsmon.distributed import run_distributed

        return run_distributed(selected, app.db_path, app.config_dir, app.settings.get("crawl", {}), redis_url,
                               with_claims=with_claims, max_articles=max_articles, echo=click.echo, stop=stop)
    return crawl_and_extract(selected, app.db_path, app.config_dir, app.settings.get("crawl", {}),
                             with_claims=with_claims, max_articles=max_articles, echo=click.echo,
                             progress=sys.stderr, stop=stop)


def _interrupted(command: str, stop: StopRequest, done: str) -> None:
    """The summary line of an interrupted job, then its exit."""
    click.echo(f"{command}: interrupted by {stop.name}: {done}; the next run does what was left")
    sys.exit(stop.exit_code)


def _fail(command: str, exc: Exception) -> None:
    click.echo(f"newsmon {command}: {exc}", err=True)
    sys.exit(EXIT_LOCKED if isinstance(exc, AlreadyRunning) else EXIT_NOTHING_RAN)


def outlet_options(func):
    """`--source NAME` (repeatable) and `--max-articles N`, shared by run and crawl."""
    func = click.option("--max-articles", type=click.IntRange(min=1), help="At most N new articles per outlet.")(func)
    return click.option("--source", "sources", multiple=True, metavar="NAME",
                        help="Only this outlet (repeatable).")(func)


@click.command("run")
@outlet_options
@click.option("--redis", "redis_url", metavar="URL",
              help="Queue the outlets on this Redis (redis://HOST:6379/0) for `newsmon worker` processes to "
                   "crawl, and store what they hand back here.")
@common_options
@pass_app
def run_command(app: AppContext, sources: tuple[str, ...], max_articles: int | None, redis_url: str | None) -> None:
    """Crawl every enabled outlet, extract claims from new articles, queue them for review.

    Meant for cron: one run at a time, one line per outlet, a summary line;
    progress on stderr (a status line on a terminal, plain lines otherwise).

    SIGINT or SIGTERM stops it at the next safe point: pages being fetched are
    stored, the rest is left for the next run (a second signal stops at once).

    \b
    Exit status:
      0   the run ran, even if some outlets failed (see `newsmon status`)
      1   nothing could run (no valid outlet, unusable database or settings),
          or the database stopped taking writes (full disk, read-only, locked
          too long): the crawl stopped, and the next run fetches what was lost
      75  another run holds the lock: this one exits at once, doing nothing
      130, 143  interrupted by SIGINT, SIGTERM (outlets not finished: status "interrupted")

    With --redis, this process crawls nothing itself: it is the one writer of
    the database while `newsmon worker --redis URL` processes crawl (exit 1
    also when Redis cannot be reached).
    """
    from crawler.redis_frontier import RedisUnavailable

    with StopRequest() as stop:
        try:
            with RunLock(app.db_path):
                results, summary = _main_job(app, sources, max_articles, with_claims=True, stop=stop,
                                             redis_url=redis_url)
        except (AlreadyRunning, LockError, JobError, StorageError, SettingsError, RedisUnavailable) as exc:
            _fail("run", exc)
    failed = [r.source for r in results if r.status == "failed"]
    done = (f"{len(results)} outlet(s), {sum(r.new_articles for r in results)} new article(s), "
            f"{summary.articles} extracted, {summary.claims} claim(s) queued"
            + (f", {summary.failed} extraction(s) failed" if summary.failed else "")
            + (f", {summary.restarts} worker restart(s)" if summary.restarts else "")
            + (f"; failed outlets: {', '.join(failed)}" if failed else ""))
    if stop.requested:
        _interrupted("run", stop, done)
    click.echo(f"run: {done}")


@click.command("crawl")
@outlet_options
@common_options
@pass_app
def crawl_command(app: AppContext, sources: tuple[str, ...], max_articles: int | None) -> None:
    """Crawl outlets and store new articles (with their clean text), without extracting claims.

    Same lock, signals and exit status as `newsmon run`.
    """
    with StopRequest() as stop:
        try:
            with RunLock(app.db_path):
                results, summary = _main_job(app, sources, max_articles, with_claims=False, stop=stop)
        except (AlreadyRunning, LockError, JobError, StorageError, SettingsError) as exc:
            _fail("crawl", exc)
    done = (f"{len(results)} outlet(s), {sum(r.new_articles for r in results)} new article(s)"
            + (f", {summary.failed} not cleaned" if summary.failed else "")
            + (f", {summary.restarts} worker restart(s)" if summary.restarts else ""))
    if stop.requested:
        _interrupted("crawl", stop, done)
    click.echo(f"crawl: {done}")


@click.command("extract")
@click.option("--all", "everything", is_flag=True, help="Re-extract every stored article, not only new ones.")
@click.option("--article", "article_id", type=click.IntRange(1, 2**63 - 1), metavar="ID",
              help="Re-extract one article.")
@common_options
@pass_app
def extract_command(app: AppContext, everything: bool, article_id: int | None) -> None:
    """(Re-)extract clean text and claims from stored articles.

    Only unreviewed machine claims are replaced; reviewed claims keep their
    decision and values. Exit status 1 when the database cannot be used or
    stops taking writes (one line says which file and why); SIGINT or SIGTERM
    stops it after the batch being written (exit 130, 143).
    """
    with StopRequest() as stop:
        try:
            summary = extract_stored(app.db_path, app.config_dir, everything=everything, article_id=article_id,
                                     echo=click.echo, stop=stop)
        except StorageError as exc:
            click.echo(f"newsmon extract: {exc}", err=True)
            sys.exit(1)
    done = (f"extracted {summary.articles} article(s): {summary.claims} claim(s) queued"
            + (f", {summary.failed} failed" if summary.failed else "")
            + (f", {summary.restarts} worker restart(s)" if summary.restarts else ""))
    if stop.requested:
        click.echo(f"extract: interrupted by {stop.name}: {done}")
        sys.exit(stop.exit_code)
    click.echo(done)
