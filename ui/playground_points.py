"""Your own points in the 2-D playground: paint them by clicking, add them by coordinates, upload a CSV,
download the points in use."""
from __future__ import annotations

import streamlit as st

from core.playground.csv_points import FORMAT_HELP, MAX_CSV_BYTES, read_points_csv, write_points_csv
from core.playground.points import EXTENT, MAX_CLASSES, MAX_POINTS, Task
from core.playground.training import PlaneTrainer
from ui.playground_colours import class_name
from ui.playground_session import OwnPoints, add_point, forget_painted_points, own_points, use_own_points


def painting_widgets(trainer: PlaneTrainer) -> None:
    """What a click on the plane adds: a point of a class (one new class allowed) or with a value."""
    if trainer.task == Task.REGRESSION:
        st.slider("Clicking on the plane adds a point with the value", -1.0, 1.0, 1.0, 0.1, key="toy_click_value")
    else:
        choices = list(range(min(trainer.train.classes + 1, MAX_CLASSES)))
        if st.session_state.get("toy_click_class", 1) not in choices:
            st.session_state.toy_click_class = 1
        st.radio("Clicking on the plane adds a point that is", choices, format_func=class_name,
                 horizontal=True, key="toy_click_class",
                 help="The last choice is a new class: painting it gives the network one more output.")
    with st.expander("Add a point by its coordinates"):
        left, right = st.columns(2)
        x = left.number_input("x", -EXTENT, EXTENT, 0.0, 0.1, key="toy_new_x")
        y = right.number_input("y", -EXTENT, EXTENT, 0.0, 0.1, key="toy_new_y")
        st.button("Add point", on_click=add_point, args=(x, y), icon=":material/add:")
    if st.session_state.get("toy_added"):
        st.button("Remove the points I added", on_click=forget_painted_points)


def _read_upload() -> None:
    upload = st.session_state.get("toy_csv")
    st.session_state.toy_csv_error = None
    if upload is None:
        return
    if upload.size > MAX_CSV_BYTES:  # refused before a byte of it is read
        st.session_state.toy_csv_error = (f"The file is {upload.size / 1000:,.0f} KB; the playground takes CSV files "
                                          f"up to {MAX_CSV_BYTES / 1000:,.0f} KB.")
        return
    try:
        points = read_points_csv(upload.getvalue())
    except ValueError as error:
        st.session_state.toy_csv_error = str(error)
        return
    forget_painted_points()
    use_own_points(OwnPoints(upload.name, points=points))


def own_points_notice() -> None:
    """In place of the dataset choice: whose points these are, and the way back to generated ones."""
    own = own_points()
    points = own.points if own.points is not None else own.train.plus(own.test)
    what = "values" if points.task == Task.REGRESSION else f"{points.classes} classes"
    st.info(f"Training on your points from **{own.name}** ({len(points):,} points, {what}).",
            icon=":material/upload_file:")
    st.button("Back to generated points", on_click=use_own_points, args=(None,))


def own_points_widgets(trainer: PlaneTrainer) -> None:
    """Upload a CSV of points, download the points in use."""
    st.file_uploader(f"Upload points (CSV, up to {MAX_POINTS:,})", type=["csv"], key="toy_csv",
                     on_change=_read_upload, help=FORMAT_HELP)
    if st.session_state.get("toy_csv_error"):
        st.error(st.session_state.toy_csv_error)
    everything = trainer.train.plus(trainer.test) if len(trainer.test) else trainer.train
    st.download_button("Download these points (CSV)", write_points_csv(everything), "playground_points.csv",
                       "text/csv", icon=":material/download:", on_click="ignore",
                       help="Training and test points together, in the format the upload takes.")
