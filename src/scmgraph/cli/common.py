"""What every command shares: the one place errors become a line and an exit status,
progress and warnings on stderr, and the options several commands take."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from scmgraph.errors import ScmgraphError
from scmgraph.registry.load import Registry
from scmgraph.resources import DEFAULT_CORPUS, DEFAULT_OUT, REGISTRY_VARIABLE


@contextmanager
def errors_reported() -> Iterator[None]:
    """Turn the library's expected failures into one-line messages and exit codes."""
    try:
        yield
    except ScmgraphError as exc:
        for line in str(exc).splitlines():  # several bad files: one line each
            click.echo(f"error: {line}", err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # a folder or store that cannot be opened, a full disk
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def warn(message: str) -> None:
    """Report input that was read but looks wrong; never silent, never fatal."""
    click.echo(f"warning: {message}", err=True)


def progress_printer(quiet: bool) -> Callable[[str], None]:
    """Progress lines on stderr when attached to a terminal, unless quiet."""
    if quiet or not sys.stderr.isatty():
        return lambda _message: None
    from rich.console import Console

    console = Console(stderr=True)

    def show(message: str) -> None:
        console.print(f"[dim]·[/dim] {message}", highlight=False)

    return show


registry_option = click.option(
    "--registry",
    type=click.Path(path_type=Path, file_okay=False),
    envvar=REGISTRY_VARIABLE,
    show_envvar=True,
    help="Another registry: a folder laid out like the shipped data/ "
    "(registry/*.yaml, discovery.yaml, meeting.yaml). Default: the shipped registry.",
)


def load_registry_from(folder: Path | None) -> Registry | None:
    """The registry in ``folder``, or None for the shipped one."""
    from scmgraph.registry.load import load_registry

    return load_registry(folder) if folder else None


jobs_option = click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that read communiqués at once [default: one per core].",
)


def _path_option(name: str, default: Path, help_text: str) -> Callable:
    return click.option(
        f"--{name}",
        type=click.Path(path_type=Path),
        default=default,
        show_default=True,
        help=help_text,
    )


def store_option(help_text: str = "The built on-disk store.") -> Callable:
    """``--store``: the built store (default: the one in ``data/graph``)."""
    return _path_option("store", DEFAULT_OUT / "store", help_text)


def corpus_option(help_text: str = "Folder of communiqués (.txt, .html).") -> Callable:
    """``--corpus``: the folder of communiqués (default: ``data/communiques``)."""
    return _path_option("corpus", DEFAULT_CORPUS, help_text)


def out_option(help_text: str = "Output folder for the graph files and the store.") -> Callable:
    """``--out``: the built graph's folder (default: ``data/graph``)."""
    return _path_option("out", DEFAULT_OUT, help_text)
