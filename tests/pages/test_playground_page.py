"""2-D playground page (AppTest): step, train, pause, reset, divergence, adding points, settings, classes,
regression, derived inputs, own points, the link, export."""
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from core.playground.points import Points, Task
from ui.playground_session import OwnPoints

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
    assert len(at.get("plotly_chart")) == 3  # the shaded plane, every neuron and the loss curve
    assert "2 inputs → 8 → 8 → 2 outputs (114 weights and biases)" in caption_with(at, "Network:")
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
    assert "2 inputs → 8 → 8 → 4 → 2 outputs" in caption_with(at, "Network:")
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


def test_derived_inputs_widen_the_first_layer_and_the_url_follows():
    at = open_page()
    at.toggle(key="toy_feature_x2").set_value(True)
    at.toggle(key="toy_feature_y2").set_value(True).run()
    assert "4 inputs → 8 → 8 → 2 outputs" in caption_with(at, "Network:")
    assert any("x² + y²" in c.value for c in at.caption)  # why a circle is easy with them
    assert at.query_params["inputs"] == "x-y-x2-y2" and at.query_params["data"] == "moons"


def test_more_classes_mean_more_outputs_and_a_new_class_can_be_painted():
    at = open_page()
    at.selectbox(key="toy_dataset").set_value("arms").run()
    at.slider(key="toy_classes").set_value(4).run()
    assert "→ 4 outputs" in caption_with(at, "Network:") and "learning 4 classes" in caption_with(at, "Network:")
    assert len(at.radio(key="toy_click_class").options) == 5  # the four classes and one new one
    at.radio(key="toy_click_class").set_value(4)
    press(at, "Add point")
    assert "→ 5 outputs" in caption_with(at, "Network:")
    for _ in range(3):
        press(at, "Step one epoch")
    assert metric(at, "Epoch") == "3"


def test_regression_shows_values_not_accuracy():
    at = open_page()
    at.selectbox(key="toy_dataset").set_value("bumps").run()
    assert "1 output" in caption_with(at, "Network:") and "learning a value" in caption_with(at, "Network:")
    press(at, "Step one epoch")
    assert metric(at, "Training accuracy") == "–" and float(metric(at, "Training loss")) >= 0
    at.slider(key="toy_click_value").set_value(-0.5).run()
    press(at, "Add point")
    assert "(1 added by you)" in caption_with(at, "training points")


def test_own_points_are_trained_on_and_the_link_is_left_alone():
    at = open_page()
    rng = np.random.default_rng(0)
    xy = rng.uniform(-1, 1, (90, 2)).astype(np.float32)
    labels = np.repeat([0, 1, 2], 30).astype(np.int64)
    at.session_state["toy_own"] = OwnPoints("three.csv", points=Points(xy, labels, Task.CLASSIFICATION, 3))
    at.session_state["toy_signature"] = None
    at.run()
    assert not at.exception, at.exception
    assert "→ 3 outputs" in caption_with(at, "Network:")
    assert any("three.csv" in info.value for info in at.info)
    assert "72 training points" in caption_with(at, "training points")  # 20% of 90 held back
    press(at, "Back to generated points")
    assert "→ 2 outputs" in caption_with(at, "Network:") and "160 training points" in caption_with(at, "training")


def test_a_link_opens_its_setup():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"data": "blobs", "classes": "5", "inputs": "x-y-xy", "layers": "4", "act": "relu",
                            "dropout": "0.2", "lr": "0.1"})
    at.run()
    assert not at.exception, at.exception
    assert "3 inputs → 4 → 5 outputs" in caption_with(at, "Network:")
    assert at.selectbox(key="toy_activation_0").value == "relu" and at.select_slider(key="toy_dropout").value == 0.2
    assert at.select_slider(key="toy_learning_rate").value == 0.1


def test_the_neuron_view_can_be_switched_off():
    at = open_page()
    at.toggle(key="toy_neuron_view").set_value(False).run()
    assert len(at.get("plotly_chart")) == 2


def test_export_makes_an_onnx_file_checked_against_torch():
    at = open_page()
    press(at, "Step one epoch")
    assert any("nn.Sequential(" in code.value for code in at.code)
    press(at, "Make an ONNX file")
    assert any("largest difference from PyTorch" in c.value for c in at.caption)
