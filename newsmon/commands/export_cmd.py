"""`newsmon export`: claims with their provenance as CSV, JSON Lines or the labelled-claims format."""

from __future__ import annotations

import sys

import click

from newsmon.context import AppContext, common_options, pass_app
from storage.claims import STATUSES
from storage.db import StorageError, open_db
from storage.exports import FORMATS, ExportError, ExportFilter, export


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv or jsonl: one record per claim; labelled: one document per finished article "
                   "(docs/labelled-format.md); "
                   "events: one JSON line per accepted event, each return once.")
@click.option("--status", type=click.Choice(STATUSES), help="Only claims of this status.")
@click.option("--since", metavar="DATE", help="Only claims dated on or after DATE (YYYY[-MM[-DD]]; an undated "
              "claim by its article's publication).")
@click.option("--until", metavar="DATE", help="Only claims dated on or before DATE.")
@click.option("--source", metavar="OUTLET", help="Only articles this outlet published (syndicated copies included).")
@click.option("--event", "event_id", type=click.IntRange(min=1), metavar="ID", help="Only the claims of this event.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write to FILE (else standard output).")
@common_options
@pass_app
def export_command(app: AppContext, fmt: str, status: str | None, since: str | None, until: str | None,
                   source: str | None, event_id: int | None, output: str | None) -> None:
    """Export claims with their provenance: URLs, outlets, evidence, places and coordinates, rule, decision.

    Corrected values win over the machine's (which are kept beside them in csv
    and jsonl). Each accepted event is counted by one of its claims
    (`event_counted`): summing `count` over those counts every return once.
    `labelled` writes the articles a reviewer has finished, with their text and
    their accepted claims (added and corrected ones included), so that
    `newsmon eval` can score the extractor on them and `newsmon train --with`
    learn from them; claims still pending are marked optional.
    """
    flt = ExportFilter(status=status, since=since, until=until, source=source, event_id=event_id)
    try:
        flt.check()
    except ExportError as exc:
        click.echo(f"newsmon export: {exc}", err=True)
        sys.exit(2)
    try:
        db = open_db(app.db_path)
    except StorageError as exc:
        click.echo(f"newsmon export: {exc}", err=True)
        sys.exit(1)
    try:
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                n = export(db, fmt, out, flt=flt)
            unit = {"labelled": "document", "events": "event"}.get(fmt, "claim")
            click.echo(f"newsmon export: {n} {unit}(s) written to {output}",
                       err=True)
        else:
            stream = click.get_text_stream("stdout")
            export(db, fmt, stream, flt=flt)
            stream.flush()
    except ExportError as exc:
        click.echo(f"newsmon export: {exc}", err=True)
        sys.exit(2)
    finally:
        db.close()
