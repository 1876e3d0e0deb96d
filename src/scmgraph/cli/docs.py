"""``scmgraph docs``: the ontology's documentation pages and serialisations."""

from __future__ import annotations

from pathlib import Path

import click

from scmgraph.rdf.docs import write_docs


@click.command("docs")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
def docs_command(out: Path) -> None:
    """Write the ontology's HTML documentation and serialisations under OUT/release/."""
    for path in write_docs(out):
        click.echo(str(path))
