"""``scmgraph push``: the built graph into a remote SPARQL store."""

from __future__ import annotations

from pathlib import Path

import click

from scmgraph.cli.common import errors_reported
from scmgraph.sparql.push import BATCH, push


@click.command("push")
@click.option("--endpoint", required=True, help="SPARQL query (and update) endpoint URL.")
@click.option("--graph-store", help="SPARQL 1.1 Graph Store Protocol URL (tried first).")
@click.option("--update-endpoint", help="SPARQL Update URL, when not the query endpoint.")
@click.option("--user", envvar="SCMGRAPH_USER", help="User name [env: SCMGRAPH_USER].")
@click.option("--password", envvar="SCMGRAPH_PASSWORD", help="Password [env: SCMGRAPH_PASSWORD].")
@click.option(
    "--store",
    type=click.Path(path_type=Path),
    help="The built on-disk store (default: data/graph/store).",
)
@click.option("--graph", "trig", type=click.Path(path_type=Path), help="A TriG or N-Quads file.")
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=BATCH,
    show_default=True,
    help="Triples per INSERT DATA when falling back to SPARQL Update.",
)
@click.option("--prune", is_flag=True, help="Drop remote scmgraph graphs the build no longer has.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def push_command(
    endpoint: str,
    graph_store: str | None,
    update_endpoint: str | None,
    user: str | None,
    password: str | None,
    store: Path | None,
    trig: Path | None,
    batch: int,
    prune: bool,
    quiet: bool,
) -> None:
    """Load the built graph into a remote SPARQL store, one named graph at a time."""
    from scmgraph.resources import DEFAULT_OUT

    if store and trig:
        raise click.UsageError("give --store or --graph, not both")
    source = trig or store or DEFAULT_OUT / "store"
    say = (lambda _m: None) if quiet else (lambda m: click.echo(m, err=True))
    with errors_reported():
        result = push(
            source,
            endpoint,
            graph_store=graph_store,
            update_endpoint=update_endpoint,
            user=user,
            password=password,
            progress=say,
            batch=batch,
            prune=prune,
        )
    if not quiet:
        click.echo(
            f"pushed {len(result.graphs)} graphs, {result.triples} triples "
            f"({result.method}) in {result.seconds:.1f} s; counts match"
        )
