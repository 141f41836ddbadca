"""Try a trained model on a new picture: an upload or a camera photo, answered with every class's probability."""
from __future__ import annotations

import streamlit as st

from core.data.preprocess import MAX_UPLOAD_BYTES, upload_to_picture
from core.lens.predict import predict
from ui.draw_figures import answer_html
from ui.inspect_figures import bars
from ui.literal import literal

PICTURE_TYPES = ["png", "jpg", "jpeg", "webp"]


def new_picture(key: str):
    """A picture file or a camera photo (the camera only when switched on: it asks the browser for access)."""
    upload = st.file_uploader("A new picture", type=PICTURE_TYPES, key=f"{key}_upload",
                              max_upload_size=MAX_UPLOAD_BYTES // 2**20,
                              help=f"Any picture; it is resized to the size the model reads. Up to "
                                   f"{MAX_UPLOAD_BYTES // 2**20} MB.")
    return camera_photo(key) or upload


def camera_photo(key: str):
    """A camera photo once the camera is switched on (only then does the browser ask for access)."""
    if st.toggle("Use the camera", key=f"{key}_camera_on",
                 help="Take a photo for the model to answer. If the browser blocks the camera, or there is none, "
                      "upload a picture instead."):
        return st.camera_input("Photo", key=f"{key}_camera")
    return None


def answer(loaded_model, info, data: bytes, key: str) -> None:
    """The model's answer for picture bytes, or why it cannot read them."""
    try:
        prediction = predict(loaded_model, info, upload_to_picture(data, info))
    except ValueError as error:
        st.error(literal(str(error)))
        return
    st.html(answer_html(prediction.answer, prediction.confidence))
    st.plotly_chart(bars(prediction.probabilities, list(prediction.classes), "How sure the model is of each class",
                         height=240, percent=True, highlight=prediction.best), width="stretch", key=f"{key}_bars")


def try_it(loaded_model, info, key: str) -> None:
    """Upload or photograph a picture and see the model's answer beside it."""
    picture_column, answer_column = st.columns(2)
    with picture_column:
        picture = new_picture(key)
        if picture is not None:
            st.image(picture.getvalue(), width=160)
    with answer_column:
        if picture is None:
            st.info("Upload a picture (or take a photo) the model has never seen.", icon=":material/upload:")
        else:
            answer(loaded_model, info, picture.getvalue(), key)
