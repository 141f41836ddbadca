"""Recipes page: the five example systems from the source articles, rerun with one click."""
from datetime import datetime

import streamlit as st

from core.basics.choices import DATASETS, OPTIMIZERS
from core.basics.status import RunStatus
from core.recipes import PUBLISHED_FIGURES, RECIPES, Recipe, load_results, recipe_config, run_tiny_recipe, start_recipe
from core.runners.jobs import Job
from core.runners.runtime import get_runner
from ui.state import cached_dataset, leave_legacy_page_mode, own_run, why_visitor_must_wait
from ui.literal import literal

leave_legacy_page_mode()


def recipe_job(name: str) -> tuple[Job | None, bool]:
    """This session's latest run of recipe `name` and whether it is the fast version."""
    job_id, fast = st.session_state.get("recipe_jobs", {}).get(name, (None, False))
    return (get_runner().get(job_id) if job_id else None), fast


def start(recipe: Recipe, fast: bool) -> None:
    """Load the recipe's images and queue the run; a missing dataset is kept to show on the card."""
    dataset_name = recipe_config(recipe.name, fast).data.dataset
    problems = st.session_state.setdefault("recipe_problems", {})
    refusals = st.session_state.setdefault("recipe_refusals", {})
    refusals.pop(recipe.name, None)
    if problems.pop(recipe.name, None):
        cached_dataset.clear(dataset_name)  # look for the files (or the internet) again
    dataset, problem = cached_dataset(dataset_name)
    if problem:
        problems[recipe.name] = problem
        return
    refusal = why_visitor_must_wait()
    if refusal is None:
        try:
            job = start_recipe(recipe.name, fast, dataset, get_runner())
        except ValueError as error:  # the queue is full
            refusal = str(error)
    if refusal:
        refusals[recipe.name] = refusal
        return
    st.session_state.setdefault("recipe_jobs", {})[recipe.name] = (job.id, fast)
    st.session_state.setdefault("job_ids", []).append(job.id)  # other pages can use the trained model
    own_run(job.id)


def describe_settings(recipe: Recipe) -> str:
    config = recipe_config(recipe.name)
    dropout = f", dropout {config.model.dropout:g}" if config.model.dropout else ""
    return (f"{OPTIMIZERS.label_of(config.train.optimizer)} (learning rate {config.train.learning_rate:g}), "
            f"batch {config.train.batch_size}, {config.train.epochs} epochs{dropout} on "
            f"{DATASETS[config.data.dataset].short_title}; {config.data.validation_split:.0%} of the training images are "
            "held back to check progress, and accuracy is measured on the separate test images.")


def describe_result(summary: dict) -> str:
    when = datetime.fromisoformat(summary["date"]).strftime("%d %b %Y %H:%M UTC")
    status = "" if summary["status"] == RunStatus.FINISHED else f" · **{summary['status']}**"
    if summary["measure"] == "probability":
        return f"{summary['seconds']:.2f} s on {summary['device']} · {when}{status}"
    source = " (a sample of the dataset)" if "sample" in summary.get("data_source", "") else ""
    epochs = f"{summary['epochs']} epoch{'s' if summary['epochs'] != 1 else ''}"
    return (f"{summary['train_images']:,} training images{source}, {epochs} · tested on "
            f"{summary['test_images']:,} images · {summary['seconds']:.0f} s on {summary['device']} · {when}{status}")


def result_columns(recipe: Recipe, results: dict) -> None:
    """Claim, last full run and last fast run side by side."""
    claim_column, full_column, fast_column = st.columns(3)
    if recipe.claimed_accuracy is not None:
        claim_column.metric("Claimed", f"{recipe.claimed_accuracy:.2%}")
    elif recipe.name in PUBLISHED_FIGURES:
        claim_column.metric("Claimed", "none", help=f"The article gives no number; the difference shown is "
                                                    f"against the published {PUBLISHED_FIGURES[recipe.name]:.1%}.")
    else:
        claim_column.metric("Claimed", "none")
    reference = recipe.claimed_accuracy or PUBLISHED_FIGURES.get(recipe.name)
    for column, version, label in ((full_column, "full", "Last full run here"),
                                   (fast_column, "fast", "Last fast run here")):
        summary = results.get(version)
        if summary is None:
            column.metric(label, "not run yet")
            continue
        vs = "claim" if recipe.claimed_accuracy else "published figure"
        delta = f"{(summary['measured'] - reference) * 100:+.2f} points vs {vs}" if reference else None
        column.metric(label, f"{summary['measured']:.2%}", delta=delta, delta_color="off" if delta else "normal")
        column.caption(describe_result(summary))


@st.fragment(run_every=1.0)
def live_progress(name: str) -> None:
    """Progress of a running recipe; redraws the whole page once it ends."""
    job, fast = recipe_job(name)
    if job is None or job.is_done:
        st.rerun()
    position = get_runner().queue_position(job)
    last = job.history().latest_step
    version = "fast version" if fast else "full version"
    if position:
        st.info(f"The {version} is waiting for a free training slot (number {position} in the queue).")
    elif last is None:
        st.info(f"Starting the {version}…")
    else:
        st.progress(last.step / last.total_steps,
                    text=f"Training the {version}: epoch {last.epoch}, step {last.step:,} of {last.total_steps:,}, "
                         f"loss {last.loss:.3f}, about {last.seconds_left:.0f} s left")
    if st.button("Stop", key=f"stop_{name}", icon=":material/stop:"):
        job.stop()


def job_outcome(name: str) -> None:
    """After a run ends: say so when it did not give a result."""
    job, _ = recipe_job(name)
    if job is None or not job.is_done or job.status == RunStatus.FINISHED:
        return
    if job.status == RunStatus.FAILED:
        st.error(f"The run failed: {literal(job.error)}")
    elif job.status == RunStatus.STOPPED:
        st.warning("Stopped before the end, so no result was recorded.")
    else:
        st.warning("The loss blew up (diverged); the recorded accuracy is of the weights from just before.")


def run_buttons(recipe: Recipe) -> None:
    job, _ = recipe_job(recipe.name)
    running = job is not None and not job.is_done
    full_column, fast_column = st.columns(2)
    if full_column.button("Run full version", key=f"full_{recipe.name}", disabled=running, width="stretch",
                          icon=":material/play_arrow:", help=f"Exactly as in the article: {describe_settings(recipe)}"):
        start(recipe, fast=False)
        st.rerun()
    if fast_column.button(f"Run fast version ({recipe.fast_note})", key=f"fast_{recipe.name}", disabled=running,
                          width="stretch", icon=":material/bolt:",
                          help="A shorter run that finishes in under a minute on a laptop CPU. Its accuracy is "
                               "lower than the full version's, so it is not comparable with the claim."):
        start(recipe, fast=True)
        st.rerun()
    problem = st.session_state.get("recipe_problems", {}).get(recipe.name) or \
        st.session_state.get("recipe_refusals", {}).get(recipe.name)
    if problem:
        st.error(problem)
    if running:
        live_progress(recipe.name)
    else:
        job_outcome(recipe.name)


def image_recipe_card(recipe: Recipe) -> None:
    st.markdown(f"**Claim:** {recipe.claim}")
    if recipe.note:
        st.caption(recipe.note)
    st.caption(f"Settings: {describe_settings(recipe)}")
    dataset_name = recipe_config(recipe.name).data.dataset
    if dataset_name != "mnist":
        st.caption(f"Needs {DATASETS[dataset_name].short_title}: fetched on the first run if it is not on this machine "
                   "(MNIST is always here).")
    result_columns(recipe, load_results(recipe.name))
    run_buttons(recipe)


def tiny_mlp_card(recipe: Recipe) -> None:
    st.markdown(f"**Claim:** {recipe.claim}")
    seed = st.columns(3)[0].number_input("Random start (seed)", min_value=0, max_value=10_000, value=0, step=1,
                                         key="tiny_seed", help="Different seeds start from different random weights.")
    if st.button("Run it", key="run_tiny_mlp", icon=":material/play_arrow:",
                 help="10 epochs of SGD on the two points: takes a fraction of a second."):
        run_tiny_recipe(seed=int(seed))
    summary = load_results(recipe.name).get("full") or load_results(recipe.name).get("fast")
    if summary is None:
        st.caption("Not run on this machine yet.")
    else:
        first, second = summary["training_probabilities"]
        probability_column, training_column = st.columns(2)
        probability_column.metric("Predicted chance that [1,1,1] is class 1", f"{summary['measured']:.3f}",
                                  help=f"Seed {summary.get('seed', 0)}; 0.5 means 'no idea'.")
        training_column.markdown(f"On its own training points: [1,0,1] (label 0) → **{first:.3f}**, "
                                 f"[1,1,0] (label 1) → **{second:.3f}**")
        st.caption(f"Last run: seed {summary.get('seed', 0)} · {describe_result(summary)}")
    st.info(f"Why two points teach little: {recipe.note}", icon=":material/lightbulb:")


st.title("Recipes from the articles")
st.caption("The five example systems the product was specified from, each with the article's claim next to what "
           "this machine measures. The full version trains exactly as the article did; the fast version is a "
           "shorter run for a first look. Every image run is recorded like any other run.")
for recipe in RECIPES.values():
    with st.container(border=True):
        st.subheader(recipe.title)
        st.caption(recipe.architecture)
        (tiny_mlp_card if recipe.config is None else image_recipe_card)(recipe)
