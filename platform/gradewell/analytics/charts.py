"""Small SVG charts drawn as plain text: a histogram and a line chart.

The output is SVG 1.1 with no scripts, stylesheets or external references,
so a browser may open it directly. Every piece of text goes through
``_text``, which escapes markup and drops characters XML 1.0 does not allow.
The same input always gives the same bytes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape

WIDTH = 640
HEIGHT = 360
LEFT = 64
RIGHT = 24
TOP = 48
BOTTOM = 64
LEGEND_WIDTH = 168
LEGEND_ROW_HEIGHT = 18
# Legend rows that fit between the top margin and the bottom edge.
LEGEND_ROWS = 16
FONT = 'font-family="sans-serif" font-size="12"'
AXIS_COLOR = "#333333"
GRID_COLOR = "#dddddd"
BAR_COLOR = "#4878a8"
# Line colors, cycled when there are more series than colors.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
MAX_TEXT = 60

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[date, float]]


@dataclass(frozen=True)
class _Frame:
    """The plot area inside the margins, in SVG user units."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def histogram_svg(
    title: str,
    edges: Sequence[str],
    counts: Sequence[int],
    x_label: str,
    y_label: str,
) -> str:
    """Draw ``counts`` as adjacent bars, with ``edges`` labelling the bin bounds.

    ``edges`` has one more item than ``counts``.
    """
    if len(edges) != len(counts) + 1:
        raise ValueError("edges must have exactly one more item than counts")
    frame = _Frame(LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    top_value, step = _count_scale(max(counts, default=0))
    parts = _header(title)
    parts += _y_axis(frame, top_value, step, y_label)

    bar_width = frame.width / max(len(counts), 1)
    for index, count in enumerate(counts):
        x = frame.left + index * bar_width
        height = frame.height * count / top_value
        y = frame.bottom - height
        tip = f"{edges[index]} to {edges[index + 1]}: {count}"
        parts.append(
            f'<rect x="{_n(x + 1)}" y="{_n(y)}" width="{_n(bar_width - 2)}" '
            f'height="{_n(height)}" fill="{BAR_COLOR}"><title>{_text(tip)}</title>'
            "</rect>"
        )
        if count:
            parts.append(
                f'<text x="{_n(x + bar_width / 2)}" y="{_n(y - 4)}" '
                f'text-anchor="middle" {FONT}>{count}</text>'
            )
    for index, edge in enumerate(edges):
        x = frame.left + index * bar_width
        parts.append(_x_tick(frame, x, edge))

    parts += _x_axis(frame, x_label)
    if not any(counts):
        parts.append(_empty_note(frame))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def line_chart_svg(
    title: str,
    series: Sequence[Series],
    y_max: float,
    x_label: str,
    y_label: str,
) -> str:
    """Draw each series as a line over dates, from 0 to ``y_max`` upwards.

    A legend on the right names the series in order.
    """
    frame = _Frame(LEFT, TOP, WIDTH - RIGHT - LEGEND_WIDTH, HEIGHT - BOTTOM)
    top_value = y_max if y_max > 0 else 1.0
    parts = _header(title)
    parts += _y_axis(frame, top_value, top_value / 4, y_label)

    days = [day for item in series for day, _ in item.points]
    if days:
        first, last = min(days), max(days)
        if first == last:
            first, last = first - timedelta(days=1), last + timedelta(days=1)
        span = (last - first).days
        for tick in _date_ticks(first, span):
            x = frame.left + frame.width * (tick - first).days / span
            parts.append(_x_tick(frame, x, tick.isoformat()))
        for index, item in enumerate(series):
            if not item.points:
                continue
            color = PALETTE[index % len(PALETTE)]
            coordinates = [
                (
                    frame.left + frame.width * (day - first).days / span,
                    frame.bottom - frame.height * min(value, top_value) / top_value,
                )
                for day, value in item.points
            ]
            parts += _line(coordinates, color)
    else:
        parts.append(_empty_note(frame))

    parts += _x_axis(frame, x_label)
    parts += _legend(frame, series)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _header(title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
        f"<title>{_text(title)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{WIDTH / 2:.1f}" y="24" text-anchor="middle" '
        f'font-family="sans-serif" font-size="15">{_text(title)}</text>',
    ]


def _y_axis(frame: _Frame, top_value: float, step: float, label: str) -> list[str]:
    """Draw the vertical axis with grid lines at every ``step`` up to ``top_value``."""
    parts = []
    ticks = round(top_value / step)
    for index in range(ticks + 1):
        value = step * index
        y = frame.bottom - frame.height * value / top_value
        parts.append(
            f'<line x1="{_n(frame.left)}" y1="{_n(y)}" x2="{_n(frame.right)}" '
            f'y2="{_n(y)}" stroke="{GRID_COLOR}"/>'
        )
        parts.append(
            f'<text x="{_n(frame.left - 6)}" y="{_n(y + 4)}" text-anchor="end" '
            f"{FONT}>{_number(value)}</text>"
        )
    middle = frame.top + frame.height / 2
    parts.append(
        f'<text x="16" y="{_n(middle)}" text-anchor="middle" '
        f'transform="rotate(-90 16 {_n(middle)})" {FONT}>{_text(label)}</text>'
    )
    parts.append(
        f'<line x1="{_n(frame.left)}" y1="{_n(frame.top)}" x2="{_n(frame.left)}" '
        f'y2="{_n(frame.bottom)}" stroke="{AXIS_COLOR}"/>'
    )
    return parts


def _x_axis(frame: _Frame, label: str) -> list[str]:
    return [
        f'<line x1="{_n(frame.left)}" y1="{_n(frame.bottom)}" '
        f'x2="{_n(frame.right)}" y2="{_n(frame.bottom)}" stroke="{AXIS_COLOR}"/>',
        f'<text x="{_n(frame.left + frame.width / 2)}" y="{HEIGHT - 12}" '
        f'text-anchor="middle" {FONT}>{_text(label)}</text>',
    ]


def _x_tick(frame: _Frame, x: float, label: str) -> str:
    return (
        f'<line x1="{_n(x)}" y1="{_n(frame.bottom)}" x2="{_n(x)}" '
        f'y2="{_n(frame.bottom + 4)}" stroke="{AXIS_COLOR}"/>'
        f'<text x="{_n(x)}" y="{_n(frame.bottom + 18)}" text-anchor="middle" '
        f"{FONT}>{_text(label)}</text>"
    )


def _line(coordinates: list[tuple[float, float]], color: str) -> list[str]:
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates)
    parts = [
        f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>'
    ]
    parts += [
        f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{color}"/>'
        for x, y in coordinates
    ]
    return parts


def _legend(frame: _Frame, series: Sequence[Series]) -> list[str]:
    """Name each series next to its color; past ``LEGEND_ROWS``, count the rest."""
    listed = series if len(series) <= LEGEND_ROWS else series[: LEGEND_ROWS - 1]
    x = frame.right + 16
    parts = []
    for index, item in enumerate(listed):
        color = PALETTE[index % len(PALETTE)]
        y = frame.top + LEGEND_ROW_HEIGHT * index
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y)}" width="12" height="12" fill="{color}"/>'
            f'<text x="{_n(x + 18)}" y="{_n(y + 10)}" {FONT}>'
            f"{_text(_shorten(item.name, 22))}</text>"
        )
    if len(listed) < len(series):
        y = frame.top + LEGEND_ROW_HEIGHT * len(listed)
        parts.append(
            f'<text x="{_n(x)}" y="{_n(y + 10)}" {FONT}>'
            f"and {len(series) - len(listed)} more</text>"
        )
    return parts


def _empty_note(frame: _Frame) -> str:
    return (
        f'<text x="{_n(frame.left + frame.width / 2)}" '
        f'y="{_n(frame.top + frame.height / 2)}" text-anchor="middle" '
        f'fill="#777777" {FONT}>No graded submissions yet.</text>'
    )


def _count_scale(largest: int) -> tuple[int, int]:
    """Return a whole-number axis top and step with at most five steps."""
    step = max(1, math.ceil(largest / 5))
    top_value = max(step, step * math.ceil(largest / step))
    return top_value, step


def _date_ticks(first: date, span: int, max_ticks: int = 5) -> list[date]:
    """Return dates a whole number of days apart, at most ``max_ticks`` of them."""
    step = max(1, math.ceil(span / (max_ticks - 1)))
    return [first + timedelta(days=offset) for offset in range(0, span + 1, step)]


def _shorten(value: str, limit: int = MAX_TEXT) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "\u2026"


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", _shorten(value)), {'"': "&quot;"})


def _number(value: float) -> str:
    """Format an axis value with at most two decimals and no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _n(value: float) -> str:
    return f"{value:.1f}"
