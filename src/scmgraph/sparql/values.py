"""Binding values into query text for servers that take no substitutions.

Remote servers do not take pyoxigraph's substitutions, so stored-query
parameters are bound by adding ``VALUES`` blocks written from pyoxigraph terms
(validated when they were parsed, serialised as N-Triples), never by pasting
the caller's text into the query. Where the block goes is found with the lexer.
The embedded store gets the same blocks beside its substitutions (``steer``):
pyoxigraph plans a query before it substitutes, and only a VALUES block lets the
planner start from a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from scmgraph.errors import QueryError
from scmgraph.sparql.lexer import tokens


class BindError(QueryError):
    """Values cannot be bound into this query text."""


@dataclass
class _Group:
    at: int  # text offset just after the group's "{"
    kind: str  # "pattern", "template" (CONSTRUCT) or "data" (VALUES)
    outer: bool
    first: str | None = None  # first token inside, upper-cased
    variables: set[str] = field(default_factory=set)
    parens: int = 0  # open parentheses directly inside
    where_at: int | None = None  # for a sub-query: where its WHERE group opens


def insert_values(text: str, values: dict[ox.Variable, Any]) -> str:
    """The query with each variable of ``values`` bound by inline ``VALUES`` blocks.

    A block goes at the head of the outermost WHERE group (so a projected
    variable is bound) and of every group pattern that names one of the
    variables itself; a sub-query that names one in its projection, GROUP BY
    or HAVING gets it in its WHERE group. A FILTER inside an OPTIONAL, a UNION
    branch, an EXISTS or a sub-query then sees the value, as with pyoxigraph's
    substitutions (SEP-0007), which replace the variable throughout the query.
    Terms are written in N-Triples syntax from pyoxigraph objects.
    """
    if not values:
        return text
    names = {variable.value: (variable, term) for variable, term in values.items()}
    stack: list[_Group] = []
    inserts: dict[int, set[str]] = {}
    trailing = False
    seen_outer = False
    parens = 0  # at the top level, outside any group
    expect_data = expect_template = False
    previous = ""
    for token in tokens(text):
        word = token.text.upper() if token.kind == "word" else token.text
        top = stack[-1] if stack else None
        if top is not None and top.first is None:
            top.first = word
        if token.kind == "word" and word == "VALUES":
            expect_data = True
        if token.kind == "word" and word == "CONSTRUCT" and top is None:
            expect_template = True
        elif expect_template and word == "WHERE" and previous == "CONSTRUCT":
            raise BindError("cannot bind values into the CONSTRUCT WHERE short form")
        if token.kind == "var" and top is not None:
            top.variables.add(token.text[1:])
        if token.kind == "other" and token.text in ("(", ")"):
            step = 1 if token.text == "(" else -1
            if top is None:
                parens += step
            else:
                top.parens += step
        if token.kind == "other" and token.text == "{":
            kind = "data" if expect_data else "template" if expect_template else "pattern"
            outer = kind == "pattern" and top is None and parens == 0 and not seen_outer
            seen_outer = seen_outer or outer
            expect_data = expect_template = False
            group = _Group(at=token.start + 1, kind=kind, outer=outer)
            if (
                kind == "pattern"
                and top is not None
                and top.first == "SELECT"
                and top.parens == 0
                and top.where_at is None
            ):
                top.where_at = group.at
            stack.append(group)
        elif token.kind == "other" and token.text == "}" and stack:
            group = stack.pop()
            if group.kind != "pattern":
                continue
            wanted = set(names) if group.outer else group.variables & set(names)
            if not wanted:
                continue
            if group.first == "SELECT":  # a sub-query fills the group: bind in its WHERE
                if group.outer or group.where_at is None:
                    trailing = True
                else:
                    inserts.setdefault(group.where_at, set()).update(wanted)
                continue
            inserts.setdefault(group.at, set()).update(wanted)
        previous = word
    if not seen_outer:
        raise BindError("the query has no WHERE group to bind values into")
    result = text
    if trailing:
        result = result.rstrip() + "\n" + _values_block(sorted(names), names) + "\n"
    for at in sorted(inserts, reverse=True):
        block = _values_block(sorted(inserts[at]), names)
        result = result[:at] + f"\n  {block}\n" + result[at:]
    return result


def _values_block(order: list[str], names: dict[str, tuple[ox.Variable, Any]]) -> str:
    variables = " ".join(str(names[n][0]) for n in order)
    terms = " ".join(str(names[n][1]) for n in order)
    return f"VALUES ({variables}) {{ ({terms}) }}"


def steer(text: str, substitutions: dict[ox.Variable, Any] | None) -> str:
    """The query with its bound parameters also given as inline VALUES blocks.

    pyoxigraph plans a query before it substitutes the parameters, so a bound
    parameter does not choose where evaluation starts: a query about one statement
    or one meeting walks the whole corpus. The same values written as VALUES blocks
    let the planner start from them; the substitutions still bind the variables
    throughout, so the answers do not change.
    """
    if not substitutions:
        return text
    try:
        return insert_values(text, substitutions)
    except BindError:  # no WHERE group to hold them: the substitutions alone bind
        return text
