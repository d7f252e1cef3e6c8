"""`newsmon text FILE|URL… [--json]`: the clean text and metadata of pages, as the pipeline sees them."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from newsmon.context import AppContext, common_options, pass_app

_URL = re.compile(r"^https?://", re.IGNORECASE)


def _drop_selectors(config_dir: Path, source_name: str | None, url: str | None) -> list[str]:
    """The `[extract] drop_selectors` of the outlet named, or of the outlet whose domain the URL is on."""
    if not source_name and not url:
        return []
    try:
        from crawler.sources import load_sources

        sources = load_sources(config_dir).sources
    except Exception:  # noqa: BLE001 - no outlet configs: extract without selectors
        return []
    if source_name:
        for src in sources:
            if src.name == source_name:
                return list(src.extract.drop_selectors)
        raise click.BadParameter(f"no outlet named {source_name!r} in {config_dir / 'sources'}",
                                 param_hint="--source")
    from urllib.parse import urlparse

    host = (urlparse(url).hostname or "").lower()
    for src in sources:
        for domain in src.allowed_domains:
            domain = domain.lower().lstrip(".")
            if host == domain or host.endswith("." + domain):
                return list(src.extract.drop_selectors)
    return []


def fetch_limits(crawl: dict) -> dict:
    """The timeout, size cap and user agent of a crawl (settings.toml [crawl]), for `crawler.fetch.fetch_page`."""
    from crawler.settings import crawl_options

    opts = crawl_options(crawl)
    return {"timeout": float(opts["download_timeout"]), "max_bytes": int(opts["max_page_bytes"]),
            "user_agent": opts["user_agent"]}


def page_text(source: str, config_dir: Path, source_name: str | None = None, limits: dict | None = None,
              robots=None) -> dict:
    """One page's metadata and text. Raises OSError (file) or crawler.fetch.FetchError (URL).

    `replaced`: how many byte sequences did not decode (each read as U+FFFD).

    `limits`: keyword arguments of `fetch_page` (see `fetch_limits`) for a URL;
    `robots`: a `crawler.fetch.RobotsRules`, to obey each host's robots.txt.
    """
    from extract.article import clean_text, extract_article
    from extract.encoding import decode_html, replaced_count

    if _URL.match(source):
        from crawler.fetch import fetch_page

        data, final_url = fetch_page(source, **(limits or {}), robots=robots)
        url: str | None = final_url
    else:
        path = Path(source)
        if path.is_dir():
            raise IsADirectoryError(21, "is a folder, not a page", source)
        data = path.read_bytes()
        url = None
    selectors = _drop_selectors(config_dir, source_name, url)
    page = decode_html(data)
    replaced = replaced_count(data, page)
    if url is None and not _looks_like_html(data):
        text = clean_text(page, config_dir=config_dir)
        return {"source": source, "url": None, "title": None, "author": None, "published": None,
                "published_source": None, "sitename": None, "language": None, "text": text, "replaced": replaced}
    art = extract_article(page, url, drop_selectors=selectors, config_dir=config_dir)
    return {"source": source, "url": art.url, "title": art.title, "author": art.author,
            "published": art.published, "published_source": art.published_source,
            "sitename": art.sitename, "language": art.language,
            "text": art.text, "replaced": replaced}


def _looks_like_html(data: bytes) -> bool:
    head = data[:65536].lower()
    return bool(re.search(rb"<(html|body|head|p|div|article|meta|title|!doctype)\b", head))


@click.command("text")
@click.argument("sources", metavar="FILE|URL…", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per line: source, url, title, author, published, published_source, text.")
@click.option("--source", "source_name", metavar="NAME",
              help="Apply this outlet's drop_selectors (else those of the outlet whose domain a URL is on).")
@common_options
@pass_app
def text_command(app: AppContext, sources: tuple[str, ...], as_json: bool, source_name: str | None) -> None:
    """The clean text and metadata of pages (HTML files or URLs), as the pipeline extracts them.

    Many pages in one process; a page that cannot be read gives one line on
    stderr naming it, and the others still print. Exit status 1 when any failed.
    A file without HTML tags is taken as plain text and only cleaned. A URL is
    fetched with the limits and user agent of settings.toml [crawl]
    (download_timeout bounds the whole download), and only when its site's
    robots.txt allows it for that user agent (else one line: refused).
    """
    from crawler.fetch import FetchError, RobotsRules
    from crawler.settings import CrawlSettingsError
    from newsmon.settings import SettingsError

    limits = None
    if any(_URL.match(source) for source in sources):
        try:
            limits = fetch_limits(app.settings.get("crawl", {}))
        except (SettingsError, CrawlSettingsError) as exc:
            click.echo(f"newsmon text: {exc}", err=True)
            sys.exit(1)
    failed = 0
    first = True
    robots = RobotsRules()
    for source in sources:
        try:
            page = page_text(source, app.config_dir, source_name, limits, robots)
        except FetchError as exc:
            click.echo(f"newsmon text: {exc}", err=True)
            failed += 1
            continue
        except OSError as exc:
            click.echo(f"newsmon text: {source}: {exc.strerror or exc}", err=True)
            failed += 1
            continue
        if page["replaced"]:
            click.echo(f"newsmon text: {source}: {page['replaced']} byte sequence(s) that are not valid text "
                       f"read as U+FFFD", err=True)
        if as_json:
            row = {k: page[k] for k in ("source", "url", "title", "author", "published", "published_source", "text")}
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        if not first:
            click.echo()
        first = False
        click.echo(f"== {source}")
        for key in ("url", "title", "author", "published", "published_source", "sitename", "language"):
            if page[key]:
                click.echo(f"{key}: {page[key]}")
        click.echo()
        click.echo(page["text"] if page["text"].strip() else "(no article text found)")
    if failed:
        sys.exit(1)
