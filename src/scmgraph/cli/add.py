"""``scmgraph add``: the command over ``scmgraph.build.add``, with a progress line per download."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from scmgraph.build.add import add
from scmgraph.cli import common
from scmgraph.read.fetch import Fetched, Received, is_url


class _Meter:
    """The progress line of each download on stderr: live on a terminal, else once done."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live = sys.stderr.isatty()
        self.started = time.monotonic()
        self.pending = False  # a live line not yet ended

    def received(self, source: str) -> Received | None:
        self.started = time.monotonic()
        if self.quiet or not self.live or not is_url(source):
            return None

        def show(size: int, total: int | None) -> None:
            of = f" of {total:,}" if total else ""
            click.echo(f"\rfetching {source}: {size:,}{of} bytes", err=True, nl=False)
            self.pending = True

        return show

    def taken(self, fetched: Fetched) -> None:
        if self.quiet:
            return
        seconds = time.monotonic() - self.started
        line = (
            f"took {fetched.source}: {len(fetched.data):,} bytes, {fetched.content_type}, "
            f"{seconds:.1f} s"
        )
        click.echo(f"\r{line}\033[K" if self.live else line, err=True)
        self.pending = False

    def __enter__(self) -> _Meter:
        return self

    def __exit__(self, *_exc: object) -> None:
        """End a live line a failed download left open, so an error starts a line of its own."""
        if self.pending:
            click.echo("", err=True)
            self.pending = False


@click.command("add")
@click.argument("sources", nargs=-1, required=True, metavar="SOURCE...")
@common.corpus_option("Folder of communiqués to add to.")
@common.out_option("Output folder of the graph to rebuild.")
@click.option(
    "--replace",
    "replacing",
    is_flag=True,
    help="Replace a meeting's file already in the corpus when the source's bytes differ.",
)
@common.jobs_option
@common.registry_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def add_command(
    sources: tuple[str, ...],
    corpus: Path,
    out: Path,
    replacing: bool,
    jobs: int | None,
    registry: Path | None,
    quiet: bool,
) -> None:
    """Add communiqués from http(s) URLs or files to the corpus, then rebuild the graph.

    Each is stored as published, named from its meeting (NNN_<series>_<year>.<ext>),
    with its origin recorded in the corpus's sources.yaml. All or nothing.
    """
    meter = _Meter(quiet)
    fresh: list[str] = []  # the communiqués the build read anew, not from its cache
    with common.errors_reported(), meter:  # the meter ends its line before an error is printed
        results, built = add(
            list(sources),
            corpus,
            out,
            replacing=replacing,
            registry=common.load_registry_from(registry),
            received=meter.received,
            taken=meter.taken,
            progress=common.progress_printer(quiet),
            warn=common.warn,
            computed=fresh.append,
            jobs=jobs,
        )
    if quiet:
        return
    for item in results:
        if item.status == "unchanged":
            click.echo(f"unchanged: {item.name} ({item.meeting}) already holds {item.source}")
        else:
            others = [name for name in item.replaced if name != item.name]
            instead = f" (instead of {', '.join(others)})" if others else ""
            click.echo(f"{item.status} {item.name} ({item.meeting}) from {item.source}{instead}")
    if built is None:
        click.echo(f"nothing to do: the corpus and {out} are left as they were")
    else:
        cached = "; the others from the cache" if len(fresh) < built.documents else ""
        click.echo(
            f"built {built.documents} communiqués ({len(fresh)} read anew: "
            f"{', '.join(sorted(fresh)) or 'none'}{cached}), "
            f"{built.statements} statements, {built.triples} triples -> {built.out_dir}"
        )
