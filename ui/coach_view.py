"""The coach on the pages: the reading of a run with its one-click fixes, and 'Find a learning rate for me'."""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from core.basics.config import RunConfig
from core.coach.fixes import apply_fix, fix_verdict
from core.coach.reading import Finding, read_history
from core.engine.history import RunHistory
from core.engine.lr_finder import RateFound, RateStep, find_learning_rate
from core.runners.runtime import get_runner
from core.store.runs import RunStore, RunSummary
from ui.run_sharing import load_setup
from ui.state import cached_dataset, remember_job, submit_for_visitor, why_visitor_must_wait
from ui.literal import literal

FINDER_REFRESH_SECONDS = 1.0
ICONS = {"learning_well": ":material/check_circle:", "still_improving": ":material/trending_up:"}


# --- the reading of this session's run (Train page) -------------------------------------------

def coach_reading(job, history: RunHistory) -> None:
    """What the coach reads in the run's curves; once it has ended, a button per fix trains again with it."""
    findings = read_history(history, job.config)
    if problem := st.session_state.pop("coach_problem", None):
        st.warning(problem)
    follows = st.session_state.get("coach_follows", {}).get(job.id)
    if follows and history.done is not None:
        st.info(f"This run tried **{follows['change']}** on your previous run: "
                f"{fix_verdict(follows['accuracy'], history.done.test_accuracy)}.")
    if not findings:
        if not job.is_done:
            st.caption("The coach reads the curves once there are enough of them (after the first epoch).")
        return
    st.markdown("#### What the coach sees" + ("" if job.is_done else " so far"))
    for index, finding in enumerate(findings):
        finding_box(finding, job, index)


def finding_box(finding: Finding, job, index: int) -> None:
    box = st.container(border=True)
    icon = ICONS.get(finding.reading.value, ":material/warning:")
    box.markdown(f"{icon} **{finding.title}**: {finding.meaning}.")
    box.markdown(finding.evidence)
    if finding.fix is None:
        return
    if not job.is_done and finding.is_problem:  # e.g. a run stuck at guessing: no need to wait for its end
        box.caption(f"Suggestion: {finding.fix.label}. Press **Stop** above to end this run now; a button to "
                    f"try the suggestion appears when it has stopped.")
        return
    if not job.is_done:
        box.caption(f"Suggestion: {finding.fix.label}. A button to try it appears when the run ends.")
        return
    box.button(f"Try {finding.fix.label} and train again", key=f"coach_fix_{job.id}_{index}",
               icon=":material/replay:", on_click=_train_with_fix, args=(job.id, index),
               help="Changes that one setting (the knobs show it) and starts a new run, "
                    "linked to this one so the Runs page can say whether it helped.")


def rerun_page_after_fix() -> None:
    """Call first in the live view's fragment: after a fix button's callback, rerun the whole page.

    The button sits in a fragment, so its click reruns only the fragment, which then shows the new run,
    not the button: a check of the button's value after the click never runs. Without this whole-page
    rerun, the knobs keep the old settings and the fragment, drawn when no run was live, never polls
    again: the page stays on "Starting…" for good.
    """
    if st.session_state.pop("coach_fix_started", False):
        st.rerun(scope="app")


def _train_with_fix(job_id: str, index: int) -> None:
    """Button callback: the old run's settings with the fix, shown in the knobs, trained as a new linked run."""
    runner = get_runner()
    job = runner.get(job_id)
    if job is None:
        st.session_state.coach_problem = "That run is no longer in memory: press Train to start again."
        return
    if problem := why_visitor_must_wait():  # e.g. a recipe of this visitor's is still training
        st.session_state.coach_problem = problem
        return
    fix = read_history(job.history(), job.config)[index].fix
    config = apply_fix(job.config, fix)
    load_setup(config)
    dataset = job.dataset if config.data.dataset == job.config.data.dataset else cached_dataset(config.data.dataset)[0]
    try:
        new_job = runner.submit(config, dataset)
    except ValueError as error:  # the queue is full
        st.session_state.coach_problem = str(error)
        return
    (runner.store or RunStore()).link(new_job.id, job.id, fix.label)
    done = job.history().done
    st.session_state.setdefault("coach_follows", {})[new_job.id] = {
        "run": job.id, "change": fix.label, "accuracy": done.test_accuracy if done else None}
    remember_job(new_job)
    st.session_state.coach_fix_started = True


# --- the reading of a saved run (Runs page) ---------------------------------------------------

def stored_reading(run: RunSummary) -> None:
    """The reading stored with a saved run at its end, one line per finding."""
    findings = [Finding.from_dict(values) for values in run.reading]
    if not findings:
        return
    st.markdown("**What the coach saw in this run**")
    for finding in findings:
        st.markdown(f"- {finding.sentence()}")


def fix_outcomes(picked: list[RunSummary], names: list[str]) -> list[str]:
    """For each picked run that re-trained another picked run with a coach's fix: did it help?"""
    letter_of = {run.id: letter for run, letter in zip(picked, names)}
    by_id = {run.id: run for run in picked}
    sentences = []
    for run in picked:
        before = by_id.get(run.follows)
        if before is not None:
            sentences.append(f"{letter_of[run.id]} re-trained {letter_of[before.id]} with the coach's suggestion, "
                             f"{run.follows_change}: {fix_verdict(before.test_accuracy, run.test_accuracy)}.")
    return sentences


def compare_with_original(run: RunSummary, known: dict[str, RunSummary]) -> None:
    """A button that picks this run and the one it fixed, so the comparison above shows both."""
    if run.follows not in known:
        return
    st.caption(f"This run re-trained **{literal(known[run.follows].name)}** with the coach's suggestion: {run.follows_change}.")
    st.button("Compare with the run it fixed", key=f"compare_fix_{run.id}", icon=":material/compare_arrows:",
              on_click=lambda: st.session_state.update(picked_runs=[run.follows, run.id]))


# --- Find a learning rate for me (Train page) -------------------------------------------------

def learning_rate_finder(config: RunConfig | None) -> None:
    """The range test as a job: progress and Stop while it runs, then the curve and the suggestion."""
    job = get_runner().get(st.session_state.get("lr_job_id", ""))
    busy = job is not None and not job.is_done
    with st.expander("Find a learning rate for me", expanded=job is not None, icon=":material/search:"):
        st.caption("Trains a copy of the network for a few hundred steps while the learning rate rises from tiny "
                   "to huge, and watches the loss: it suggests the largest rate that still learns safely.")
        st.fragment(_finder_view, run_every=FINDER_REFRESH_SECONDS if busy else None)(config)


def _finder_view(config: RunConfig | None) -> None:
    job = get_runner().get(st.session_state.get("lr_job_id", ""))
    running = job is not None and not job.is_done
    if st.button("Find a learning rate for me", disabled=config is None or running, icon=":material/search:",
                 key="find_learning_rate"):
        _start_finder(config)
        st.rerun()
    if job is None:
        return
    events = job.events()
    if job.is_done and st.session_state.get("lr_shown_done") != job.id:
        st.session_state.lr_shown_done = job.id
        st.rerun()  # stop polling
    steps = [e for e in events if isinstance(e, RateStep)]
    found = next((e for e in events if isinstance(e, RateFound)), None)
    if running:
        latest = steps[-1] if steps else None
        st.progress(latest.step / latest.total_steps if latest else 0.0,
                    text=f"Step {latest.step}/{latest.total_steps} · learning rate {latest.learning_rate:.2g}"
                    if latest else "Starting…")
        if st.button("Stop", icon=":material/stop_circle:", key="stop_finder", help="Ends the test now."):
            job.stop()
    if job.error:
        st.error(f"The learning-rate test failed: {literal(job.error)}")
    if steps:
        st.plotly_chart(rate_figure(steps, found), width="stretch", key="rate_curve")
    if found is not None:
        _suggestion(found)


def _start_finder(config: RunConfig) -> None:
    job = submit_for_visitor(config, trainer=find_learning_rate, record=False)  # a test, not a run to keep
    if job is not None:
        st.session_state.lr_job_id = job.id


def _suggestion(found: RateFound) -> None:
    if found.suggestion is None:
        st.warning(found.explanation)
        return
    st.markdown(found.explanation)
    if st.button(f"Use {found.suggestion:g} as the learning rate", type="primary", key="use_rate",
                 icon=":material/check:",
                 on_click=lambda: st.session_state.update(learning_rate=found.suggestion)):
        st.rerun()  # the whole page, so the knob shows it


def rate_figure(steps: list[RateStep], found: RateFound | None) -> go.Figure:
    """Loss against learning rate (log scale), with the suggestion marked."""
    figure = go.Figure(go.Scatter(x=[s.learning_rate for s in steps], y=[s.loss for s in steps], mode="lines",
                                  name="loss", line=dict(color="#4C78A8")))
    if found is not None and found.suggestion is not None:
        figure.add_vline(x=found.suggestion, line_dash="dash", line_color="#54A24B",
                         annotation_text=f"suggested {found.suggestion:g}")
        figure.add_vline(x=found.lowest_loss_rate, line_dash="dot", line_color="#F58518",
                         annotation_text="lowest loss", annotation_position="bottom right")
    figure.update_xaxes(type="log", title_text="learning rate (log scale)")
    figure.update_yaxes(title_text="loss (smoothed)")
    figure.update_layout(height=280, margin=dict(l=10, r=10, t=20, b=10), showlegend=False)
    return figure
