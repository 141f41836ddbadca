"""After a run on the user's own pictures: an honest test report with their class names, and a live try."""
from __future__ import annotations

import numpy as np
import streamlit as st

from core.engine.events import Extracting
from core.lens.metrics import confusion_matrix, predict_test_set
from ui.inspect_figures import confusion_figure
from ui.page_files import page_file
from ui.try_it import try_it

TRUSTED_TEST_PICTURES = 10  # per class; with fewer, one picture moves a class's figure by over 10 points


def reading_text(event: Extracting) -> str:
    """Progress words while the pretrained network reads the pictures."""
    remembered = f" ({event.from_cache} remembered from an earlier run)" if event.from_cache else ""
    return f"The pretrained network is reading your pictures: {event.done}/{event.total}{remembered}"


def _confusion(job) -> np.ndarray:
    cached = st.session_state.setdefault("my_images_confusion", {})
    if job.id not in cached:
        predictions = predict_test_set(job.model, job.dataset)
        cached[job.id] = confusion_matrix(predictions.labels, predictions.predicted, len(job.dataset.info.classes))
    return cached[job.id]


def test_warning(confusion: np.ndarray) -> str | None:
    """Plain words on how far the test figure can be trusted, when the test set is small."""
    per_class, total = confusion.sum(axis=1), int(confusion.sum())
    if per_class.min() >= TRUSTED_TEST_PICTURES:
        return None
    return (f"The test used only {total} pictures ({int(per_class.min())} in the smallest class), kept aside and never "
            f"trained on: one picture more or less right moves the accuracy by {100 / total:.0f} points. Add "
            "pictures to every class for a figure you can trust.")


def my_images_results(job, done) -> None:
    """Confusion matrix with the user's class names, a warning when the test is small, and Try it."""
    classes = job.dataset.info.classes
    confusion = _confusion(job)
    st.markdown("**How it did on the pictures kept aside**: each row is the true class, each column its answer; "
                "the diagonal (blue) holds the right answers, the other cells (red) the mistakes.")
    if warning := test_warning(confusion):
        st.warning(warning)
    st.plotly_chart(confusion_figure(confusion, classes, None), width="stretch", key="my_images_confusion_chart",
                    config={"displayModeBar": False})
    st.subheader("Try it")
    try_it(job.model, job.dataset.info, "train_try")
    st.page_link(page_file("inspect"), label="Look inside: which pixels decided the answer (saliency)",
                 icon=":material/biotech:")
