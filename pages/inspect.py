"""Inspect page: look inside a trained model — layers, filters, feature maps, pooling, convolution, saliency, errors."""
import numpy as np
import streamlit as st
import torch

from core.lens.inspect import (
    class_probabilities,
    conv_layer_names,
    feature_maps,
    filters,
    first_layer_weights,
    hidden_activations,
    layer_table,
    saliency,
    strongest_channels,
)
from core.engine.models import count_parameters
from ui import inspect_explain
from ui.inspect_figures import bars, colour_filters, filter_matrix, heat_map, map_grid, neuron_grid, picture
from ui.inspect_pretrained import VIEWS_THAT_APPLY, is_pretrained, pretrained_view
from ui.literal import literal
from ui.model_picker import choose_model
from ui.page_files import page_file
from ui.state import cached_dataset, leave_legacy_page_mode
from ui.words import a_or_an

leave_legacy_page_mode()

VIEWS = ["Architecture", "Filters", "Feature maps", "Pooling", "Convolution", "Saliency", "Errors"]
TEST_IMAGE, DRAWING = "Test image", "Your drawing"


def pick_random_image(count: int) -> None:
    st.session_state.inspect_image_index = int(np.random.default_rng().integers(count))


def choose_image(dataset, loaded) -> tuple[torch.Tensor, np.ndarray, int | None] | None:
    """The image every view looks at: (model input, 0-255 picture, true class or None)."""
    info = loaded.info
    sources = [TEST_IMAGE] if dataset is not None and len(dataset.test_y) else []
    drawn = st.session_state.get("drawn_image")
    if drawn is not None and tuple(info.input_shape) == (1, 28, 28) and dataset is not None:
        sources.append(DRAWING)
        drawing_id = hash(np.asarray(drawn).tobytes())
        if st.session_state.get("inspect_drawing_seen") != drawing_id:  # a new drawing: show it first
            st.session_state.update(inspect_drawing_seen=drawing_id, inspect_source=DRAWING)
    if not sources:
        return None
    picker, thumbnail, answer = st.columns([2, 1, 2], vertical_alignment="center")
    with picker:
        source = st.radio("Image to look at", sources, horizontal=True, key="inspect_source",
                          help="A test image the model never trained on, or the digit you drew on the Draw page.")
        if source == DRAWING:
            pixels, label = np.asarray(drawn, dtype=np.float32).reshape(1, 28, 28), None
        else:
            count = len(dataset.test_y)
            index = st.number_input(f"Test image number (0 to {count - 1:,})", 0, count - 1, key="inspect_image_index")
            st.button("Another test image", icon=":material/casino:", on_click=pick_random_image, args=(count,))
            pixels, label = dataset.test_x[index].float().numpy(), int(dataset.test_y[index])
    x = dataset.to_input(torch.from_numpy(pixels).unsqueeze(0))
    thumbnail.plotly_chart(picture(pixels, height=170), width="stretch", key="inspect_thumbnail")
    probabilities = class_probabilities(loaded.model, x)
    guess = int(np.argmax(probabilities))
    truth = f"It is {a_or_an(info.classes[label])} **{literal(info.classes[label])}**. " if label is not None else ""
    right, wrong = " :green[:material/check_circle:]", " :red[:material/cancel:]"
    verdict = "" if label is None else (right if guess == label else wrong)
    answer.markdown(f"{truth}The model says **{literal(info.classes[guess])}** ({probabilities[guess]:.0%} sure){verdict}.")
    return x, pixels, label


def architecture_view(loaded) -> None:
    rows = layer_table(loaded.model, loaded.info.input_shape)
    left, right = st.columns(2)
    left.metric("Learned numbers (parameters)", f"{count_parameters(loaded.model):,}")
    if loaded.metrics.get("test_accuracy") is not None:
        right.metric("Test accuracy", f"{loaded.metrics['test_accuracy']:.2%}")
    st.caption(f"Input: one image of {' × '.join(map(str, loaded.info.input_shape))} (channels × height × width). "
               "Each layer turns the numbers it receives into new numbers; the shape is what one image becomes.")
    st.dataframe([{"Layer": row.name, "What it does": row.description,
                   "Output shape": " × ".join(map(str, row.output_shape)), "Parameters": row.parameters}
                  for row in rows], width="stretch", hide_index=True)


def filters_view(loaded) -> None:
    model = loaded.model
    names = conv_layer_names(model)
    if not names:
        st.info("This model has **no convolution layers**, so it has no filters. What it has instead: each neuron of "
                "its first dense layer gives every pixel a weight. Here are those weights drawn as images "
                "(red: bright ink here pushes the neuron up, blue: pushes it down).")
        weights = first_layer_weights(model, loaded.info.input_shape)
        count = st.slider("Neurons shown", 8, min(128, len(weights)), min(32, len(weights)), step=8,
                          key="inspect_weight_count")
        st.plotly_chart(map_grid(weights[:count], symmetric=True, label="neuron", cell_height=90), width="stretch")
        return
    st.caption("A **filter** is a small grid of learned weights that slides over the image. Where the image looks "
               "like the filter (ink where it is red, no ink where it is blue) the filter answers strongly: it "
               "is a detector for one small pattern, such as an edge at one angle.")
    name = st.selectbox("Convolution layer", names, key="inspect_filter_layer")
    kernels = filters(model, name)  # (filters, input channels, k, k)
    count, channels, size = kernels.shape[0], kernels.shape[1], kernels.shape[2]
    st.markdown(f"**{name}**: {count} filters of {size}×{size}, each looking at {channels} channel(s).")
    if channels == 1:
        st.plotly_chart(map_grid(kernels[:, 0], symmetric=True, label="filter", cell_height=80), width="stretch")
    elif channels == 3 and name == names[0]:
        st.caption("On colour images each filter has a red, green and blue part; together they show the colour "
                   "pattern it looks for (stretched to full brightness).")
        st.plotly_chart(colour_filters(kernels), width="stretch")
    else:
        st.caption(f"Each filter of {name} looks at all {channels} maps of the layer before it, with its own "
                   f"{size}×{size} grid for each. One row per filter, one column per input channel.")
        shown = st.slider("Filters shown", 1, count, min(count, 16), key="inspect_filter_count")
        st.plotly_chart(filter_matrix(kernels[:shown]), width="stretch")


def feature_maps_view(loaded, x, pixels) -> None:
    model = loaded.model
    if not conv_layer_names(model):
        st.info("This model has **no convolution or pooling layers**, so there are no feature maps. What applies: "
                "its hidden neurons. Each square below is one neuron of a hidden layer and how strongly it fires "
                "for this image.")
        stages = hidden_activations(model, x)
        for stage in stages:
            st.plotly_chart(neuron_grid(stage.maps, f"{stage.title}: {len(stage.maps)} neurons"), width="stretch")
        strongest = strongest_channels(stages[0].maps, 8)
        st.markdown(f"What the 8 most active neurons of {stages[0].title} look for (their weights; neurons "
                    f"{', '.join(map(str, strongest))}):")
        weights = first_layer_weights(model, loaded.info.input_shape)
        st.plotly_chart(map_grid(weights[strongest], symmetric=True, label="neuron", cell_height=110),
                        width="stretch")
        return
    st.caption("A **feature map** is a filter's answer at every position of the image: bright where the pattern it "
               "detects is present. Each layer's maps are the next layer's input. **Pooling** halves the size, "
               "keeping the strongest answer of each 2×2 block. All maps of a layer share one colour scale.")
    for stage in feature_maps(model, x):
        channels, height, width = stage.maps.shape
        title = f"{stage.title}: {channels} maps of {height}×{width}"
        st.plotly_chart(map_grid(stage.maps, title=title, columns=16 if height <= 8 else 8,
                                 cell_height=60 if height <= 8 else 90), width="stretch", key=f"maps_{stage.name}")


def saliency_view(loaded, x, pixels) -> None:
    classes = loaded.info.classes
    st.caption("**Saliency**: how much a tiny change of each pixel would change the model's score for one class. "
               "Bright pixels are the ones the decision hangs on.")
    choice_column, smooth_column = st.columns([2, 1], vertical_alignment="bottom")
    choice = choice_column.selectbox("Explain the score of", ["its answer", *classes], key="inspect_saliency_class")
    smooth = smooth_column.toggle("Smooth (average 16 noisy copies)", value=True, key="inspect_smooth",
                                  help="SmoothGrad: a plain gradient is speckled; averaging over slightly noisy "
                                       "copies of the image keeps only the pixels that matter.")
    result = saliency(loaded.model, x, None if choice == "its answer" else classes.index(choice),
                      samples=16 if smooth else 1)
    left, middle, right = st.columns(3)
    left.plotly_chart(picture(pixels, "The image", height=300), width="stretch")
    middle.plotly_chart(heat_map(result.heat, f"Pixels that move '{classes[result.target]}' most", height=300,
                                 hover="influence %{z:.4f}"), width="stretch")
    right.plotly_chart(bars(result.probabilities, list(classes), "The model's probabilities", height=300,
                            percent=True, highlight=result.target), width="stretch")


def show_view(view: str, loaded, dataset, image) -> None:
    if is_pretrained(loaded) and view not in VIEWS_THAT_APPLY:
        pretrained_view(view, loaded)
        return
    if view == "Architecture":
        architecture_view(loaded)
        return
    if view == "Errors":
        inspect_explain.errors_view(loaded, dataset)
        return
    if view == "Filters":
        filters_view(loaded)
        return
    if image is None:
        st.info("This view needs an image, and the model's test images are not available (see above).")
        return
    x, pixels, _ = image
    views = {"Feature maps": lambda: feature_maps_view(loaded, x, pixels),
             "Pooling": lambda: inspect_explain.pooling_view(loaded, x),
             "Convolution": lambda: inspect_explain.convolution_view(loaded, x),
             "Saliency": lambda: saliency_view(loaded, x, pixels)}
    views[view]()


st.title("Look inside a model")
loaded = choose_model("inspect_model")
if loaded is None:
    st.page_link(page_file("train"), label="Train a model (the Fast CNN takes under a minute)", icon=":material/model_training:")
    st.stop()
dataset, problem = cached_dataset(loaded.info.name)
if problem:
    st.error(problem)
image = choose_image(dataset, loaded)
tabs = st.tabs(VIEWS, key="inspect_view", on_change="rerun")
for tab, view in zip(tabs, VIEWS):
    with tab:
        if tab.open:
            try:
                show_view(view, loaded, dataset, image)
            except ValueError as error:
                st.error(literal(str(error)))
