"""A picture of the entity network that a person can read: a PNG of the best-connected
entities, laid out reproducibly, every label clear of the others and of the nodes."""

from __future__ import annotations

import io
import math
import textwrap
from types import MappingProxyType
from typing import Any

import networkx as nx

PNG_SIZE = (1600, 1200)


_COLOURS = MappingProxyType(
    {
        "organisation": "#4c78a8",
        "place": "#59a14f",
        "document": "#f28e2b",
        "activity": "#b07aa1",
        "person": "#e15759",
        "state": "#76b7b2",
        "capability": "#edc948",
        "entity": "#9c9c9c",
    }
)


def draw_entities(graph: nx.Graph, *, top: int = 30, title: str = "", seed: int = 7) -> bytes:
    """A legible PNG of the entity network: the ``top`` entities by degree, fixed layout."""
    figure, _ = entity_figure(graph, top=top, title=title, seed=seed)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


# Where a label may go around its node: direction, then alignment; tried in order.
_LABEL_PLACES = (
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (0.8, 0.8, "left", "bottom"),
    (-0.8, 0.8, "right", "bottom"),
    (0.8, -0.8, "left", "top"),
    (-0.8, -0.8, "right", "top"),
)


def entity_figure(
    graph: nx.Graph, *, top: int = 30, title: str = "", seed: int = 7
) -> tuple[Any, list[tuple[str, Any]]]:
    """The entity-network figure and the display box of every label placed on it.

    Labels go where they overlap neither another label nor a node, trying the
    places of ``_LABEL_OFFSETS`` in turn, best-connected nodes first; a label
    that fits nowhere takes its first place with a smaller font.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    sub = _top_entities(graph, top)
    width, height = PNG_SIZE
    figure = Figure(figsize=(width / 100, height / 100), dpi=100)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0.01, 0.06, 0.98, 0.86))
    axes.set_axis_off()
    boxes: list[tuple[str, Any]] = []
    if sub.number_of_nodes():
        pos = _layout(sub, seed)
        for u, v, data in sorted(sub.edges(data=True), key=lambda e: e[2]["weight"]):
            (x1, y1), (x2, y2) = pos[u], pos[v]
            axes.plot(
                [x1, x2],
                [y1, y2],
                color="#9aa5b1",
                alpha=0.55,
                zorder=1,
                linewidth=0.6 + 1.2 * data["weight"],
            )
        markers, radii = {}, {}
        for node in sorted(sub.nodes):
            data = sub.nodes[node]
            x, y = pos[node]
            colour = _COLOURS.get(data.get("category", "entity"), _COLOURS["entity"])
            area = 120 + 90 * data["degree"]  # points squared
            radii[node] = math.sqrt(area) / 2
            markers[node] = axes.scatter(
                [x],
                [y],
                s=area,
                color=colour,
                zorder=2,
                edgecolors="white",
                linewidths=1.5,
            )
        axes.margins(0.1)
        axes.autoscale_view()
        axes.set_xlim(axes.get_xlim())  # fix the limits: label boxes are measured now
        axes.set_ylim(axes.get_ylim())
        renderer = canvas.get_renderer()
        taken = [_marker_box(axes, pos[n], radii[n]) for n in sorted(markers)]
        order = sorted(sub.nodes, key=lambda n: (-sub.nodes[n]["degree"], n))
        for node in order:
            label = str(sub.nodes[node]["label"])
            box = _place_label(axes, renderer, pos[node], radii[node] + 3, label, taken)
            taken.append(box)
            boxes.append((node, box))
    shown = sorted({sub.nodes[n].get("category", "entity") for n in sub.nodes})
    handles = [
        Line2D([], [], marker="o", linestyle="", markersize=11, color=_COLOURS.get(c, "#999"))
        for c in shown
    ]
    figure.legend(handles, shown, loc="lower center", ncol=len(shown), frameon=False, fontsize=12)
    heading = f"Entities named together in the same statement — top {sub.number_of_nodes()}"
    heading += f" of {graph.number_of_nodes()} by degree"
    figure.suptitle(heading + (f" ({title})" if title else ""), fontsize=16, y=0.975)
    figure.text(
        0.5,
        0.935,
        "node size: degree · line width: statements naming both",
        ha="center",
        fontsize=11,
        color="#555555",
    )
    return figure, boxes


def _marker_box(axes: Any, xy: tuple[float, float], radius: float) -> Any:
    """The display box of a round marker of ``radius`` points at ``xy``."""
    from matplotlib.transforms import Bbox

    x, y = axes.transData.transform(xy)
    r = radius * axes.figure.dpi / 72
    return Bbox.from_extents(x - r, y - r, x + r, y + r)


def _place_label(
    axes: Any, renderer: Any, xy: tuple[float, float], gap: float, label: str, taken: list[Any]
) -> Any:
    """Annotate ``xy`` with ``label`` at the first free place; return the label's box.

    ``gap`` (points) keeps the label off its own node. When no place is free at
    the normal size, a smaller font is tried; failing that, the label goes above.
    """
    text = textwrap.fill(label, 22)
    frame = axes.get_window_extent(renderer)
    for size in (10, 8.5, None):
        for dx, dy, ha, va in _LABEL_PLACES if size else _LABEL_PLACES[:1]:
            note = axes.annotate(
                text,
                xy,
                xytext=(dx * gap, dy * gap),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=size or 8.5,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8},
            )
            box = note.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1
            inside = inside and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if size is None or (inside and not any(box.overlaps(t) for t in taken)):
                return box
            note.remove()
    raise AssertionError("unreachable: the last size always places the label")


def _top_entities(graph: nx.Graph, top: int) -> nx.Graph:
    """The ``top`` best-connected entities that are linked to one another."""
    if not graph.number_of_nodes():
        return graph.copy()
    main = max(nx.connected_components(graph), key=lambda c: (len(c), sorted(c)))
    strength = dict(graph.degree(weight="weight"))
    ranked = sorted(main, key=lambda n: (-graph.nodes[n]["degree"], -strength[n], n))
    kept = set(ranked[:top])
    sub = nx.Graph()  # built in sorted order: a subgraph view iterates a set (hash order)
    sub.add_nodes_from((n, graph.nodes[n]) for n in sorted(kept))
    sub.add_edges_from((u, v, d) for u, v, d in graph.edges(sorted(kept), data=True) if v in kept)
    sub.remove_nodes_from([n for n in sorted(sub.nodes) if sub.degree(n) == 0])
    return sub


def _layout(graph: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    """ForceAtlas2 with node sizes (no overlaps) from a seeded spring start: reproducible."""
    start = nx.spring_layout(graph, seed=seed, k=3 / math.sqrt(len(graph)), iterations=200)
    sizes = {n: 1 + graph.nodes[n]["degree"] / 4 for n in graph.nodes}
    return nx.forceatlas2_layout(
        graph, pos=start, max_iter=600, scaling_ratio=10.0, gravity=1.0, node_size=sizes, seed=seed
    )
