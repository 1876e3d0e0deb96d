"""``scmgraph export``: the graph, its networks and tables, and the statements view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from scmgraph.cli.common import errors_reported
from scmgraph.rdf.store import open_graph
from scmgraph.views.export import DEFAULT_GRAPH, FORMATS, export
from scmgraph.views.projections import PROJECTIONS


@click.group("export", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format.")
@click.option("--out", type=click.Path(path_type=Path), help="Output file (folder for csv).")
@click.option(
    "--projection",
    type=click.Choice(PROJECTIONS),
    default="entities",
    show_default=True,
    help="Which network (graphml, gexf, cytoscape, dot).",
)
@click.option("--meeting", type=int, help="Only statements of this meeting (ordinal, e.g. 53).")
@click.option("--topic", help="Only statements on this topic (e.g. opcon).")
@click.option("--entity", help="Only statements naming this entity (IRI, key, name or acronym).")
@click.option("--since", type=int, help="Only statements of meetings in or after this year.")
@click.option("--until", type=int, help="Only statements of meetings in or before this year.")
@click.option(
    "--graph",
    "graph_path",
    type=click.Path(path_type=Path),
    default=DEFAULT_GRAPH,
    show_default=True,
    help="The built graph: a TriG/N-Quads file or a store folder.",
)
@click.pass_context
def export_command(
    ctx: click.Context, fmt: str | None, out: Path | None, graph_path: Path, **options: Any
) -> None:
    """Export the graph or a network projection of it (scmgraph export --format gexf ...)."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt is None or out is None:
        raise click.UsageError("give --format and --out (or a subcommand such as 'statements')")
    try:
        with errors_reported():
            written = export(open_graph(graph_path), fmt, out, **options)
    except LookupError as exc:
        raise click.BadParameter(str(exc).strip("'\""), param_hint="--topic/--entity") from exc
    for path in written:
        click.echo(str(path))


@export_command.command("statements")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@click.option(
    "--graph",
    type=click.Path(path_type=Path),
    default=DEFAULT_GRAPH,
    show_default=True,
    help="The built graph.",
)
def export_statements(out: Path, graph: Path) -> None:
    """Write the statements view of every communiqué in a built graph."""
    from scmgraph.rdf.validate import load_dataset
    from scmgraph.views.statements import write_views

    with errors_reported():
        written = write_views(load_dataset(graph), out)
    for path in written:
        click.echo(str(path))
