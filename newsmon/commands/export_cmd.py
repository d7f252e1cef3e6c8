"""`newsmon export`: claims with their provenance as CSV, JSON Lines or the labelled-claims format."""

from __future__ import annotations

import sys

import click

from newsmon.context import AppContext, common_options, pass_app
from storage.claims import STATUSES
from storage.db import StorageError, open_db
from storage.exports import FORMATS, ExportError, export


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv or jsonl: one record per claim; labelled: one document per reviewed article "
                   "(docs/labelled-format.md).")
@click.option("--status", type=click.Choice(STATUSES), help="Only claims of this status.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write to FILE (else standard output).")
@common_options
@pass_app
def export_command(app: AppContext, fmt: str, status: str | None, output: str | None) -> None:
    """Export claims with their provenance: URL, outlet, evidence, decision, reviewer.

    Corrected values win over the machine's (which are kept beside them in csv
    and jsonl). `labelled` writes the articles that have a reviewed claim, with
    their text and their accepted claims, so that `newsmon eval` can score the
    extractor on them; claims still pending are marked optional.
    """
    try:
        db = open_db(app.db_path)
    except StorageError as exc:
        click.echo(f"newsmon export: {exc}", err=True)
        sys.exit(1)
    try:
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                n = export(db, fmt, out, status)
            click.echo(f"newsmon export: {n} {'document' if fmt == 'labelled' else 'claim'}(s) written to {output}",
                       err=True)
        else:
            stream = click.get_text_stream("stdout")
            export(db, fmt, stream, status)
            stream.flush()
    except ExportError as exc:
        click.echo(f"newsmon export: {exc}", err=True)
        sys.exit(2)
    finally:
        db.close()
