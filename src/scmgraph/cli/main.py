"""The ``scmgraph`` command line: a thin layer over the library.

Each command parses its options and calls one library function. Bad input is a
one-line error naming the file and the problem, with exit status 2; a graph that
fails validation or a score below a threshold exits with status 1.
"""

from __future__ import annotations

import gc
import importlib
import sys
from pathlib import Path

import click

from scmgraph.cli.common import (
    corpus_option,
    errors_reported,
    jobs_option,
    load_registry_from,
    out_option,
    progress_printer,
    registry_option,
    store_option,
    warn,
)
from scmgraph.errors import InputError
from scmgraph.resources import DEFAULT_OUT
from scmgraph.version import __version__


class _Commands(click.Group):
    """A group that imports the modules of some commands only when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_ELSEWHERE})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _ELSEWHERE and name not in self.commands:
            module, attribute = _ELSEWHERE[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scmgraph")
def main() -> None:
    """Build and query a knowledge graph of alliance commitments from joint communiqués."""


@main.command()
@corpus_option()
@out_option()
@jobs_option
@click.option(
    "--cache",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of cached communiqué units [default: OUT/cache].",
)
@registry_option
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(
    corpus: Path,
    out: Path,
    jobs: int | None,
    cache: Path | None,
    registry: Path | None,
    quiet: bool,
) -> None:
    """Build the graph from a corpus, validate it and publish it.

    Unchanged communiqués are taken from the cache, so a rebuild redoes only what changed.
    """
    from scmgraph.build.corpus import build as run_build
    from scmgraph.build.corpus import remove_in_background

    with errors_reported():
        result = run_build(
            corpus,
            out,
            registry=load_registry_from(registry),
            progress=progress_printer(quiet),
            warn=warn,
            jobs=jobs,
            cache_dir=cache,
            remove=remove_in_background,  # the command exits next: no need to wait
        )
    if not quiet:
        click.echo(
            f"built {result.documents} communiqués, {result.statements} statements, "
            f"{result.triples} triples -> {result.out_dir}"
        )


@main.command()
@click.argument("path", type=click.Path(path_type=Path), required=False)
def validate(path: Path | None) -> None:
    """Validate a built graph (TriG, N-Quads or Turtle) against the SHACL shapes."""
    from scmgraph.rdf.validate import load_dataset
    from scmgraph.rdf.validate import validate as run_validate

    path = path or DEFAULT_OUT / "scmgraph.trig"
    with errors_reported():
        dataset = load_dataset(path)
        result = run_validate(dataset)
    click.echo(result.render())
    sys.exit(0 if result.conforms else 1)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output folder.")
@registry_option
def statements(inputs: tuple[Path, ...], out: Path, registry: Path | None) -> None:
    """Run the whole pipeline on communiqué files or folders; write one JSON each.

    A file that cannot be read is named on stderr and makes the exit status 2; every
    other file still gets its JSON.
    """
    from scmgraph.build.pipeline import statements_for_files

    failures: list[InputError] = []
    with errors_reported():
        written = statements_for_files(
            list(inputs),
            out,
            registry=load_registry_from(registry),
            warn=warn,
            failed=failures.append,
        )
    for path in written:
        click.echo(str(path))
    for failure in failures:
        click.echo(f"error: {failure}", err=True)
    if failures:
        sys.exit(2)


@main.command()
@click.option("--gold", type=click.Path(path_type=Path), required=True, help="Gold folder.")
@click.option("--pred", type=click.Path(path_type=Path), required=True, help="Predictions.")
@click.option(
    "--min",
    "minimums",
    multiple=True,
    metavar="KEY=VALUE",
    help="Exit 1 when a metric falls below VALUE (e.g. statement_f1=0.92).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--brief", is_flag=True, help="Leave out the list of misses and extras.")
def evaluate(gold: Path, pred: Path, minimums: tuple[str, ...], as_json: bool, brief: bool) -> None:
    """Score predicted statement views against gold annotations."""
    from scmgraph.views.evaluate import evaluate_dirs
    from scmgraph.views.scores import failed_minimums, parse_minimums, render_json, render_report

    try:
        limits = parse_minimums(list(minimums))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--min") from exc
    with errors_reported():
        for folder in (gold, pred):
            if not folder.is_dir():
                raise InputError(folder, "no such folder")
        report = evaluate_dirs(gold, pred)
    click.echo(render_json(report) if as_json else render_report(report, show_errors=not brief))
    failures = failed_minimums(report, limits)
    for line in failures:
        click.echo(f"below minimum: {line}", err=True)
    sys.exit(1 if failures else 0)


@main.group()
def query() -> None:
    """List and run stored SPARQL queries."""


@query.command("list")
def query_list() -> None:
    """Name, summary and parameters of every stored query."""
    from scmgraph.sparql.query import list_queries

    for stored in list_queries():
        params = ", ".join(
            f"{p.name}:{p.type}{'' if p.required else '?'}" for p in stored.parameters
        )
        click.echo(f"{stored.name}\t{stored.summary}\t{params}")


@query.command("run")
@click.argument("name", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path), help="Ad-hoc query file.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table"
)
@click.option("--endpoint", metavar="URL", help="Run on a remote SPARQL endpoint instead.")
@store_option()
def query_run(
    name: str | None,
    query_file: Path | None,
    params: tuple[str, ...],
    fmt: str,
    endpoint: str | None,
    store: Path,
) -> None:
    """Run a stored query (or --file) against the built store."""
    from scmgraph.errors import QueryError
    from scmgraph.rdf.store import open_store
    from scmgraph.sparql.query import bind, find_query, load_query, run_select
    from scmgraph.sparql.render import render

    with errors_reported():
        if (name is None) == (query_file is None):
            raise QueryError("give either a stored query NAME or --file")
        stored = load_query(query_file) if query_file else find_query(str(name))
        values = {}
        for item in params:
            key, sep, value = item.partition("=")
            if not sep:
                raise QueryError(f"--param {item!r}: expected NAME=VALUE")
            if key in values:
                raise QueryError(f"--param {key} given twice")
            values[key] = value
        if endpoint:
            from scmgraph.sparql.remote import run_remote

            table = run_remote(endpoint, stored, values)
        else:
            table = run_select(open_store(store), stored.text, bind(stored, values))
    click.echo(render(table, fmt))


@main.command("trace")
@click.argument("iri", required=False)
@click.option("--statement", "reference", metavar="DOC:PARA:N", help="E.g. scm-53:11:2.")
@store_option()
def trace_command(iri: str | None, reference: str | None, store: Path) -> None:
    """Print where a statement comes from, down to the characters of the source file."""
    from scmgraph.errors import QueryError
    from scmgraph.rdf.store import open_store
    from scmgraph.views.trace import render_trace, statement_at, trace

    with errors_reported():
        if (iri is None) == (reference is None):
            raise QueryError("give either a statement IRI or --statement DOC:PARA:N")
        opened = open_store(store)
        chain = trace(opened, iri or statement_at(opened, str(reference)))
    if sys.stdout.isatty():
        from rich.console import Console

        Console().print(render_trace(chain, markup=True), highlight=False)
    else:
        click.echo(render_trace(chain))


@main.command("diff")
@click.argument("earlier", type=int)
@click.argument("later", type=int)
@click.option("--series", help="Series acronym, when the ordinals are ambiguous.")
@store_option()
def diff_command(earlier: int, later: int, series: str | None, store: Path) -> None:
    """Report how meeting LATER carries EARLIER forward: repeated, changed, new, dropped."""
    from scmgraph.rdf.store import open_store
    from scmgraph.views.compare import diff, render_diff

    with errors_reported():
        result = diff(open_store(store), earlier, later, series)
    click.echo(render_diff(result), nl=False)


# Commands that live beside the modules they drive, imported when first asked for:
# their modules are slow to import, and `scmgraph build` needs none of them.
_ELSEWHERE = {
    "add": ("scmgraph.cli.add", "add_command"),
    "export": ("scmgraph.cli.export", "export_command"),
    "docs": ("scmgraph.cli.docs", "docs_command"),
    "serve": ("scmgraph.cli.serve", "serve_command"),
    "push": ("scmgraph.cli.push", "push_command"),
}


def run() -> None:
    """The ``scmgraph`` command: ``main``, then an exit that leaves every object to
    the process's end, without the last garbage collections of the interpreter
    (they visit every object a build left, some 50 ms after a large one)."""
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":
    run()
