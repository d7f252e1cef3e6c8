"""`newsmon report [--json]`: what reviewers' decisions say per candidate rule, outlet and extractor version."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from newsmon.context import AppContext, common_options, pass_app
from storage.db import StorageError, open_db
from storage.report import decisions_report


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _fields(row: dict[str, Any]) -> str:
    return ", ".join(f"{f['field']} {f['count']}" for f in row["corrected_fields"][:3]) or "-"


def _table(title: str, key: str, rows: list[dict[str, Any]], recall: bool) -> list[str]:
    head = f"{key:<28} {'acc':>5} {'corr':>5} {'rej':>5} {'pend':>5} {'prec':>5}"
    head += f" {'done':>5} {'added':>5} {'/art':>5} {'recall':>6}" if recall else ""
    lines = [title, head + "  corrected most"]
    for r in rows:
        line = (f"{str(r[key] if r[key] is not None else '(none)')[:28]:<28} {r['accepted']:>5} {r['corrected']:>5} "
                f"{r['rejected']:>5} {r['pending']:>5} {_pct(r['precision']):>5}")
        if recall:
            per = "-" if r["added_per_reviewed_article"] is None else f"{r['added_per_reviewed_article']:.2f}"
            line += f" {r['reviewed_articles']:>5} {r['added']:>5} {per:>5} {_pct(r['recall']):>6}"
        lines.append(line + "  " + _fields(r))
    return lines + [""]


@click.command("report")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@common_options
@pass_app
def report_command(app: AppContext, as_json: bool) -> None:
    """Precision and recall of the extractor as reviewers' decisions measure them.

    Per candidate rule, outlet and extractor version: machine claims accepted,
    corrected, rejected and pending; precision among the reviewed ((accepted +
    corrected) / reviewed); the fields reviewers corrected most; and, over the
    articles a reviewer finished, the claims reviewers added (the extractor
    missed them) per finished article and the recall they give.
    """
    try:
        db = open_db(app.db_path)
    except StorageError as exc:
        click.echo(f"newsmon report: {exc}", err=True)
        sys.exit(1)
    try:
        report = decisions_report(db)
    finally:
        db.close()
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False))
        return
    t = report["total"]
    click.echo(f"machine claims: {t['accepted']} accepted, {t['corrected']} corrected, {t['rejected']} rejected, "
               f"{t['pending']} pending; precision {_pct(t['precision'])} of {t['reviewed']} reviewed")
    click.echo(f"finished articles: {t['reviewed_articles']}, claims added there: {t['added']}, "
               f"recall {_pct(t['recall'])}")
    click.echo("")
    for line in (_table("By candidate rule", "rule", report["by_rule"], False)
                 + _table("By outlet", "outlet", report["by_outlet"], True)
                 + _table("By extractor version", "version", report["by_version"], True)):
        click.echo(line)
