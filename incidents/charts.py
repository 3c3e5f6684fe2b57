"""Bar charts drawn on the server as SVG, with a title, axis labels and the data as a table.

No script runs in the browser; the figures in the table are what a screen reader reads out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass
class Bar:
    label: str
    value: int
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    label_x: float = 0
    label_y: float = 0


@dataclass
class Tick:
    value: int
    position: float


@dataclass
class BarChart:
    id: str
    title: str
    x_label: str
    y_label: str
    horizontal: bool
    bars: list[Bar]
    width: int
    height: int
    plot: dict[str, float]
    ticks: list[Tick] = field(default_factory=list)


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(
    *,
    id: str,
    title: str,
    x_label: str,
    y_label: str,
    data: list[tuple[str, int]],
    horizontal: bool = False,
) -> BarChart:
    """Lay out one bar per (label, value). Vertical bars suit months; horizontal ones long names."""
    top = _nice_max(max((value for _, value in data), default=0))
    ticks_at = [round(top * i / 5) for i in range(6)]
    if horizontal:
        row = 22
        width, left, right, top_pad, bottom = 640, 200, 40, 10, 44
        height = top_pad + bottom + row * max(len(data), 1)
        plot = {"x": left, "y": top_pad, "w": width - left - right, "h": row * len(data)}
        bars = []
        for index, (label, value) in enumerate(data):
            length = plot["w"] * value / top
            y = top_pad + index * row
            bars.append(
                Bar(
                    label,
                    value,
                    x=left,
                    y=y + 4,
                    width=length,
                    height=row - 8,
                    label_x=left - 6,
                    label_y=y + row / 2 + 4,
                )
            )
        ticks = [Tick(v, left + plot["w"] * v / top) for v in ticks_at]
    else:
        width, height, left, right, top_pad, bottom = 640, 300, 48, 12, 12, 70
        plot = {"x": left, "y": top_pad, "w": width - left - right, "h": height - top_pad - bottom}
        slot = plot["w"] / max(len(data), 1)
        bars = []
        for index, (label, value) in enumerate(data):
            bar_height = plot["h"] * value / top
            x = left + index * slot
            bars.append(
                Bar(
                    label,
                    value,
                    x=x + slot * 0.15,
                    y=top_pad + plot["h"] - bar_height,
                    width=slot * 0.7,
                    height=bar_height,
                    label_x=x + slot / 2,
                    label_y=top_pad + plot["h"] + 14,
                )
            )
        ticks = [Tick(v, top_pad + plot["h"] - plot["h"] * v / top) for v in ticks_at]
    return BarChart(
        id=id,
        title=title,
        x_label=x_label,
        y_label=y_label,
        horizontal=horizontal,
        bars=bars,
        width=width,
        height=height,
        plot=plot,
        ticks=ticks,
    )
