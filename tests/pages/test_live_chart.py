"""The Train page's live charts: the Plotly figure built without its property checks must be the checked
figure, and the canvas drawn while training gets the run's curves as plain JSON."""
import json

import plotly.graph_objects as go

from core.engine.events import EpochEnd, Started, StepEnd
from core.engine.history import RunHistory
from ui.charts import training_curves
from ui.live_chart import chart_data


def a_run_in_its_second_epoch() -> RunHistory:
    history = RunHistory()
    history.add(Started("CPU", 1000, 54_000, 6_000, 10_000, 211))
    for step in range(5, 300, 20):
        history.add(StepEnd(1 + step // 211, step, 422, 1 / step, 1 - 1 / step, 9_000.0, step / 40, 5.0))
    history.add(EpochEnd(1, 2, 0.1, 0.97, 0.08, 0.975, 5.3))
    return history


def test_the_live_chart_is_what_plotly_would_check_and_draw():
    for history in (RunHistory(), a_run_in_its_second_epoch()):
        drawn = training_curves(history).to_dict()
        assert drawn == go.Figure(drawn).to_dict()  # plotly's checked figure: nothing dropped or changed


def test_the_live_chart_shows_the_run_on_both_panels():
    history = a_run_in_its_second_epoch()
    data = training_curves(history).to_dict()["data"]
    loss, validation_loss, accuracy, validation_accuracy = data
    assert list(loss["y"]) == history.step_losses
    assert (loss["yaxis"], accuracy["yaxis"]) == ("y", "y2") and list(accuracy["y"]) == history.step_accuracies
    assert list(validation_accuracy["x"]) == [1] and list(validation_accuracy["y"]) == [0.975]
    assert validation_loss["showlegend"] and not validation_accuracy["showlegend"]


def test_a_lone_first_point_never_shows_negative_epochs_or_accuracy():
    history = RunHistory()
    history.add(StepEnd(1, 5, 422, 2.2, 0.18, 9_000.0, 0.2, 12.0))  # Plotly centres a lone point's axes on it
    layout = training_curves(history).to_dict()["layout"]
    assert layout["xaxis"]["rangemode"] == layout["xaxis2"]["rangemode"] == "tozero"
    assert layout["yaxis"]["rangemode"] == layout["yaxis2"]["rangemode"] == "nonnegative"


def test_the_canvas_chart_gets_the_run_on_both_panels_as_plain_json():
    history = a_run_in_its_second_epoch()
    history.add(StepEnd(2, 320, 422, float("nan"), 0.5, 9_000.0, 8.0, 5.0))  # a loss that overflowed
    data = json.loads(json.dumps(chart_data(history), allow_nan=False))  # the browser's JSON has no NaN
    loss, accuracy = data["panels"]
    assert data["train_epochs"] == history.step_epochs and data["validation_epochs"] == [1]
    assert loss["train"][:-1] == history.step_losses[:-1] and loss["train"][-1] is None  # a gap in the line
    assert accuracy["percent"] and not loss["percent"]
    assert accuracy["train"] == history.step_accuracies and accuracy["validation"] == [0.975]
    finished = training_curves(history).to_dict()  # what the same run looks like once it has ended
    assert [panel["title"] for panel in data["panels"]] == [title["text"] for title in finished["layout"]["annotations"]]
    assert [(e["name"], e["colour"]) for e in data["legend"]] == [(t["name"], t["line"]["color"]) for t in finished["data"][:2]]


def test_before_the_first_point_the_canvas_chart_is_empty():
    data = chart_data(RunHistory())
    assert not data["train_epochs"] and not data["validation_epochs"]
    assert all(not panel["train"] and not panel["validation"] for panel in data["panels"])
