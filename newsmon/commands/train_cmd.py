"""`newsmon train [LABELLED.jsonl…] [--with EXPORT.jsonl…] [-o MODEL | --out DIR]`."""

from __future__ import annotations

import sys
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import click

from newsmon.context import AppContext, common_options, pass_app


@click.command("train")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="MODEL",
              help="Where to write the claim model (default: models/claims-en.json of --config); "
                   "the place model goes beside it (places-en.json), the Korean models too "
                   "(claims-ko.json, places-ko.json).")
@click.option("--with", "extra", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="Also learn from FILE (repeatable), beside the own training set: a reviewers' export "
                   "(`newsmon export --format labelled`), so a deployment's decisions improve its own model.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), metavar="DIR",
              help="Write the models into DIR (claims-en.json, places-en.json, …) instead of the config's models/.")
@click.option("--show", type=int, default=0, metavar="N", help="Also print the N heaviest weights of each sign.")
@common_options
@pass_app
def train_command(app: AppContext, files: tuple[str, ...], extra: tuple[str, ...], output: str | None,
                  out_dir: str | None, show: int) -> None:
    """Build the claim-decision and place models from labelled files.

    FILES are labelled-claims files (docs/labelled-format.md): the project's own training split
    (fixtures/labelled/train/, the default). `--with` adds reviewers' exports
    (`newsmon export --format labelled`) to them, so a deployment's decisions improve
    its own model.
    """
    from newsmon.evaluate import LabelledFileError
    from newsmon.training import (
        build_korean_models,
        build_models,
        default_training_files,
        has_korean,
        korean_path_for,
        places_path_for,
        write_model,
    )

    if output and out_dir:
        click.echo("newsmon train: give -o MODEL or --out DIR, not both", err=True)
        sys.exit(2)
    paths = [Path(f) for f in files] or default_training_files()
    paths += [Path(f) for f in extra if Path(f) not in paths]
    if not paths:
        click.echo("newsmon train: no labelled files given and none in fixtures/labelled/train/", err=True)
        sys.exit(2)
    started = time.monotonic()
    try:
        claims_model, places_model = build_models(paths, str(app.config_dir),
                                                  progress=lambda m: click.echo(m, err=True))
        korean = build_korean_models(paths, str(app.config_dir), progress=lambda m: click.echo(m, err=True)) \
            if has_korean(paths) else None
    except (LabelledFileError, OSError, UnicodeDecodeError, ValueError) as exc:
        click.echo(f"newsmon train: {exc}", err=True)
        sys.exit(2)
    except BrokenProcessPool:
        click.echo("newsmon train: a worker parsing the labelled files died (killed, or out of memory); "
                   "no model was written", err=True)
        sys.exit(1)
    if output:
        out = Path(output)
    else:
        out = (Path(out_dir) if out_dir else Path(app.config_dir) / "models") / "claims-en.json"
    written = [("claims", claims_model, out), ("places", places_model, places_path_for(out))]
    if korean:
        ko_out = korean_path_for(out)
        written += [("claims-ko", korean[0], ko_out), ("places-ko", korean[1], places_path_for(ko_out))]
    for _name, m, path in written:
        write_model(m, path)
    for name, m, path in written:
        t = m["training"]
        oof = t["out_of_fold"]
        click.echo(f"{name}: {t['examples']} examples ({t['positives']} positive) from {t['stories']} stories; "
                   f"C {t['C']}, threshold {m['threshold']:.2f}; out of fold: precision {oof.get('precision')}, "
                   f"recall {oof.get('recall')} -> {path}")
        if show:
            ranked = sorted(m["weights"].items(), key=lambda kv: kv[1])
            for k, v in ranked[-show:][::-1] + ranked[:show]:
                click.echo(f"  {v:+.3f}  {k}")
    click.echo(f"built in {time.monotonic() - started:.1f} s")
