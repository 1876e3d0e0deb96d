"""The one family of errors scmgraph raises on purpose.

Each is a one-line message (several lines for several bad files, one each) and an
exit status; the command line reports every ``ScmgraphError`` the same way
(``scmgraph.cli.common.errors_reported``), and a notebook can catch the family.
"""

from __future__ import annotations

from pathlib import Path


class ScmgraphError(Exception):
    """Anything scmgraph refuses or cannot do, worded for the person who asked."""

    exit_code = 2


class InputError(ScmgraphError):
    """A communiqué file (or corpus folder) that cannot be read.

    The message is one line that names the file and the problem; the command line
    prints it and exits with status 2.
    """

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        """Pickle with both arguments, so the error crosses from a worker process whole."""
        return (type(self), (self.path, self.problem))


class InputErrors(InputError):
    """Several files that cannot be read, reported together: one line each."""

    def __init__(self, errors: tuple[InputError, ...]) -> None:
        self.errors = errors
        self.path = errors[0].path
        self.problem = errors[0].problem
        Exception.__init__(self, "\n".join(str(e) for e in errors))

    def __reduce__(self) -> tuple[type, tuple[tuple[InputError, ...]]]:  # type: ignore[override]
        """Pickle with every error, so the whole report crosses from a worker process."""
        return (type(self), (self.errors,))


class BuildError(ScmgraphError):
    """The build cannot go on (validation failed, another build is running)."""

    exit_code = 1


class QueryError(ScmgraphError):
    """A stored query that is unknown, or a parameter that is missing or ill-typed."""


class RemoteError(QueryError):
    """The remote server refused or failed a request; ``status`` is its HTTP status."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PushError(RemoteError):
    """The remote store does not hold what was pushed (or refused it)."""

    exit_code = 1
