"""Pictures of a student's variant, written as SVG text.

An exercise declares its figures under ``figures``, each naming the
network to draw::

    figures:
      network: {network: net}

The statement shows one with ``![Network](figures/network.svg)``. A figure
depends only on the variant's values, so the same seed always gives the
same bytes. The SVG is written here as text, without scripts, styles or
links, and every label is escaped, so a name cannot inject markup.
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import Any

from exercises.expressions import evaluate
from exercises.networks import Network, network_graph

FIGURE_KEYS = {"network"}
FIGURE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A figure as a statement refers to it, in a Markdown image or an HTML src.
FIGURE_REFERENCE = re.compile(r"(?<![\w/.-])figures/([a-z0-9]+(?:-[a-z0-9]+)*)\.svg")

# Sizes in SVG user units. A 12-unit sans-serif letter is about 7 units wide,
# so routers grow past the smallest radius to fit a long name.
MIN_ROUTER_RADIUS = 18
HOST_HALF_HEIGHT = 16
LETTER_WIDTH = 7
MARGIN = 40


def render_figure(figures: dict[str, Any], name: str, params: dict[str, Any]) -> str:
    """Return the SVG of figure ``name`` for one variant's values.

    Raises KeyError for a name the exercise does not declare, and
    ExpressionError or ValueError when its expression does not give a
    network.
    """
    spec = figures[name]
    net = evaluate(spec["network"], params)
    network_graph(net)  # Raises ValueError for anything but a network.
    return network_svg(net, title=f"Network of {len(net['routers'])} routers")


def network_svg(net: Network, title: str = "Network") -> str:
    """Draw ``net`` as SVG: routers as circles, hosts as squares, links as lines."""
    positions = network_layout(net)
    radius = _router_radius(net)
    hosts = set(net.get("hosts", []))
    reach = max((math.hypot(*positions[node]) for node in net["nodes"]), default=0)
    widest = max([radius, *(_host_half_width(host) for host in hosts)])
    size = math.ceil(2 * (reach + widest + MARGIN))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" role="img" font-family="sans-serif" '
        'font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>',
    ]
    for a, b in net["edges"]:
        (x1, y1), (x2, y2) = _shift(positions[a], size), _shift(positions[b], size)
        parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" '
            'stroke="#4b5563" stroke-width="2"/>'
        )
    for node in net["nodes"]:
        x, y = _shift(positions[node], size)
        parts.append(_node_shape(node, x, y, radius, node in hosts))
        parts.append(
            f'<text x="{x}" y="{y}" text-anchor="middle" '
            f'dominant-baseline="central">{escape(node)}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def network_layout(net: Network) -> dict[str, tuple[float, float]]:
    """Place routers on a circle and each host outside, near its routers.

    Routers go around the circle in depth-first order from the first router,
    so most tree links join neighbours on the circle and few lines cross.
    Positions are relative to the centre, rounded to 0.1.
    """
    graph = network_graph(net)
    routers = net["routers"]
    order = _depth_first(graph, routers)
    radius = _ring_radius(len(routers), _router_radius(net))
    angles = {
        router: -math.pi / 2 + 2 * math.pi * index / len(order)
        for index, router in enumerate(order)
    }
    positions = {router: _polar(radius, angles[router]) for router in order}

    host_angles: list[float] = []
    for host in net.get("hosts", []):
        linked = [angles[n] for n in graph.neighbors(host) if n in angles]
        angle = _free_angle(_mean_angle(linked), host_angles)
        host_angles.append(angle)
        distance = radius + _router_radius(net) + 3 * HOST_HALF_HEIGHT
        positions[host] = _polar(distance, angle)
    return positions


def figure_references(statement: str) -> list[str]:
    """Return the figure names a statement refers to, in order of appearance."""
    return [match.group(1) for match in FIGURE_REFERENCE.finditer(statement)]


def _node_shape(name: str, x: float, y: float, radius: int, is_host: bool) -> str:
    if is_host:
        half_width = _host_half_width(name)
        return (
            f'<rect x="{round(x - half_width, 1)}" '
            f'y="{round(y - HOST_HALF_HEIGHT, 1)}" width="{2 * half_width}" '
            f'height="{2 * HOST_HALF_HEIGHT}" '
            'fill="#fef3c7" stroke="#92400e" stroke-width="2"/>'
        )
    return (
        f'<circle cx="{x}" cy="{y}" r="{radius}" '
        'fill="#dbeafe" stroke="#1e40af" stroke-width="2"/>'
    )


def _router_radius(net: Network) -> int:
    longest = max((len(router) for router in net["routers"]), default=0)
    return max(MIN_ROUTER_RADIUS, math.ceil(LETTER_WIDTH * longest / 2) + 6)


def _host_half_width(name: str) -> int:
    return max(HOST_HALF_HEIGHT, math.ceil(LETTER_WIDTH * len(name) / 2) + 6)


def _depth_first(graph: Any, routers: list[str]) -> list[str]:
    """Order routers depth first, visiting neighbours in network order."""
    rank = {router: index for index, router in enumerate(routers)}
    order: list[str] = []
    seen: set[str] = set()
    for start in routers:
        stack = [start]
        while stack:
            router = stack.pop()
            if router in seen:
                continue
            seen.add(router)
            order.append(router)
            nearby = [n for n in graph.neighbors(router) if n in rank and n not in seen]
            stack.extend(sorted(nearby, key=rank.__getitem__, reverse=True))
    return order


def _ring_radius(routers: int, router_radius: int) -> int:
    # Leave about 34 units of arc between neighbouring routers' outlines.
    spacing = 2 * router_radius + 34
    return max(120, math.ceil(spacing * routers / (2 * math.pi)))


def _mean_angle(angles: list[float]) -> float:
    if not angles:
        return -math.pi / 2
    return math.atan2(
        sum(math.sin(a) for a in angles), sum(math.cos(a) for a in angles)
    )


def _free_angle(angle: float, used: list[float], gap: float = 0.4) -> float:
    """Turn ``angle`` clockwise until it is ``gap`` radians from every used one."""
    for _ in range(int(2 * math.pi / gap)):
        if all(abs(_angle_between(angle, other)) >= gap for other in used):
            return angle
        angle += gap
    return angle


def _angle_between(a: float, b: float) -> float:
    return (a - b + math.pi) % (2 * math.pi) - math.pi


def _polar(radius: float, angle: float) -> tuple[float, float]:
    return (round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))


def _shift(point: tuple[float, float], size: int) -> tuple[float, float]:
    return (round(point[0] + size / 2, 1), round(point[1] + size / 2, 1))
