"""``scmgraph serve``: its options, generated from the server's settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from scmgraph.cli.common import errors_reported
from scmgraph.server.app import serve_forever
from scmgraph.server.pool import SETTINGS, Settings


def _options(command: Callable[..., None]) -> Callable[..., None]:
    """Click options generated from SETTINGS, so help text is written once."""
    types: dict[str, Any] = {
        "store": click.Path(path_type=Path),
        "queries": click.Path(path_type=Path, file_okay=False),
        "timeout": click.FloatRange(min=0.01),
        "max_rows": click.IntRange(min=1),
        "max_body": click.IntRange(min=1),
        "workers": click.IntRange(min=1, max=64),
        "port": click.IntRange(min=0, max=65535),
    }
    for setting in reversed(SETTINGS):
        flag = "--" + setting.name.replace("_", "-")
        if isinstance(setting.default, bool):
            command = click.option(flag, is_flag=True, help=setting.help)(command)
        else:
            command = click.option(
                flag,
                setting.name,
                type=types.get(setting.name, type(setting.default)),
                default=setting.default,
                show_default=setting.default is not None,
                help=setting.help,
            )(command)
    return command


@click.command("serve")
@_options
def serve_command(**options: Any) -> None:
    """Serve the built graph as a read-only SPARQL endpoint with entity pages."""
    settings = Settings(**options)
    with errors_reported():
        serve_forever(settings, announce=lambda line: click.echo(line, err=True))
