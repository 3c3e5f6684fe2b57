"""Bar charts drawn on the server as SVG, with a title, axis labels and the data as a table.

No script runs in the browser; the figures in the table are what a screen reader reads out.
Each chart is drawn twice, for a wide and a narrow screen, and the stylesheet shows one of them:
an SVG scaled down to a phone's width would shrink its text below what anyone can read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Bar:
    label: str
    value: int
    title: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    label_x: float = 0
    label_y: float = 0
    value_x: float = 0
    value_y: float = 0
    show_label: bool = True
    show_value: bool = True


@dataclass
class Tick:
    value: int
    position: float


@dataclass
class Layout:
    """One drawing of a chart, sized for a screen width ("wide" or "narrow")."""

    name: str
    width: int
    height: int
    plot: dict[str, float]
    font_size: int
    bars: list[Bar]
    ticks: list[Tick] = field(default_factory=list)
    # Horizontal charts on a narrow screen put each label above its bar instead of beside it.
    labels_above: bool = False

    @property
    def plot_right(self) -> float:
        return self.plot["x"] + self.plot["w"]

    @property
    def plot_bottom(self) -> float:
        return self.plot["y"] + self.plot["h"]


@dataclass
class BarChart:
    id: str
    title: str
    x_label: str
    y_label: str
    horizontal: bool
    # (label, value) in the order drawn: the table under the chart lists the same figures.
    rows: list[tuple[str, int]]
    layouts: list[Layout]


def _nice_max(value: int) -> int:
    """The top of the axis: five equal steps of 1, 2, 3, 4 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for step in (1, 2, 3, 4, 5):
            if value <= 5 * step * magnitude:
                return 5 * step * magnitude
        magnitude *= 10


def _vertical(name: str, data: list[tuple[str, int, str]], top: int, *, width: int) -> Layout:
    font = 12
    height, left, right, top_pad, bottom = 300, 40, 8, 16, 84
    plot = {"x": left, "y": top_pad, "w": width - left - right, "h": height - top_pad - bottom}
    slot = plot["w"] / max(len(data), 1)
    # Labels are turned 60 degrees; two neighbours need about 1.4 font heights between them, so
    # with many months only every n-th is written (each bar still names itself in its <title>).
    every = max(1, math.ceil(font * 1.4 / slot))
    bars = []
    for index, (label, value, title) in enumerate(data):
        bar_height = plot["h"] * value / top
        x = left + index * slot
        bars.append(
            Bar(
                label,
                value,
                title,
                x=x + slot * 0.15,
                y=top_pad + plot["h"] - bar_height,
                width=slot * 0.7,
                height=bar_height,
                label_x=x + slot / 2,
                label_y=top_pad + plot["h"] + 14,
                value_x=x + slot / 2,
                value_y=top_pad + plot["h"] - bar_height - 4,
                show_label=index % every == 0,
                # A figure over each bar while there is room for two digits above it.
                show_value=value > 0 and slot >= 16,
            )
        )
    ticks = [
        Tick(v, top_pad + plot["h"] - plot["h"] * v / top)
        for v in (round(top * i / 5) for i in range(6))
    ]
    return Layout(name, width, height, plot, font, bars, ticks)


def _horizontal(
    name: str, data: list[tuple[str, int, str]], top: int, *, width: int, labels_above: bool
) -> Layout:
    font = 12 if not labels_above else 13
    row = 34 if labels_above else 24
    left = 8 if labels_above else 190
    right, top_pad, bottom = 36, 8, 40
    height = top_pad + bottom + row * max(len(data), 1)
    plot = {"x": left, "y": top_pad, "w": width - left - right, "h": row * len(data)}
    bars = []
    for index, (label, value, title) in enumerate(data):
        length = plot["w"] * value / top
        y = top_pad + index * row
        bar_top = y + (16 if labels_above else 5)
        bar_height = 12 if labels_above else row - 10
        bars.append(
            Bar(
                label,
                value,
                title,
                x=left,
                y=bar_top,
                width=length,
                height=bar_height,
                label_x=left if labels_above else left - 6,
                label_y=y + 12 if labels_above else y + row / 2 + 4,
                value_x=left + length + 4,
                value_y=bar_top + bar_height / 2 + 4,
            )
        )
    ticks = [Tick(v, left + plot["w"] * v / top) for v in (round(top * i / 5) for i in range(6))]
    return Layout(name, width, height, plot, font, bars, ticks, labels_above=labels_above)


def bar_chart(
    *,
    id: str,
    title: str,
    x_label: str,
    y_label: str,
    data: list[tuple[str, int] | tuple[str, int, str]],
    horizontal: bool = False,
) -> BarChart:
    """Lay out one bar per (label, value[, long label]). Vertical bars suit months, horizontal
    ones long names. The long label, when given, names the bar in its tooltip and in the table."""
    rows = [(item[0], item[1], item[2] if len(item) > 2 else item[0]) for item in data]
    top = _nice_max(max((value for _, value, _ in rows), default=0))
    if horizontal:
        layouts = [
            _horizontal("wide", rows, top, width=640, labels_above=False),
            _horizontal("narrow", rows, top, width=340, labels_above=True),
        ]
    else:
        layouts = [
            _vertical("wide", rows, top, width=640),
            _vertical("narrow", rows, top, width=340),
        ]
    return BarChart(
        id=id,
        title=title,
        x_label=x_label,
        y_label=y_label,
        horizontal=horizontal,
        rows=[(long, value) for _, value, long in rows],
        layouts=layouts,
    )
