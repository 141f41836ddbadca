"""The Train page's live chart, built without plotly's property checks, must be the checked figure."""
import plotly.graph_objects as go

from core.history import RunHistory
from core.train import EpochEnd, Started, StepEnd
from ui.charts import training_curves


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
