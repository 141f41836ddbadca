"""The "My images" part of the Train page: classes built on the page or a zip of class folders."""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from core.basics import settings
from core.basics.choices import DEFAULT_PRESET, PRESETS, scratch_presets
from core.basics.limits import MIN_IMAGES_PER_CLASS
from core.data.dataset import Dataset
from core.data.image_folder import build_dataset, read_zip
from core.data.kept_datasets import discard, keep, owner_of
from core.data.registry import CUSTOM_DATASETS, register_custom
from core.store.quotas import expired_sentence, room_for
from core.store.runs import RunStore
from ui.class_builder import class_builder
from ui.literal import literal
from ui.state import owner_token

SIZES = {32: "32 x 32 (fast)", 64: "64 x 64 (more detail, slower)"}
PRETRAINED_SIZES = {128: "128 x 128 (fast, nearly as good)", 224: "224 x 224 (as it was pretrained; about 3x slower)"}
BUILD, ZIP = "Build classes here", "Upload a zip of class folders"


def _read(upload, size: int, colour: bool):
    """The zip's pictures, read once per file and size (kept in this session), with a progress bar."""
    key = (upload.file_id, size, colour)
    earlier = st.session_state.get("my_images_read")
    if earlier is not None and earlier[0] == key:
        return earlier[1]
    bar = st.progress(0.0, text="Reading your images…")
    result = read_zip(upload.getvalue(), size, colour, progress=lambda share, text: bar.progress(share, text=text))
    bar.empty()
    st.session_state.my_images_read = (key, result)
    return result


def uses_pretrained() -> bool:
    """Whether the chosen network is the pretrained one (it reads colour pictures of 128 or 224 px)."""
    return bool(PRESETS[st.session_state.get("preset", DEFAULT_PRESET)].pretrained)


def size_widgets() -> tuple[int, bool]:
    """Picture size and colour, with the choices that suit the chosen network."""
    left, right = st.columns(2)
    if uses_pretrained():
        if st.session_state.get("my_images_pretrained_size") not in PRETRAINED_SIZES:
            st.session_state.my_images_pretrained_size = 128
        size = left.selectbox("Picture size", list(PRETRAINED_SIZES), format_func=PRETRAINED_SIZES.get,
                              key="my_images_pretrained_size",
                              help="Every picture is resized to this square before the pretrained network reads it.")
        right.caption("The pretrained network reads colour pictures with values scaled to -1..1, as it learned "
                      "them on ImageNet; the page does that for you.")
        return size, True
    size = left.selectbox("Image size", list(SIZES), format_func=SIZES.get, key="my_images_size",
                          help="Every image is resized to this square; bigger keeps detail but trains slower.")
    colour = right.toggle("Colour", value=True, key="my_images_colour",
                          help="Off turns the images grey: faster, and enough when colour doesn't matter.")
    return size, colour


def my_images_section() -> Dataset | None:
    """Classes built on the page or a zip; returns the user's dataset once it is usable."""
    how = st.radio("Your pictures", [BUILD, ZIP], horizontal=True, key="my_images_how",
                   help="Make classes here and add pictures from files or the camera, or upload one zip with a "
                        "folder per class.")
    size, colour = size_widgets()
    if how == BUILD:
        dataset = class_builder(size, colour)
        if dataset is not None:
            _chose(dataset)
            st.success(f"{len(dataset.info.classes)} classes, {len(dataset.train_y) + len(dataset.test_y)} pictures: "
                       f"{len(dataset.test_y)} are kept aside to test the finished model.")
            keep_or_discard(dataset)
        return dataset
    return zip_section(size, colour)


def _chose(dataset: Dataset) -> None:
    if st.session_state.get("my_images_name") != dataset.info.name:
        st.session_state.my_images_name = dataset.info.name
        if not uses_pretrained():  # the pretrained network keeps its own settings (no augmentation: cached)
            st.session_state.update(small_dataset_settings(len(dataset.train_y)))


def zip_section(size: int, colour: bool) -> Dataset | None:
    """The zip of class folders: upload, read safely, summary."""
    st.caption(f"A zip with one folder per class (for example `good/` and `defective/`), at least "
               f"{MIN_IMAGES_PER_CLASS} images in each; a few dozen per class work well.")
    limit = settings.integer("PLAYGROUND_MAX_UPLOAD_MB")
    upload = st.file_uploader("Images (zip)", type=["zip"], key="my_images_zip", max_upload_size=limit,
                              help=f"Up to {limit} MB. Only the images inside are read; nothing is unpacked to disk.")
    if upload is None:  # after a visit to another page the uploader is empty, but the images are kept
        earlier = CUSTOM_DATASETS.get(st.session_state.get("my_images_name", ""))
        if earlier is not None:
            st.caption(f"Using the images you uploaded earlier ({literal(', '.join(earlier.info.classes))}). "
                       "Upload another zip to replace them.")
        return earlier
    try:
        images, report = _read(upload, size, colour)
    except ValueError as error:
        st.error(literal(str(error)))
        return None
    try:
        dataset = build_dataset(images)
    except ValueError as error:
        st.error(literal(str(error)))
        show_skipped(report)  # often the reason: say which files were left out and why
        return None
    register_custom(dataset)
    _chose(dataset)
    show_summary(dataset, report)
    keep_or_discard(dataset)
    return dataset


def small_dataset_settings(train_images: int) -> dict:
    """Settings that suit a few hundred images: small batches, enough epochs for ~200 steps, augmentation."""
    batch_size = 16 if train_images < 2000 else 64
    steps_per_epoch = max(1, train_images // batch_size)
    return {"augment": train_images < 5000, "batch_size": batch_size,
            "epochs": min(40, max(5, math.ceil(200 / steps_per_epoch)))}


def show_summary(dataset: Dataset, report) -> None:
    counts = ", ".join(f"**{literal(name)}** {count}" for name, count in report.counts.items())
    st.success(f"{len(report.counts)} classes: {counts}. {len(dataset.test_y)} images are kept aside to test "
               "the finished model.")
    samples = [dataset.train_x[(dataset.train_y == index).nonzero()[0, 0]] for index in range(len(dataset.info.classes))]
    shown = [np.asarray(pixels.permute(1, 2, 0)).squeeze() for pixels in samples[:8]]
    st.image(shown, caption=[literal(name) for name in dataset.info.classes[:8]], width=72)
    show_skipped(report)


def show_skipped(report) -> None:
    if report.skipped:
        with st.expander(f"{len(report.skipped)} file(s) skipped"):
            st.dataframe([{"file": path, "why": reason} for path, reason in report.skipped], hide_index=True)


def keep_or_discard(dataset: Dataset) -> None:
    owner = owner_of(dataset.info.name)
    if owner is None:
        if st.button("Keep these images", help="Stores them with your runs, so you can use them after a restart."):
            keep_images(dataset)
    elif owner == owner_token():
        st.caption("These images are kept with your runs.")
        if expired := st.session_state.pop("my_images_expired", None):
            st.info(literal(expired))
        if st.button("Discard the kept copy", help="Deletes the stored images; models trained on them stay."):
            try:
                discard(dataset.info.name, owner_token())
            except OSError:
                st.error(RunStore().cannot_save() or "The kept pictures could not be deleted (a disk error).")
                return
            st.rerun()
    else:
        st.caption("These images were kept by another session; only that session can discard them.")


def keep_images(dataset: Dataset) -> None:
    """Store the pictures if the upload quotas allow (core/store/quotas.py); say what expired or why not."""
    try:
        with room_for(dataset.size_in_bytes, owner_token()) as expired:
            keep(dataset, owner_token())
    except ValueError as error:
        st.error(literal(str(error)))
        return
    except OSError:
        st.error(RunStore().cannot_save() or "The pictures could not be stored (a disk error).")
        return
    if expired:
        st.session_state.my_images_expired = expired_sentence(expired)
    st.rerun()


def network_choices(own_pictures: bool) -> list[str]:
    """For own pictures every network, the pretrained ones first; for the built-in datasets those from scratch."""
    choices = [key for key in PRESETS if PRESETS[key].pretrained] + scratch_presets() if own_pictures \
        else scratch_presets()
    if st.session_state.get("preset") not in choices:
        st.session_state.preset = choices[0]
    return choices
