"""The `newsmon` command: a thin click layer over crawler/, extract/, storage/ and review/."""

from __future__ import annotations

import click

from newsmon.commands.claims_cmd import claims_command
from newsmon.commands.demo_cmd import demo_command
from newsmon.commands.eval_cmd import eval_command
from newsmon.commands.export_cmd import export_command
from newsmon.commands.report_cmd import report_command
from newsmon.commands.run_cmd import crawl_command, extract_command, run_command
from newsmon.commands.serve_cmd import serve_command
from newsmon.commands.sources_cmd import sources_group
from newsmon.commands.status_cmd import status_command
from newsmon.commands.text_cmd import text_command
from newsmon.commands.train_cmd import train_command
from newsmon.context import AppContext, common_options


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@common_options
@click.version_option(package_name="newsmon")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """newsmon: crawl news outlets, extract claims that people were returned across
    borders, and queue them in SQLite for researchers to review.

    Every command takes --db PATH and --config DIR (before or after its name).
    """
    ctx.ensure_object(AppContext)


cli.add_command(run_command)
cli.add_command(crawl_command)
cli.add_command(extract_command)
cli.add_command(demo_command)
cli.add_command(eval_command)
cli.add_command(claims_command)
cli.add_command(serve_command)
cli.add_command(export_command)
cli.add_command(sources_group)
cli.add_command(status_command)
cli.add_command(text_command)
cli.add_command(train_command)
cli.add_command(report_command)


def main() -> None:
    cli()
