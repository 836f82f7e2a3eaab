"""The state charts' geometry holds for any figures: every label stays in its row or under the
axis, inside the drawing, whatever size the style sheet gives the text on a phone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from caretime.billing.charts import AXIS_HEIGHT, RIGHT_MARGIN, ROW_HEIGHT, box_chart
from caretime.billing.selectors import StateRow
from caretime.core.billing import Distribution

# The largest text billing.css draws a label at, in the chart's own units (on a narrow phone).
LARGEST_LABEL = 22


@st.composite
def distributions(draw: st.DrawFn) -> Distribution:
    values = sorted(draw(st.lists(st.floats(0, 12, allow_nan=False), min_size=5, max_size=5)))
    return Distribution(draw(st.integers(5, 500)), *values)


rows = st.lists(
    st.builds(
        StateRow,
        state=st.sampled_from(["IL", "OH", "OR", "TX", "WA", "NY", "MA"]),
        clinicians=st.integers(5, 500),
        units_per_visit=st.one_of(st.none(), distributions()),
        group_share=st.none(),
        share_above_group_threshold=st.none(),
    ),
    max_size=55,
)


@given(rows)
def test_labels_stay_in_their_row_and_inside_the_chart(state_rows: list[StateRow]) -> None:
    chart = box_chart(state_rows, lambda r: r.units_per_visit, fmt=lambda v: f"{v:.1f}")
    if all(row.units_per_visit is None for row in state_rows):
        assert chart is None
        return
    assert chart is not None
    for index, box in enumerate(chart.boxes):
        # Centred on the row (dominant-baseline="central"): larger text grows evenly both ways.
        assert box.label_y == box.y
        assert box.y - ROW_HEIGHT / 2 >= 0
        if index:
            assert box.y - chart.boxes[index - 1].y == ROW_HEIGHT
    assert chart.boxes[-1].y + ROW_HEIGHT / 2 <= chart.axis_y
    # Tick labels hang below the axis and fit above the bottom of the drawing.
    assert chart.axis_y < chart.tick_label_y
    assert chart.tick_label_y + LARGEST_LABEL <= chart.height
    assert chart.height - chart.axis_y == AXIS_HEIGHT
    # Ticks run from the plot's left edge to its right edge, which leaves room for half a label.
    assert chart.ticks[0].x == chart.plot_left
    assert chart.ticks[-1].x == chart.plot_right
    assert all(tick.x <= chart.plot_right for tick in chart.ticks)
    assert chart.width - chart.plot_right == RIGHT_MARGIN
