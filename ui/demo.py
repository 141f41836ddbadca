"""The Demo page's parts: one saved model shown to a viewer who has never trained anything."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from core.basics import settings
from core.store.runs import RunStore, RunSummary
from ui.literal import literal
from ui.page_files import page_file
from ui.state import cached_dataset

DEMO_QUERY = "model"  # the Demo page's link: ?model=<run id>


def test_pictures(run: RunSummary) -> int | None:
    """How many test pictures the run's accuracy was measured on, when its dataset can still be read."""
    dataset, _ = cached_dataset(run.config.data.dataset)
    return None if dataset is None else len(dataset.test_y)


def accuracy_sentence(run: RunSummary, pictures: int | None) -> str:
    """How well it did, in one plain sentence."""
    if run.test_accuracy is None:
        return "It has not been tested on pictures it never saw, so how often it is right is not known."
    right = f"{run.test_accuracy:.0%}"
    if pictures:
        return (f"On {pictures:,} test pictures it had never seen, it was right {right} of the time "
                f"(about {round(run.test_accuracy * pictures):,} of them).")
    return f"On the test pictures it had never seen, it was right {right} of the time."


def lifetime_sentence() -> str:
    """How long a demo link lives on this deployment, and how to keep a lasting copy."""
    where = ("This demo lives on a shared hosted app: the link works until the app restarts (it loses its disk "
             "then, for example after sleeping)." if settings.is_hosted() else
             "This demo link works as long as this copy of the app keeps its runs folder.")
    return (where + " For a lasting copy, the model's owner can download its run file on the **Runs** page and "
                    "load it into any copy of Neural Playground.")


def header(run: RunSummary, classes: tuple[str, ...]) -> None:
    """The model's name, its classes and how well it did."""
    st.title(literal(run.name))
    st.markdown("It tells these apart: " + ", ".join(f"**{literal(name)}**" for name in classes) + ".")
    st.markdown(accuracy_sentence(run, test_pictures(run)))


def missing(run_id: str) -> None:
    st.title("Demo")
    if run_id:
        st.warning("The model of this link is not on this app any more: it was deleted, or the app restarted and "
                   "lost its runs. Ask whoever sent the link for the run file, or a new link.")
    else:
        st.info("A demo shows one trained model. Open one from the **Runs** page (Share a demo) or from a "
                "finished run on the **Train** page.")


def demo_url(run_id: str) -> str:
    """The full address of the run's Demo page on this app, to copy and send."""
    address = urlsplit(st.context.url or "http://localhost:8501/")
    return urlunsplit((address.scheme, address.netloc, "/demo", urlencode({DEMO_QUERY: run_id}), ""))


def share_demo(run_id: str) -> None:
    """'Share a demo': the Demo page's link, to open here or copy and send (for a run saved with its weights)."""
    try:
        if not RunStore().get(run_id).has_weights:
            return
    except ValueError:  # not recorded (the runs folder could not be written): nothing to link to
        return
    st.page_link(page_file("demo"), label="Share a demo", icon=":material/present_to_all:",
                 query_params={DEMO_QUERY: run_id},
                 help="A page with only this model: anyone with the link can try it on a picture, and nobody "
                      "can change it there.")
    st.code(demo_url(run_id), language=None, wrap_lines=True)
