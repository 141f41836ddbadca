"""Build classes of pictures on the page, as in Teachable Machine: name a class, add files or camera photos."""
from __future__ import annotations

import uuid

import numpy as np
import streamlit as st
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.data.registry import CUSTOM_DATASETS, Dataset, register_custom
from core.data.picture_set import MAX_FILE_BYTES, PictureSet, resized
from core.runners.runtime import get_runner
from ui.literal import literal

SHOWN_PER_CLASS = 12  # thumbnails per class; the count says how many more there are


def picture_set() -> PictureSet:
    """This session's classes; it starts with two empty ones to fill."""
    if "picture_set" not in st.session_state:
        pictures = PictureSet()
        pictures.add_class("Class 1")
        pictures.add_class("Class 2")
        st.session_state.picture_set = pictures
    return st.session_state.picture_set


def _class_id(name: str) -> str:
    """A widget key part that stays the same when the class is renamed."""
    return st.session_state.setdefault("class_ids", {}).setdefault(name, uuid.uuid4().hex[:8])


def _rename(old: str, widget_key: str) -> None:
    pictures, ids = picture_set(), st.session_state.setdefault("class_ids", {})
    try:
        new = pictures.rename_class(old, st.session_state[widget_key])
        ids[new] = ids.pop(old, uuid.uuid4().hex[:8])
    except ValueError as error:
        st.session_state.class_builder_error = str(error)
        st.session_state[widget_key] = old


def _add_class() -> None:
    try:
        picture_set().add_class(st.session_state.get("new_class_name", ""))
        st.session_state.new_class_name = ""
    except ValueError as error:
        st.session_state.class_builder_error = str(error)


def _take_new_files(name: str, uploads) -> None:
    """Add uploads (files or camera photos) not taken before; say which were skipped and why."""
    seen = st.session_state.setdefault("class_builder_seen", set())
    new = [upload for upload in uploads if upload is not None and upload.file_id not in seen]
    if not new:
        return
    bar = st.progress(0.0, text="Reading your pictures…")
    skipped = picture_set().add_files(name, [(upload.name, upload.getvalue()) for upload in new],
                                      progress=lambda share, text: bar.progress(share, text=text))
    bar.empty()
    seen.update(upload.file_id for upload in new)
    release_uploaded_bytes(upload.file_id for upload in new)
    if skipped:
        st.session_state.class_builder_skipped = skipped


def release_uploaded_bytes(file_ids) -> None:
    """Free uploaded files once their pictures are decoded (150 KB copies are kept).

    Streamlit otherwise keeps every uploaded file in the server's memory for the whole browser
    session: 40 phone photos, 200 MB a visitor. Its own chat_input releases files the same way;
    tests/pages/test_my_images_page.py fails if Streamlit changes what this relies on.
    """
    context = get_script_run_ctx()
    manager = context.uploaded_file_mgr if context is not None else None
    if isinstance(manager, MemoryUploadedFileManager):
        for file_id in file_ids:
            manager.remove_file(session_id=context.session_id, file_id=file_id)


def class_card(name: str, count: int) -> None:
    """One class: its name (editable), how many pictures, thumbnails, and ways to add pictures."""
    class_id = _class_id(name)
    with st.container(border=True):
        name_key = f"class_name_{class_id}"
        # The picture set holds the name: the box shows it again after a visit to another page, where
        # Streamlit forgets the state of widgets it did not draw.
        st.session_state[name_key] = name
        with st.container(horizontal=True, vertical_alignment="bottom"):  # the button keeps its whole label
            st.text_input("Class name", key=name_key, on_change=_rename, args=(name, name_key),
                          help="What the model should answer for pictures like these.")
            if st.button("Remove", key=f"class_remove_{class_id}", icon=":material/delete:", width="content",
                         help="Removes this class and its pictures."):
                picture_set().remove_class(name)
                st.rerun()
        # A new key after each batch: the files move out of the uploader into the thumbnails below, so
        # each picture is listed once, with one way to remove it.
        batch = st.session_state.get(f"class_files_batch_{class_id}", 0)
        uploads = st.file_uploader(f"Pictures of {literal(name)}", type=["png", "jpg", "jpeg", "webp", "bmp", "gif"],
                                   accept_multiple_files=True, key=f"class_files_{class_id}_{batch}",
                                   max_upload_size=MAX_FILE_BYTES // 2**20,
                                   help="Select many files at once; the same file twice is kept once. They "
                                        "appear below as pictures once read.")
        camera_on = st.toggle("Take photos with the camera", key=f"class_camera_on_{class_id}",
                              help="Each photo you take is added to this class. If the browser blocks the camera, "
                                   "or there is none, upload files instead.")
        photo = st.camera_input(f"Photo for {literal(name)}", key=f"class_camera_{class_id}") if camera_on else None
        _take_new_files(name, [*(uploads or []), photo])
        if uploads:
            st.session_state[f"class_files_batch_{class_id}"] = batch + 1
            st.rerun()  # draws the emptied uploader and the new thumbnails
        thumbnails(name)


def thumbnails(name: str) -> None:
    pictures = picture_set().classes.get(name, [])
    if not pictures:
        st.caption("No pictures yet.")
        return
    more = len(pictures) - SHOWN_PER_CLASS
    st.caption(f"**{len(pictures)} picture{'s' if len(pictures) != 1 else ''}**" +
               (f" (the first {SHOWN_PER_CLASS} shown)" if more > 0 else ""))
    columns = st.columns(6)
    for index, picture in enumerate(pictures[:SHOWN_PER_CLASS]):
        with columns[index % 6]:
            st.image(resized(picture.pixels, 64, True).transpose(1, 2, 0), width=64)
            if st.button("", key=f"picture_remove_{_class_id(name)}_{picture.key}", icon=":material/close:",
                         help="Remove this picture"):
                picture_set().remove_picture(name, picture.key)
                st.rerun()


def class_builder(size: int, colour: bool) -> Dataset | None:
    """The classes on the page; returns their dataset once every class has enough pictures."""
    pictures = picture_set()
    for name, count in list(pictures.counts().items()):
        class_card(name, count)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("New class", key="new_class_name", placeholder="for example: defective")
        st.button("Add class", icon=":material/add:", on_click=_add_class, width="content")
    if message := st.session_state.pop("class_builder_error", None):
        st.error(literal(message))
    if skipped := st.session_state.pop("class_builder_skipped", None):
        st.warning(f"{len(skipped)} file(s) were not added: " +
                   "; ".join(f"{literal(file)} ({why})" for file, why in skipped[:8]) +
                   ("; …" if len(skipped) > 8 else ""))
    for problem in pictures.problems():
        st.info(literal(problem))
        return None
    for warning in pictures.warnings():
        st.warning(literal(warning))
    dataset = pictures.to_dataset(size, colour)
    _register(dataset)
    return dataset


def _register(dataset: Dataset) -> None:
    """Make the dataset trainable by name; forget this session's previous version unless a run used it."""
    previous = st.session_state.get("class_builder_dataset")
    if previous and previous != dataset.info.name:
        used = {job.dataset.info.name for job_id in st.session_state.get("job_ids", [])
                if (job := get_runner().get(job_id)) is not None}
        if previous not in used:
            CUSTOM_DATASETS.pop(previous, None)
    register_custom(dataset)
    st.session_state.class_builder_dataset = dataset.info.name


def sample_pixels(dataset: Dataset) -> list[np.ndarray]:
    """One training picture per class as (H, W, C) for st.image."""
    return [np.asarray(dataset.train_x[(dataset.train_y == index).nonzero()[0, 0]].permute(1, 2, 0)).squeeze()
            for index in range(len(dataset.info.classes))]
