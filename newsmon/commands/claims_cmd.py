"""`newsmon claims FILE|URL|- [--published DATE] [--json]`: the claims of one page or text."""

from __future__ import annotations

import json
import re
import sys

import click

from newsmon.context import AppContext, common_options, pass_app


def _load(source: str, config_dir: str, limits: dict | None = None) -> tuple[str, str | None, str | None]:
    """(text, published, title) of a file, a URL or stdin. HTML goes through boilerplate removal.

    A URL is fetched with `limits` (`text_cmd.fetch_limits`: timeout, size cap,
    user agent of settings.toml) and only when its robots.txt allows it.

    Bytes that do not decode are replaced (U+FFFD), and one line on stderr says how many.
    """
    from extract.encoding import decode_html, decode_utf8, replaced_count

    if source == "-":
        text, replaced = decode_utf8(sys.stdin.buffer.read())
        _tell_replaced(source, replaced)
        return text, None, None
    if re.match(r"^https?://", source, re.I):
        from crawler.fetch import RobotsRules, fetch_page
        from extract.article import extract_article

        html, final_url = fetch_page(source, **(limits or {}), robots=RobotsRules())
        art = extract_article(html, final_url, config_dir=config_dir)
        return art.text, art.published, art.title
    with open(source, "rb") as fh:
        raw = fh.read()
    if source.lower().endswith((".html", ".htm")):
        from extract.article import extract_article

        page = decode_html(raw)
        _tell_replaced(source, replaced_count(raw, page))
        art = extract_article(page, None, config_dir=config_dir)
        return art.text, art.published, art.title
    text, replaced = decode_utf8(raw)
    _tell_replaced(source, replaced)
    return text, None, None


def _tell_replaced(source: str, replaced: int) -> None:
    if replaced:
        click.echo(f"newsmon claims: {source}: {replaced} byte sequence(s) that are not valid text "
                   f"read as U+FFFD", err=True)


@click.command("claims")
@click.argument("source", metavar="FILE|URL|-")
@click.option("--published", metavar="DATE", help="Publication date (YYYY-MM-DD) for relative dates.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of claims.")
@common_options
@pass_app
def claims_command(app: AppContext, source: str, published: str | None, as_json: bool) -> None:
    """The returnee claims of one page (FILE.html, URL) or plain text (FILE, - for stdin).

    A URL is fetched with the limits and user agent of settings.toml [crawl],
    and only when its site's robots.txt allows it (else one line: refused).
    """
    from crawler.fetch import FetchError
    from crawler.settings import CrawlSettingsError
    from extract.claims import ArticleFailed, find_claims
    from newsmon.commands.text_cmd import fetch_limits
    from newsmon.evaluate import claim_json
    from newsmon.settings import SettingsError

    if published and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--published")
    limits = None
    if re.match(r"^https?://", source, re.I):
        try:
            limits = fetch_limits(app.settings.get("crawl", {}))
        except (SettingsError, CrawlSettingsError) as exc:
            click.echo(f"newsmon claims: {exc}", err=True)
            sys.exit(1)
    try:
        text, page_published, _title = _load(source, str(app.config_dir), limits)
    except FetchError as exc:
        click.echo(f"newsmon claims: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"newsmon claims: {source}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    try:
        claims = find_claims(text, published or page_published, config_dir=str(app.config_dir))
    except ArticleFailed as exc:
        click.echo(f"newsmon claims: {source}: {exc.failures[0][1].__class__.__name__}: {exc.failures[0][1]}",
                   err=True)
        sys.exit(1)
    if as_json:
        rows = []
        for c in claims:
            row = claim_json(c)
            row.pop("optional", None)
            rows.append(row)
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not claims:
        click.echo("no claims")
        return
    for c in claims:
        rng = f"{c.count}-{c.count_high}" if c.count_high else str(c.count)
        vague = " (vague)" if c.vague else ""
        click.echo(f"{rng}{vague}  {c.qualifier}  date {c.date or '-'}  {c.kind}  "
                   f"{', '.join(c.locations) or '-'}  conf {c.confidence:.2f}")
        click.echo(f"    [{c.start}:{c.end}] {' '.join(c.evidence.split())}")
