"""Box plots of the state picture as plain SVG geometry, drawn by a template: no script, no
inline style, nothing loaded from elsewhere (colours are SVG presentation attributes)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from caretime.billing.selectors import StateRow
from caretime.core.billing import Distribution
from caretime.core.text import ngettext_noop
from caretime.core.wording import Message

LABEL_WIDTH = 44
PLOT_WIDTH = 520
# Room right of the plot for half of the last tick's label ("100 %") at the phone's larger text.
RIGHT_MARGIN = 32
ROW_HEIGHT = 22
TOP = 8
AXIS_HEIGHT = 30

# A state's box, as screen readers read it and the pointer shows it.
_BOX_TITLE = ngettext_noop(
    "%(state)s: median %(median)s, middle half %(low)s to %(high)s, %(count)s clinician",
    "%(state)s: median %(median)s, middle half %(low)s to %(high)s, %(count)s clinicians",
)


@dataclass(frozen=True)
class Box:
    label: str
    y: float  # centre line of the row
    whisker_from: float
    whisker_to: float
    box_x: float
    box_width: float
    median_x: float
    title: Message  # read by screen readers and shown on hover, in the page's language

    @property
    def label_y(self) -> float:
        # Centred on the row (dominant-baseline="central"), so a label stays in its row at any
        # text size: billing.css makes the text larger on a phone, where the chart is scaled down.
        return self.y

    @property
    def box_y(self) -> float:
        return self.y - 6

    @property
    def median_top(self) -> float:
        return self.y - 7

    @property
    def median_bottom(self) -> float:
        return self.y + 7


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class BoxChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    axis_y: float
    boxes: tuple[Box, ...]
    ticks: tuple[Tick, ...]
    threshold_x: float | None
    box_height: int = 12

    @property
    def tick_label_y(self) -> float:
        # The top of the label (dominant-baseline="hanging"): it grows down into AXIS_HEIGHT.
        return self.axis_y + 4


def _nice_step(span: float) -> float:
    raw = span / 5
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def box_chart(
    rows: Sequence[StateRow],
    pick: Callable[[StateRow], Distribution | None],
    *,
    fmt: Callable[[float], str],
    threshold: float | None = None,
) -> BoxChart | None:
    drawn = [(row, pick(row)) for row in rows]
    drawn_rows = [(row, d) for row, d in drawn if d is not None]
    if not drawn_rows:
        return None
    top = max(max(d.high for _, d in drawn_rows), threshold or 0.0)
    # Figures all about 0 (no group therapy anywhere, say) are drawn on a scale up to 1.
    scale_top = top if top >= 0.01 else 1.0
    step = _nice_step(scale_top)
    scale_max = step * math.ceil(scale_top / step)
    left, right = LABEL_WIDTH, LABEL_WIDTH + PLOT_WIDTH

    def x(value: float) -> float:
        return round(left + (right - left) * value / scale_max, 1)

    boxes = []
    for i, (row, d) in enumerate(drawn_rows):
        boxes.append(
            Box(
                label=row.state,
                y=TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2,
                whisker_from=x(d.low),
                whisker_to=x(d.high),
                box_x=x(d.first_quartile),
                box_width=max(1.0, round(x(d.third_quartile) - x(d.first_quartile), 1)),
                median_x=x(d.median),
                title=Message.counted(
                    _BOX_TITLE,
                    row.clinicians,
                    state=row.state,
                    median=fmt(d.median),
                    low=fmt(d.first_quartile),
                    high=fmt(d.third_quartile),
                ),
            )
        )
    axis_y = TOP + len(boxes) * ROW_HEIGHT + 4
    ticks = []
    value = 0.0
    while value <= scale_max + step / 2:  # half a step absorbs the sums' rounding
        ticks.append(Tick(x(value), fmt(value)))
        value += step
    return BoxChart(
        width=right + RIGHT_MARGIN,
        height=int(axis_y + AXIS_HEIGHT),
        plot_left=left,
        plot_right=right,
        axis_y=axis_y,
        boxes=tuple(boxes),
        ticks=tuple(ticks),
        threshold_x=x(threshold) if threshold is not None else None,
    )
