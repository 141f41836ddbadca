"""Draw page: draw a digit (or upload a picture) and watch the model's answer change as you draw."""
import numpy as np
import streamlit as st
from streamlit_drawable_canvas import st_canvas

from core.basics.config import CUSTOM_PREFIX
from core.lens.predict import predict
from core.data.preprocess import MAX_UPLOAD_BYTES, canvas_to_digit, upload_to_picture
from ui.draw_figures import answer_html
from ui.inspect_figures import bars, picture
from ui.literal import literal
from ui.model_picker import DEMO_KEY, choose_model
from ui.page_files import page_file
from ui.state import leave_legacy_page_mode
from ui.try_it import camera_photo

leave_legacy_page_mode()

CANVAS_SIZE = 280  # ten canvas pixels per model pixel
BRUSH_WIDTH = 20  # about as thick, relative to the digit, as MNIST's pen strokes
DRAW, UPLOAD = "Draw", "Upload a picture"
PROMPT = "**Draw a digit** (0 to 9) on the black square, as large as you like. The answer appears as you draw."


def clear_canvas() -> None:
    # A canvas with a new key is a new, empty canvas: the old drawing cannot come back.
    st.session_state.draw_canvas_number = st.session_state.get("draw_canvas_number", 0) + 1


def canvas_pixels() -> np.ndarray | None:
    """The canvas, drawn on screen; its RGBA pixels (None before the first stroke)."""
    result = st_canvas(stroke_width=BRUSH_WIDTH, stroke_color="#FFFFFF", background_color="#000000",
                       height=CANVAS_SIZE, width=CANVAS_SIZE, drawing_mode="freedraw", update_streamlit=True,
                       return_image_data=True, key=f"draw_canvas_{st.session_state.get('draw_canvas_number', 0)}")
    try:
        return result.image_data
    except (OSError, ValueError):  # a picture the browser sent damaged: treat it like an empty canvas
        return None


def show_answer(loaded, picture_pixels: np.ndarray, seen, answer) -> None:
    """'What the model sees' in one column; the big answer and every class's probability in the other."""
    try:
        prediction = predict(loaded.model, loaded.info, picture_pixels)
    except ValueError as error:  # a picture this model cannot read: say why instead of a traceback
        answer.error(str(error))
        return
    seen.plotly_chart(picture(picture_pixels, "What the model sees", height=250), width="stretch", key="draw_seen")
    with answer:
        st.html(answer_html(prediction.answer, prediction.confidence))
        st.plotly_chart(bars(prediction.probabilities, list(prediction.classes), "How sure the model is of each answer",
                             height=260, percent=True, highlight=prediction.best), width="stretch", key="draw_bars")


def link_to_inspect(picture_pixels: np.ndarray) -> None:
    # The Inspect page reads this exact key: a (1, 28, 28) float32 0-255 picture, shown first when it changes.
    st.session_state["drawn_image"] = picture_pixels.astype(np.float32)
    st.page_link(page_file("inspect"), label="Look inside the model with this digit", icon=":material/biotech:",
                 help="The Inspect page shows the feature maps and saliency of this digit for the model chosen there.")


@st.fragment  # a new stroke reruns only this panel, so the answer keeps up with the pen
def drawing_panel(loaded) -> None:
    st.space("small")  # room for the canvas's toolbar, which floats above its top edge
    canvas_column, answer, seen = st.columns([3, 3, 2], gap="medium")  # the answer next to (on a phone: right under) the canvas
    with canvas_column:
        pixels = canvas_pixels()
        st.button("Clear", icon=":material/ink_eraser:", on_click=clear_canvas, key="draw_clear",
                  help="Empty the canvas and start a new digit.")
    picture_pixels = canvas_to_digit(pixels)
    if picture_pixels is None:
        answer.info(PROMPT, icon=":material/draw:")
        seen.caption("Here you will see your digit the way the model gets it: cropped to the ink, shrunk so its "
                     "longer side is 20 pixels and centred in a 28 × 28 square, like the digits it learned from.")
        return
    show_answer(loaded, picture_pixels, seen, answer)
    seen.caption("28 × 28 pixels: your drawing cropped to the ink, shrunk so the longer side is 20 pixels and "
                 "centred by its weight, the way MNIST's digits were made.")
    with canvas_column:
        link_to_inspect(picture_pixels)


def read_upload(data: bytes, info) -> np.ndarray | None:
    """The uploaded file as the model's picture; None (after saying why) if it cannot be used."""
    try:
        return upload_to_picture(data, info)
    except ValueError as error:
        st.error(literal(str(error)))
        return None


def upload_panel(loaded) -> None:
    info = loaded.info
    upload_column, answer, seen = st.columns([3, 3, 2], gap="medium")
    _, height, width = info.input_shape
    how = ("A photo or scan of one handwritten digit; dark ink on light paper is turned round to match MNIST."
           if info.is_digits else f"Any picture; it is resized to the {height} × {width} pixels this model reads.")
    upload = upload_column.file_uploader(
        "A picture (PNG or JPEG)", type=["png", "jpg", "jpeg"], key="draw_upload",
        max_upload_size=MAX_UPLOAD_BYTES // 2**20, help=f"{how} Up to {MAX_UPLOAD_BYTES // 2**20} MB.")
    if not info.is_digits:
        with upload_column:
            upload = camera_photo("draw") or upload
    if upload is None:
        answer.info(f"**Upload a picture** (or take a photo) for the model to read. {how}", icon=":material/upload:")
        return
    with upload_column:
        picture_pixels = read_upload(upload.getvalue(), info)
    if picture_pixels is None:
        return
    show_answer(loaded, picture_pixels, seen, answer)
    if info.is_digits:
        with upload_column:
            link_to_inspect(picture_pixels)


def use_demo_model() -> None:
    st.session_state.draw_model = DEMO_KEY


def colour_model_note(info) -> str:
    """Why there is no canvas for this model, and what to do instead."""
    reads = (f"tells **{literal(' / '.join(info.classes[:6]))}**{' …' if len(info.classes) > 6 else ''} apart"
             if info.name.startswith(CUSTOM_PREFIX) else f"reads **{info.title}**")
    return (f"This model {reads}: give it a picture below (a file, or a photo with the camera). Drawing is for "
            "models of handwritten digits (MNIST), such as the demo model.")


heading = st.empty()  # its words depend on the model picked below it
loaded = choose_model("draw_model")
if loaded is None:
    heading.title("Draw a digit")
    st.page_link(page_file("train"), label="Train a model (the Fast CNN takes under a minute)",
                 icon=":material/model_training:")
    st.stop()
if loaded.info.is_digits:
    heading.title("Draw a digit")
    source = st.radio("Give the model a digit", [DRAW, UPLOAD], horizontal=True, key="draw_source",
                      help="Draw one with the mouse (or a finger on a touch screen), or upload a photo of one.")
else:
    heading.title("Show the model a picture")
    st.info(colour_model_note(loaded.info), icon=":material/image:")
    st.button("Draw a digit with the demo model", icon=":material/draw:", on_click=use_demo_model,
              key="draw_use_demo", help="Picks the demo model in the Model box: it reads drawings.")
    source = UPLOAD
if source == DRAW:
    drawing_panel(loaded)
else:
    upload_panel(loaded)
