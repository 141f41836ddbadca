"""2-D playground page (AppTest): step, train, pause, reset, divergence, adding points, settings."""
from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "playground.py")


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def caption_with(at: AppTest, text: str) -> str:
    return next(c.value for c in at.caption if text in c.value)


def test_page_shows_the_plane_the_loss_curve_and_an_untrained_network():
    at = open_page()
    assert at.title[0].value == "2-D playground"
    assert metric(at, "Epoch") == "0"
    assert len(at.get("plotly_chart")) == 2  # the shaded plane and the loss curve
    assert "2 inputs → 8 → 8 → 1 output (105 weights and biases)" in caption_with(at, "Network:")
    assert "160 training points" in caption_with(at, "training points") and "40 test points" in caption_with(
        at, "training points")


def test_step_trains_exactly_one_epoch_and_reset_starts_over():
    at = open_page()
    untrained_loss = float(metric(at, "Training loss"))
    press(at, "Step one epoch")
    assert metric(at, "Epoch") == "1"
    press(at, "Step one epoch")
    assert metric(at, "Epoch") == "2" and float(metric(at, "Training loss")) < untrained_loss
    press(at, "Reset")
    assert metric(at, "Epoch") == "0" and float(metric(at, "Training loss")) == untrained_loss


def test_train_keeps_learning_until_paused():
    at = open_page()
    press(at, "Train")
    at.run()
    running_epoch = int(metric(at, "Epoch").replace(",", ""))
    assert running_epoch > 0 and any(b.label == "Pause" for b in at.button)
    press(at, "Pause")
    paused_epoch = metric(at, "Epoch")
    at.run()
    assert metric(at, "Epoch") == paused_epoch and any(b.label == "Train" for b in at.button)


def test_moons_are_learned_to_high_accuracy():
    at = open_page()
    for _ in range(40):
        press(at, "Step one epoch")
    assert int(metric(at, "Training accuracy").rstrip("%")) >= 90


def test_divergence_is_explained_and_reset_recovers():
    at = open_page()
    at.select_slider(key="toy_learning_rate").set_value(10.0)
    at.radio(key="toy_optimizer").set_value("sgd")
    at.selectbox(key="toy_regularization").set_value("l2")
    at.run()
    at.select_slider(key="toy_regularization_rate").set_value(1.0).run()
    for _ in range(3):
        if not at.error:
            press(at, "Step one epoch")
    assert at.error and "learning rate" in at.error[0].value and "Reset" in at.error[0].value
    assert next(b for b in at.button if b.label == "Train").disabled
    at.select_slider(key="toy_learning_rate").set_value(0.03).run()
    press(at, "Reset")
    assert not at.error
    press(at, "Step one epoch")
    assert metric(at, "Epoch") == "1"


def test_a_point_added_by_coordinates_joins_the_training_points_and_survives_a_new_network():
    at = open_page()
    at.radio(key="toy_click_class").set_value(0)
    at.number_input(key="toy_new_x").set_value(1.2)
    at.number_input(key="toy_new_y").set_value(-1.0)
    press(at, "Add point")
    assert "161 training points, filled (1 added by you)" in caption_with(at, "training points")
    at.slider(key="toy_layers").set_value(3).run()
    assert "161 training points, filled (1 added by you)" in caption_with(at, "training points")
    press(at, "Remove the points I added")
    assert "160 training points, filled (0 added by you)" in caption_with(at, "training points")


def test_changing_the_network_or_the_data_starts_a_fresh_run():
    at = open_page()
    press(at, "Step one epoch")
    at.slider(key="toy_layers").set_value(3).run()
    at.number_input(key="toy_neurons_2").set_value(4).run()
    assert metric(at, "Epoch") == "0"
    assert "2 inputs → 8 → 8 → 4 → 1 output" in caption_with(at, "Network:")
    press(at, "Step one epoch")
    at.selectbox(key="toy_dataset").set_value("spirals").run()
    at.slider(key="toy_points").set_value(400).run()
    assert metric(at, "Epoch") == "0" and "320 training points" in caption_with(at, "training points")


def test_learning_settings_change_without_losing_progress():
    at = open_page()
    press(at, "Step one epoch")
    at.select_slider(key="toy_learning_rate").set_value(0.001).run()
    at.selectbox(key="toy_regularization").set_value("l1").run()
    assert metric(at, "Epoch") == "1"
    assert not at.select_slider(key="toy_regularization_rate").disabled
