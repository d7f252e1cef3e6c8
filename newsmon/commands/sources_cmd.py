"""`newsmon sources list | check [NAME] | try NAME`: the outlet configs, for maintainers."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import click

from crawler.sources import SourceConfig, load_source_file, load_sources, outlet_file
from newsmon.context import AppContext, common_options, pass_app
from newsmon.settings import SettingsError


@click.group("sources")
@common_options
def sources_group() -> None:
    """List, check and try the outlet configs (config/sources/*.toml; see docs/sources.md)."""


@sources_group.command("list")
@common_options
@pass_app
def list_command(app: AppContext) -> None:
    """One line per outlet: name, state, what it crawls, title."""
    loaded = load_sources(app.config_dir)
    if not loaded.sources and not loaded.errors:
        click.echo(f"no outlet config in {app.config_dir / 'sources'}")
        return
    for s in sorted(loaded.sources, key=lambda s: s.name):
        state = "demo" if s.demo else ("enabled" if s.enabled else "disabled")
        what = ", ".join(f"{len(v)} {k}" for k, v in (("feeds", s.feeds), ("sitemaps", s.sitemaps),
                                                       ("start_urls", s.start_urls)) if v)
        if s.homepage:
            what = ", ".join(filter(None, ["homepage", what]))
        if s.robots_sitemaps:
            what = ", ".join(filter(None, [what, "robots.txt sitemaps"]))
        click.echo(f"{s.name:<28} {state:<9} {what:<40} {s.title}")
    if loaded.errors:
        click.echo(f"{len(loaded.errors)} config error(s): run `newsmon sources check`", err=True)


@sources_group.command("check")
@click.argument("name", required=False)
@common_options
@pass_app
def check_command(app: AppContext, name: str | None) -> None:
    """Validate every outlet config (or the one named NAME) and settings.toml.

    Prints one line per problem, FILE:LINE: KEY: what is wrong (every bad item
    of a list, every key). NAME may be an outlet whose config is invalid: its
    file is found by its name. Exit status 1 when there is any problem.
    """
    errors: list[str] = []
    try:
        app.settings  # noqa: B018 - loading checks every key of settings.toml
    except SettingsError as exc:
        errors.extend(exc.problems)
    loaded = load_sources(app.config_dir)
    checked = loaded.sources
    source_errors = loaded.errors
    if name is not None:
        path = outlet_file(app.config_dir, name)
        if path is None:
            click.echo(f"no outlet named {name!r} in {app.config_dir / 'sources'}", err=True)
            sys.exit(1)
        source_errors = [e for e in loaded.errors if e.startswith(f"{path}:")]
        checked = [s for s in loaded.sources if s.name == name]
    errors.extend(source_errors)
    for error in errors:
        click.echo(error)
    if name is None and not loaded.sources and not loaded.errors:
        click.echo(f"no outlet config in {app.config_dir / 'sources'}")
        sys.exit(1)
    click.echo(f"{len(checked)} outlet config(s) OK" + (f", {len(errors)} problem(s)" if errors else ""),
               err=bool(errors))
    if errors:
        sys.exit(1)


@sources_group.command("try")
@click.argument("name")
@click.option("--samples", default=3, show_default=True, type=click.IntRange(0, 20),
              help="How many new articles to fetch and show.")
@click.option("--show", "show_urls", default=30, show_default=True, type=click.IntRange(0),
              help="How many URLs to list under each heading.")
@common_options
@pass_app
def try_command(app: AppContext, name: str, samples: int, show_urls: int) -> None:
    """Fetch outlet NAME's feeds, sitemaps and listing pages live; show what a crawl would do.

    Lists the URLs it would fetch as articles and those it would skip (and
    why), then fetches the first few new ones and shows the start of their
    clean text and their claims. Stores nothing. A demo outlet is served
    locally for the occasion. For an outlet given by its `homepage`, says
    which feeds the homepage announces and which sitemaps its robots.txt
    lists, with the article links of each.
    """
    path = outlet_file(app.config_dir, name)
    if path is None:
        click.echo(f"no outlet named {name!r} in {app.config_dir / 'sources'}", err=True)
        sys.exit(1)
    source, errors = load_source_file(path)
    if source is None:
        for error in errors:
            click.echo(error, err=True)
        sys.exit(1)
    try:
        crawl_settings = app.settings.get("crawl", {})
    except SettingsError as exc:
        click.echo(f"newsmon sources try: {exc}", err=True)
        sys.exit(1)
    servers = {}
    if source.demo:
        from crawler.demo_server import serve_sites
        from newsmon.settings import FIXTURES_DIR

        servers = serve_sites(FIXTURES_DIR / "sites", [source.name])
        source = source.with_base(servers[source.name].base_url)
    db_path = str(app.db_path) if Path(app.db_path).exists() else None
    try:
        from crawler.runner import run_crawl
        from crawler.settings import CrawlSettingsError
        from storage.db import StorageError

        try:
            (spider,) = run_crawl([source], db_path, crawl_settings, try_mode=True, try_samples=samples)
        except (CrawlSettingsError, StorageError) as exc:  # the database is only read (what is stored)
            click.echo(f"newsmon sources try: {exc}", err=True)
            sys.exit(1)
    finally:
        for server in servers.values():
            server.stop()
    _report(spider, source, show_urls)


def _report(spider, source: SourceConfig, show_urls: int) -> None:
    tried = spider.tried
    click.echo(f"{source.name}: {source.title}".rstrip(": "))
    click.echo("")
    click.echo("Feeds, sitemaps and listing pages:")
    for kind, url, outcome in tried.documents:
        click.echo(f"  {kind:<8} {url}  -> {outcome}")
    if not tried.documents:
        click.echo("  (none answered)")
    if source.homepage:
        _report_discovered(tried)
    new = [url for url, outcome in tried.articles if outcome == "new"]
    skipped: dict[str, list[str]] = defaultdict(list)
    for url, outcome in tried.articles:
        if outcome != "new":
            skipped[outcome].append(url)
    click.echo("")
    click.echo(f"Would fetch as articles ({len(new)}):")
    for url in new[:show_urls]:
        click.echo(f"  {url}")
    if len(new) > show_urls:
        click.echo(f"  … and {len(new) - show_urls} more")
    click.echo("")
    click.echo(f"Would skip ({sum(len(v) for v in skipped.values())}):")
    for reason, urls in sorted(skipped.items(), key=lambda kv: -len(kv[1])):
        click.echo(f"  {reason} ({len(urls)}):")
        for url in urls[:show_urls]:
            click.echo(f"    {url}")
        if len(urls) > show_urls:
            click.echo(f"    … and {len(urls) - show_urls} more")
    other = {k: v for k, v in spider.skipped.items() if k not in skipped and k != "already stored"}
    if other:
        click.echo("")
        click.echo("Other pages skipped: " + ", ".join(f"{k}: {v}" for k, v in sorted(other.items())))
    for sample in tried.samples:
        _show_sample(sample, source)
    if not new and not tried.samples:
        click.echo("")
        click.echo("No new article found: check feeds, start_urls and article_url_patterns.")


def _report_discovered(tried) -> None:
    """What the homepage and robots.txt led to: feeds and sitemaps, with their link counts."""
    outcomes = {url: outcome for _kind, url, outcome in tried.documents}
    feeds, sitemaps = tried.discovered["feeds"], tried.discovered["sitemaps"]
    click.echo("")
    click.echo(f"Found from the homepage: {len(feeds)} feed(s) (<link rel=\"alternate\">), "
               f"{len(sitemaps)} sitemap(s) (robots.txt)")
    for kind, urls in (("feed", feeds), ("sitemap", sitemaps)):
        for url in urls:
            click.echo(f"  {kind:<8} {url}  -> {outcomes.get(url, 'not fetched')}")
    if not feeds and not sitemaps:
        click.echo("  nothing: give feeds, sitemaps or start_urls in the config")


def _show_sample(sample: dict, source: SourceConfig) -> None:
    from extract.article import extract_article

    click.echo("")
    click.echo(f"--- {sample['url']}")
    try:
        article = extract_article(sample["html"], sample["url"], drop_selectors=source.extract.drop_selectors,
                                  fallback_published=sample.get("published"))
    except Exception as exc:  # noqa: BLE001 - show the problem, go on with the next page
        click.echo(f"  clean text: failed: {type(exc).__name__}: {exc}")
        return
    dated = f"{article.published} ({article.published_source})" if article.published else "-"
    click.echo(f"  title: {article.title or '-'}   published: {dated}   "
               f"author: {article.author or '-'}")
    text = " ".join(article.text.split())
    click.echo(f"  text ({len(article.text)} characters): {text[:400]}{'…' if len(text) > 400 else ''}")
    try:
        from extract.claims import find_claims

        claims = find_claims(article.text, article.published)
    except Exception as exc:  # noqa: BLE001 - the claim extractor may be missing or fail on one page
        click.echo(f"  claims: not available ({type(exc).__name__}: {exc})")
        return
    if not claims:
        click.echo("  claims: none")
    for claim in claims:
        c = claim.to_dict() if hasattr(claim, "to_dict") else dict(claim)
        where = ", ".join(c.get("locations") or []) or "-"
        click.echo(f"  claim: {c.get('qualifier') or ''} {c.get('count')} ({c.get('kind') or '-'}, "
                   f"date {c.get('date') or '-'}, where {where}): {(c.get('evidence') or '')[:160]}")
