"""`newsmon serve`: the review page and its JSON API."""

from __future__ import annotations

import sys

import click

from newsmon.context import AppContext, common_options, pass_app


@click.command("serve")
@click.option("--host", default=None, metavar="HOST",
              help="Address to bind (default 127.0.0.1, or [review] host of settings.toml). "
                   "Any other address requires a token.")
@click.option("--port", default=None, type=click.IntRange(0, 65535), metavar="PORT",
              help="Port (default 8000, or [review] port of settings.toml; 0 picks a free one).")
@click.option("--reviewer", default=None, metavar="NAME",
              help="Name recorded with each decision (else NEWSMON_REVIEWER, else your login name).")
@click.option("--token", default=None, metavar="TOKEN",
              help="Access token (else NEWSMON_TOKEN, else [review] token; generated and printed when needed).")
@common_options
@pass_app
def serve_command(app: AppContext, host: str | None, port: int | None, reviewer: str | None,
                  token: str | None) -> None:
    """Serve the review page: the queue, claims with their evidence, events, the timeline.

    Keys: a accept, r reject, e edit, j/k next/previous, u undo. A JSON API for
    scripts is under /api (schema at /openapi.json).
    """
    from newsmon.settings import SettingsError
    from review.server import ServeError, serve

    try:
        serve(app.db_path, app.settings.get("review", {}), host=host, port=port, reviewer=reviewer, token=token,
              echo=click.echo)
    except (ServeError, SettingsError) as exc:
        click.echo(f"newsmon serve: {exc}", err=True)
        sys.exit(1)
