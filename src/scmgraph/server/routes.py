"""The explorer's routes: which path answers with which page.

Kept apart from the protocol's routes in ``app``; the page modules are imported
when a page is first asked for, as they build on ``app`` themselves.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from werkzeug.routing import Rule

if TYPE_CHECKING:
    from werkzeug.wrappers import Request, Response

    from scmgraph.server.explore import App

# endpoint -> (path, module under scmgraph.server, function(app, request, **values))
PAGES = {
    "explorer.meetings": ("/meetings", "meetings", "meetings_page"),
    "explorer.threads": ("/threads", "threads", "threads_page"),
    "explorer.thread": ("/threads/<path:rest>", "threads", "thread_page"),
    "explorer.timeline": ("/timeline", "timeline", "timeline_page"),
    "explorer.graph": ("/graph", "graph", "graph_page"),
    "explorer.search": ("/search", "graph", "search_page"),
    "explorer.static": ("/static/<name>", "graph", "static_file"),
}


def explorer_rules() -> list[Rule]:
    return [Rule(path, endpoint=name, methods=["GET"]) for name, (path, _, _) in PAGES.items()]


def explorer_page(app: App, endpoint: str, request: Request, values: dict[str, Any]) -> Response:
    """The page ``endpoint`` names, for ``request`` and the values its path holds."""
    _, module, function = PAGES[endpoint]
    page = getattr(import_module(f"scmgraph.server.{module}"), function)
    return page(app, request, **values)
