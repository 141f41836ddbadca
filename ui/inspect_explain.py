"""Inspect page views that work numbers out step by step (pooling, convolution, a neuron) and the errors view."""
from __future__ import annotations

from functools import partial

import numpy as np
import streamlit as st
import torch

from core.lens.explain import convolution_in_model, neuron_in_model, pooling_example, pooling_in_model
from core.lens.inspect import conv_layer_names, filters, pool_layer_names
from core.lens.metrics import (class_scores, confusion_matrix, mistakes, model_fingerprint, most_common_mistake,
                          predict_test_set)
from ui.literal import literal
from ui.inspect_figures import CELL_POINTS_TRACE, bars, confusion_figure, heat_map, mark_cell

KEPT_PREDICTIONS = 3  # models whose test-set answers this session keeps in memory


def forget(*keys: str) -> None:
    for key in keys:
        st.session_state.pop(key, None)


def position(label: str, key: str, maximum: int, default: int) -> int:
    """A slider from 0 to maximum that starts at default and keeps the user's choice while it fits."""
    if maximum <= 0:
        return 0
    if key not in st.session_state or st.session_state[key] > maximum:
        st.session_state[key] = default
    return st.slider(label, 0, maximum, key=key)


def pooling_view(loaded, x: torch.Tensor) -> None:
    model, pools = loaded.model, pool_layer_names(loaded.model)
    st.caption("**Pooling** shrinks a feature map by keeping one number per 2×2 block: the largest (max pooling) "
               "or the mean (average pooling). The network keeps the gist — *is the pattern here?* — with a "
               "quarter of the numbers, and a shift of one pixel barely changes the answer.")
    if not pools:
        st.info("This model has **no pooling layers** (an MLP reads every pixel at once). To still show the "
                "arithmetic, here is 2×2 pooling applied to the image itself (its normalised pixels).")
        example = pooling_example(x[0, 0].double().numpy())
        source = "the image"
    else:
        name = st.selectbox("Pooling layer", pools, key="inspect_pool_layer")
        channel_key = f"inspect_pool_channel_{name}"
        example = pooling_in_model(model, x, name, st.session_state.get(channel_key))
        st.slider("Feature map (channel) fed into the pooling", 0, example.channels - 1, value=example.channel,
                  key=channel_key, help="Starts on the channel with the strongest activation of the first image.")
        source = f"input of {name}, channel {example.channel}"
    rows, columns = example.max_pooled.shape
    left, right, jump = st.columns([2, 2, 1], vertical_alignment="bottom")
    with left:
        row = position("Window row", "inspect_pool_row", rows - 1, example.row)
    with right:
        column = position("Window column", "inspect_pool_col", columns - 1, example.column)
    jump.button("Strongest window", on_click=forget, args=("inspect_pool_row", "inspect_pool_col"))
    if (row, column) != (example.row, example.column):
        example = pooling_in_model(model, x, name, example.channel, row, column) if pools else \
            pooling_example(example.feature_map, row, column)
    show_pooling(example, source)


def show_pooling(example, source: str) -> None:
    height, width = example.feature_map.shape
    rows, columns = example.max_pooled.shape
    first, second, third = st.columns(3)
    first.plotly_chart(mark_cell(heat_map(example.feature_map, f"{source} ({height}×{width})"),
                                 2 * example.row, 2 * example.column, size=2), width="stretch")
    second.plotly_chart(mark_cell(heat_map(example.max_pooled, f"Max pooling ({rows}×{columns})"),
                                  example.row, example.column), width="stretch")
    third.plotly_chart(mark_cell(heat_map(example.average_pooled, f"Average pooling ({rows}×{columns})"),
                                 example.row, example.column), width="stretch")
    numbers, arithmetic = st.columns([1, 2], vertical_alignment="center")
    numbers.plotly_chart(heat_map(example.window, "The highlighted window", numbers=True, height=220),
                         width="stretch")
    h = [f"{value:.3f}" for value in example.window.flatten()]
    arithmetic.latex(rf"p_{{\max}} = \max(h_{{11}}, h_{{12}}, h_{{21}}, h_{{22}}) = \max({', '.join(h)}) "
                     rf"= {example.window_max:.3f}")
    arithmetic.latex(rf"p_{{\text{{avg}}}} = \frac{{{' + '.join(h)}}}{{4}} = {example.window_mean:.3f}")
    if example.matches_model:
        arithmetic.success(f"Our {example.model_mode} pooling gives exactly the model's own output, number for "
                           "number: these are the real numbers of your model.", icon=":material/check_circle:")
    elif example.matches_model is False:
        arithmetic.warning("Our arithmetic differs from the model's own pooling output.")
    if height % 2 or width % 2:
        arithmetic.caption("The map has an odd size, so its last row or column has no full window and is "
                           "dropped, as PyTorch does.")


def convolution_view(loaded, x: torch.Tensor) -> None:
    model, names = loaded.model, conv_layer_names(loaded.model)
    if not names:
        neuron_view(loaded, x)
        return
    st.caption("A **convolution** lays a filter on a small window of its input, multiplies each number by the "
               "weight on top of it, adds everything up plus a bias, and passes the sum through the activation. "
               "Sliding the window everywhere gives one feature map. These are your model's real numbers.")
    name = st.selectbox("Convolution layer", names, key="inspect_conv_layer")
    count = len(filters(model, name))
    filter_index = st.slider("Filter", 0, count - 1, 0, key=f"inspect_conv_filter_{name}") if count > 1 else 0
    example = convolution_in_model(model, x, name, filter_index)
    rows, columns = example.output_size
    left, right, jump = st.columns([2, 2, 1], vertical_alignment="bottom")
    with left:
        row = position("Window row", "inspect_conv_row", rows - 1, example.row)
    with right:
        column = position("Window column", "inspect_conv_col", columns - 1, example.column)
    jump.button("Strongest answer", key="inspect_conv_jump", on_click=forget,
                args=("inspect_conv_row", "inspect_conv_col"))
    if (row, column) != (example.row, example.column):
        example = convolution_in_model(model, x, name, filter_index, row, column)
    show_convolution(example, colour_input=name == names[0] and example.patch.shape[0] == 3)


def show_convolution(example, colour_input: bool) -> None:
    channels, size = example.patch.shape[0], example.patch.shape[1]
    channel = 0
    if channels > 1:
        channel = st.slider("Input channel shown", 0, channels - 1, 0, key="inspect_conv_channel",
                            format="%d", help="This filter reads every channel of its input; the grids show one "
                                              "at a time" + (" (0 red, 1 green, 2 blue)." if colour_input else "."))
    channel_name = ("red", "green", "blue")[channel] if colour_input else f"channel {channel}"
    top = example.row * example.stride[0] - example.padding[0]
    left = example.column * example.stride[1] - example.padding[1]
    input_map, output_map, arithmetic = st.columns([1, 1, 1.3])
    input_map.plotly_chart(mark_cell(heat_map(example.layer_input[channel], f"Input of {example.layer} ({channel_name})",
                                              height=300), top, left, size=size), width="stretch")
    output_map.plotly_chart(mark_cell(heat_map(example.output_map, f"{example.layer}, filter {example.filter_index}: "
                                               "its feature map", height=300), example.row, example.column),
                            width="stretch")
    with arithmetic:
        show_convolution_sum(example)
    patch, kernel, products = st.columns(3)
    patch.plotly_chart(heat_map(example.patch[channel], f"Window of the input ({channel_name})", numbers=True,
                                height=300), width="stretch")
    kernel.plotly_chart(heat_map(example.kernel[channel], f"× filter {example.filter_index} ({channel_name})",
                                 symmetric=True, numbers=True, height=300), width="stretch")
    products.plotly_chart(heat_map(example.products[channel], "= products, one per cell", symmetric=True,
                                   numbers=True, height=300), width="stretch")
    if example.padding[0] and (top < 0 or left < 0 or top + size > example.layer_input.shape[1]
                               or left + size > example.layer_input.shape[2]):
        st.caption("The window hangs over the edge: the layer pads its input with zeros there.")
    if channels > 1:
        labels = ["red", "green", "blue"] if colour_input else [str(c) for c in range(channels)]
        st.plotly_chart(bars(example.products.sum(axis=(1, 2)), labels,
                             "Sum of the products in each input channel (all are added up)", height=220,
                             highlight=channel), width="stretch")


def show_convolution_sum(example) -> None:
    count = example.products.size
    lines = [f"1. Add up the {count} products: **{example.total:.4f}**",
             f"2. Add the bias {example.bias:+.4f}: **{example.total + example.bias:.4f}**"
             + ("" if example.bias else " (this layer has no bias: batch normalisation shifts instead)")]
    if example.batch_norm:
        norm = example.batch_norm
        lines.append(f"3. Batch normalisation: ({example.total + example.bias:.4f} − {norm.mean:.4f}) ÷ {norm.std:.4f}"
                     f" × {norm.scale:.4f} + {norm.shift:.4f} = **{example.before_activation:.4f}**")
    if example.activation:
        formula = {"ReLU": "max(0, z)", "Tanh": "tanh(z)", "Sigmoid": "1 / (1 + e^−z)"}[example.activation]
        lines.append(f"{len(lines) + 1}. {example.activation}: {formula} with z = {example.before_activation:.4f} "
                     f"gives **{example.result:.4f}**")
    st.markdown("\n".join(lines))
    show_check(example.result, example.model_value, f"the {example.layer} feature map")


def show_check(ours: float, model_value: float, where: str) -> None:
    if abs(ours - model_value) <= 1e-4 * max(1.0, abs(model_value)):
        st.success(f"The model itself computed {model_value:.4f} at this position of {where}: the same number.",
                   icon=":material/check_circle:")
    else:
        st.warning(f"The model computed {model_value:.4f} at this position of {where}, not {ours:.4f}.")


def neuron_view(loaded, x: torch.Tensor) -> None:
    st.info("This model has **no convolution layers**. The same arithmetic happens in each neuron of a dense layer, "
            "only the window is the whole image: every pixel times its weight, all added up, plus a bias, "
            "then the activation.")
    example = neuron_in_model(loaded.model, x)
    neuron = position("Neuron of the first layer", "inspect_neuron", example.neurons - 1, example.neuron)
    if neuron != example.neuron:
        example = neuron_in_model(loaded.model, x, neuron)
    inputs, weights, products = st.columns(3)
    inputs.plotly_chart(heat_map(example.inputs, "Input (normalised pixels)"), width="stretch")
    weights.plotly_chart(heat_map(example.weights, f"Weights of neuron {example.neuron}",
                                  symmetric=True), width="stretch")
    products.plotly_chart(heat_map(example.products, "Pixel × weight", symmetric=True), width="stretch")
    lines = [f"1. Add up the {example.products.size} products: **{example.total:.4f}**",
             f"2. Add the bias {example.bias:+.4f}: **{example.total + example.bias:.4f}**"]
    if example.activation:
        lines.append(f"3. {example.activation} gives **{example.result:.4f}**")
    st.markdown("\n".join(lines))
    show_check(example.result, example.model_value, f"{example.layer}'s outputs")


def cached_predictions(model, dataset):
    """Test-set answers, computed once per model and dataset in this session."""
    store = st.session_state.setdefault("inspect_predictions", {})
    key = (model_fingerprint(model), dataset.info.name, len(dataset.test_y))
    if key not in store:
        with st.spinner(f"Asking the model about all {len(dataset.test_y):,} test images…"):
            store[key] = predict_test_set(model, dataset)
        while len(store) > KEPT_PREDICTIONS:
            store.pop(next(iter(store)))
    return store[key]


def look_inside(index: int) -> None:
    st.session_state.update(inspect_source="Test image", inspect_image_index=index, inspect_view="Feature maps")


def cell_clicked(num_classes: int) -> None:
    """A click on a confusion-matrix cell chooses that (true, predicted) pair (cells are numbered row by row)."""
    points = st.session_state.inspect_confusion.selection.points
    index = next((p["point_index"] for p in points if p.get("curve_number") == CELL_POINTS_TRACE), None)
    if index is not None:
        st.session_state.update(inspect_true=index // num_classes, inspect_predicted=index % num_classes)


def errors_view(loaded, dataset) -> None:
    if dataset is None:
        st.info("The model's test images are not available on this machine, so its errors cannot be counted.")
        return
    classes = loaded.info.classes
    predictions = cached_predictions(loaded.model, dataset)
    confusion = confusion_matrix(predictions.labels, predictions.predicted, len(classes))
    total, wrong = int(confusion.sum()), int(confusion.sum() - np.trace(confusion))
    left, right = st.columns(2)
    left.metric("Test accuracy", f"{predictions.accuracy:.2%}", help="Share of test images answered correctly.")
    right.metric("Wrong answers", f"{wrong:,} of {total:,}")
    common = most_common_mistake(confusion)
    if "inspect_true" not in st.session_state and common is not None:
        st.session_state.update(inspect_true=common[0], inspect_predicted=common[1])
    pick_true, pick_predicted = st.columns(2)
    true_class = pick_true.selectbox("True class", range(len(classes)), format_func=classes.__getitem__,
                                     key="inspect_true")
    predicted_class = pick_predicted.selectbox("Predicted class", range(len(classes)),
                                               format_func=classes.__getitem__, key="inspect_predicted")
    matrix, scores = st.columns([3, 2])
    matrix.caption("Each row is the true class, each column the model's answer. The diagonal (blue) holds the "
                   "right answers; every other cell (red) counts one kind of mistake, darker when there are more. "
                   "Click a cell to see its images.")
    matrix.plotly_chart(confusion_figure(confusion, classes, (true_class, predicted_class)), width="stretch",
                        key="inspect_confusion", on_select=partial(cell_clicked, len(classes)), selection_mode="points",
                        config={"displayModeBar": False})
    scores.caption("**Precision**: of the images it called this class, the share that were. **Recall**: of the "
                   "images of this class, the share it found. **F1** balances the two.")
    scores.dataframe([{"Class": s.name, "Precision": s.precision, "Recall": s.recall, "F1": s.f1,
                       "Test images": s.support} for s in class_scores(confusion, classes)],
                     column_config={name: st.column_config.NumberColumn(format="percent")
                                    for name in ("Precision", "Recall", "F1")}, hide_index=True, width="stretch")
    show_mistakes(predictions, dataset, classes, true_class, predicted_class, int(confusion[true_class, predicted_class]))


def show_mistakes(predictions, dataset, classes, true_class: int, predicted_class: int, count: int) -> None:
    found = mistakes(predictions, true_class, predicted_class, limit=24)
    kind = "answered correctly" if true_class == predicted_class else f"taken for **{literal(classes[predicted_class])}**"
    st.markdown(f"**{count:,}** test images of **{literal(classes[true_class])}** {kind}"
                + (f"; the {len(found)} the model was surest about:" if found else "."))
    cells = st.columns(8)
    for position_in_grid, mistake in enumerate(found):
        with cells[position_in_grid % 8]:
            image = dataset.test_x[mistake.index].numpy()
            st.image(image[0] if image.shape[0] == 1 else image.transpose(1, 2, 0), width=84,
                     caption=f"#{mistake.index} · {mistake.confidence:.0%} sure")
            st.button("Look inside", key=f"inspect_look_{mistake.index}", on_click=look_inside,
                      args=(mistake.index,))
