"""The confusion matrix tells small counts apart: 1, 2 and 3 are different shades, and every count is written."""
import numpy as np
import plotly.colors

from ui.inspect_figures import confusion_figure


def shade(trace, value: float) -> str:
    """The colour plotly paints value with in this heatmap trace (its scale is written in hex)."""
    share = (value - trace.zmin) / (trace.zmax - trace.zmin)
    scale = [(float(stop), colour) for stop, colour in trace.colorscale]
    for (low, low_colour), (high, high_colour) in zip(scale, scale[1:]):
        if low <= share <= high:
            fraction = 0 if high == low else (share - low) / (high - low)
            return str(plotly.colors.find_intermediate_color(plotly.colors.hex_to_rgb(low_colour),
                                                             plotly.colors.hex_to_rgb(high_colour), fraction))
    raise AssertionError(f"{value} is outside the scale")


def test_one_two_and_three_get_three_shades_and_every_count_is_written():
    # 3 classes x 3 test pictures, as a 60-picture My images set gives: right answers and mistakes are both few.
    confusion = np.array([[3, 0, 0], [1, 2, 0], [2, 1, 1]])
    right, wrong = confusion_figure(confusion, ("airplane", "ship", "bird"), None).data[:2]
    assert len({shade(right, value) for value in (1, 2, 3)}) == 3
    assert len({shade(wrong, value) for value in (0, 1, 2)}) == 3  # none, one and two mistakes look different
    written = [text for trace in (right, wrong) for row in trace.text for text in row if text != ""]
    assert sorted(written) == sorted(str(value) for value in confusion.ravel())  # each count once, in its cell
