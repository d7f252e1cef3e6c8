"""`newsmon eval FILE [--json] [--predictions OUT] [--verbose]`."""

from __future__ import annotations

import json
import sys

import click

from newsmon.context import AppContext, common_options, pass_app


def _fmt(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _short(c: dict) -> str:
    q = c.get("qualifier") or "exact"
    ev = " ".join(str(c.get("evidence") or "").split())
    if len(ev) > 140:
        ev = ev[:137] + "..."
    return f"{c.get('count')} ({q}, date {c.get('date')}, {c.get('locations') or []}): {ev}"


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--predictions", "predictions_out", type=click.Path(dir_okay=False, writable=True),
              metavar="OUT", help="Also write what was found, one JSON line per document.")
@click.option("--verbose", "-v", is_flag=True, help="List per document the misses and false hits.")
@common_options
@pass_app
def eval_command(app: AppContext, file: str, as_json: bool, predictions_out: str | None, verbose: bool) -> None:
    """Score the claim extractor on a labelled file (the format of docs/labelled-format.md)."""
    from newsmon.evaluate import LabelledFileError, evaluate, load_labelled

    try:
        docs = load_labelled(file)
    except (LabelledFileError, OSError, UnicodeDecodeError) as exc:
        click.echo(f"newsmon eval: {exc}", err=True)
        sys.exit(2)
    summary, results, predictions = evaluate(docs, str(app.config_dir))
    if predictions_out:
        with open(predictions_out, "w", encoding="utf-8") as fh:
            for doc in docs:
                fh.write(json.dumps({"id": doc["id"], "claims": predictions.get(str(doc["id"]), [])},
                                    ensure_ascii=False) + "\n")
    if verbose:
        out = sys.stderr if as_json else sys.stdout
        from extract.scoring import date_matches, normalise_location
        for r in results:
            click.echo(f"{r.id}: {len(r.pairs)} matched, {len(r.misses)} missed, {len(r.false_hits)} false", file=out)
            for g in r.misses:
                click.echo(f"  missed     {_short(g)}", file=out)
            for p in r.false_hits:
                click.echo(f"  false hit  {_short(p)}", file=out)
            for g, p in r.pairs:
                diffs = []
                if (g.get("qualifier") or "exact") != p.get("qualifier"):
                    diffs.append(f"qualifier {p.get('qualifier')} != {g.get('qualifier')}")
                if not date_matches(g.get("date"), p.get("date")):
                    diffs.append(f"date {p.get('date')} != {g.get('date')}")
                gl = sorted({normalise_location(x) for x in g.get("locations") or []})
                pl = sorted({normalise_location(x) for x in p.get("locations") or []})
                if gl != pl:
                    diffs.append(f"locations {pl} != {gl}")
                if diffs:
                    click.echo(f"  mismatch   {g.get('count')}: " + "; ".join(diffs), file=out)
    if as_json:
        click.echo(json.dumps(summary))
        return
    c = summary["count"]
    click.echo(f"documents: {summary['documents']}")
    click.echo(f"count: precision {_fmt(c['precision'])}  recall {_fmt(c['recall'])}  f1 {_fmt(c['f1'])}"
               f"  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})")
    click.echo(f"qualifier accuracy: {_fmt(summary['qualifier_accuracy'])}")
    click.echo(f"date accuracy: {_fmt(summary['date_accuracy'])}")
    click.echo(f"location f1: {_fmt(summary['location_f1'])}")
