"""Runs page: every saved run; rename, delete, compare, download, upload, export and fine-tune."""
import re
import warnings
from dataclasses import replace

import pandas as pd
import streamlit as st

from core.basics import settings
from core.store.bundle_file import pack_bundle, unpack_bundle
from core.store.quotas import bundle_bytes, expired_sentence, room_for
from core.store.run_compare import compare_runs, letters
from core.basics.run_names import dataset_words, readable_name
from core.store.runs import RunStore, RunSummary
from core.basics.status import RunStatus
from ui.coach_view import compare_with_original, fix_outcomes, stored_reading
from ui.page_files import page_file
from ui.run_charts import overlay_curves
from ui.run_export import export_section
from ui.literal import literal
from ui.run_sharing import load_setup
from ui.state import leave_legacy_page_mode, own_run, owner_token, owns_run

leave_legacy_page_mode()

STATUS_NOTES = {
    RunStatus.INTERRUPTED: "The app stopped while this run was training. The weights saved at its last epoch are kept "
                   "and usable: look at it on Inspect, export it, or press “Fine-tune from this run” to train on "
                   "from them.",
    RunStatus.DIVERGED: "The loss blew up, so training stopped; the last good weights are kept.",
    RunStatus.STOPPED: "Stopped before the end, as asked; the weights so far are kept.",
}


def may_change(run: RunSummary) -> bool:
    """On a shared deployment only the browser session that made a run may rename or delete it (docs/runs.md)."""
    return owns_run(run.id)


def disk_problem(store: RunStore, error: OSError) -> str:
    """What a failed write to the runs folder means, in plain words."""
    return store.cannot_save() or f"The runs folder could not be changed ({error.strerror or 'disk error'})."


def listed_runs(store: RunStore) -> list[RunSummary]:
    with warnings.catch_warnings(record=True) as skipped:
        warnings.simplefilter("always")
        runs = [replace(run, name=readable_name(run.name, run.config.data)) for run in store.list_runs()]
    if skipped:
        with st.expander(f"{len(skipped)} folder(s) in the runs folder were skipped"):
            for warning in skipped:
                st.caption(str(warning.message))
    return runs


# The figures that matter first, so that they are in view at 1,400 px; the settings after them.
TABLE_ORDER = ("Name", "Status", "Test accuracy", "Best validation", "Dataset", "Model", "Optimizer",
               "Learning rate", "Batch", "Epochs", "Time (s)", "Device", "Started")
TABLE_COLUMNS = {
    "Name": st.column_config.TextColumn(width="large", help="The full name is in the box below the table."),
    "Test accuracy": st.column_config.NumberColumn(format="percent"),
    "Best validation": st.column_config.NumberColumn(format="percent"),
    "Dataset": st.column_config.TextColumn(width="medium"),
    "Learning rate": st.column_config.NumberColumn(format="%g"),
}


def runs_table(runs: list[RunSummary]) -> None:
    rows = []
    for run in runs:
        rows.append({
            "Name": run.name, "Status": run.status.value,
            "Test accuracy": run.test_accuracy, "Best validation": run.best_validation_accuracy,
            "Dataset": dataset_words(run.config.data), "Model": run.config.model.preset,
            "Optimizer": run.config.train.optimizer, "Learning rate": run.config.train.learning_rate,
            "Batch": run.config.train.batch_size, "Epochs": f"{run.epochs_done}/{run.config.train.epochs}",
            "Time (s)": round(run.elapsed, 1) if run.elapsed else None, "Device": run.device,
            "Started": pd.Timestamp(run.created, unit="s").strftime("%Y-%m-%d %H:%M"),
        })
    st.dataframe(pd.DataFrame(rows, columns=TABLE_ORDER), hide_index=True, width="stretch",
                 column_config=TABLE_COLUMNS, column_order=TABLE_ORDER)


def comparison(store: RunStore, picked: list[RunSummary]) -> None:
    names = letters(len(picked))
    st.subheader("Compare")
    st.caption(" · ".join(f"**{letter}** = {literal(run.name)}" for letter, run in zip(names, picked)))
    curves = {letter: store.history(run.id) for letter, run in zip(names, picked)}
    if not all(history.is_empty for history in curves.values()):
        st.plotly_chart(overlay_curves(curves), width="stretch", key="overlay")
    for sentence in compare_runs(picked) + fix_outcomes(picked, names):
        st.markdown(f"- {sentence}")


def rename_and_delete(store: RunStore, run: RunSummary) -> None:
    if not may_change(run):
        st.caption("🔒 Another visitor made this run: you can look at it, download it and fine-tune from it, "
                   "but not rename or delete it.")
        return
    name = st.text_input("Name", value=run.name, key=f"name_{run.id}", max_chars=100)
    left, right = st.columns(2)
    left.button("Rename", key=f"rename_{run.id}", disabled=name.strip() == run.name, on_click=rename,
                args=(store, run.id, f"name_{run.id}"))
    if problem := st.session_state.pop("rename_problem", None):
        st.error(problem)
    delete_controls(store, run, right)


def rename(store: RunStore, run_id: str, name_key: str) -> None:
    """Rename before the page is drawn, keeping the runs picked: the pickers hold runs by their shown
    names, so a rerun after the rename lost the renamed run and showed (and downloaded) another one."""
    picked, acting_on = st.session_state.get("picked_runs"), st.session_state.get("acting_on")
    try:
        store.rename(run_id, st.session_state[name_key])
    except ValueError as error:
        st.session_state.rename_problem = literal(str(error))
        return
    except OSError as error:
        st.session_state.rename_problem = disk_problem(store, error)
        return
    if picked is not None:
        st.session_state.picked_runs = picked
    if acting_on is not None:
        st.session_state.acting_on = acting_on


def delete_controls(store: RunStore, run: RunSummary, right) -> None:
    """Delete…, then a confirmation; a running run cannot be deleted."""
    if run.status == RunStatus.RUNNING:
        right.caption("A run can be deleted once it has stopped.")
    elif st.session_state.get("confirm_delete") == run.id:
        right.warning(f"Delete **{literal(run.name)}** and its weights for good?")
        if right.button("Yes, delete it", key=f"really_delete_{run.id}", type="primary"):
            try:
                store.delete(run.id)
            except OSError as error:
                st.error(disk_problem(store, error))
                return
            for key in ("confirm_delete", "picked_runs", "acting_on"):
                st.session_state.pop(key, None)
            st.rerun()
    elif right.button("Delete…", key=f"delete_{run.id}"):
        st.session_state.confirm_delete = run.id
        st.rerun()


def use_elsewhere(run: RunSummary) -> None:
    if not run.has_weights:
        st.caption("No weights saved yet: a run saves them after each epoch.")
        return
    folder = run.weights_folder()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", run.name).strip("-")[:60] or run.id
    left, middle, right = st.columns(3)
    left.download_button("Download model (.zip)", data=lambda: pack_bundle(folder), key=f"download_{run.id}",
                         file_name=f"{slug}.zip", mime="application/zip", on_click="ignore",
                         help="One file: the weights (safetensors) and the settings (JSON). Upload it below, "
                              "in any copy of this playground.")
    if middle.button("Fine-tune from this run", key=f"fine_tune_{run.id}",
                     help="Opens the Train page starting from these weights: pick a dataset with the same "
                          "image size, and optionally freeze the convolution layers."):
        load_setup(replace(run.config, model=replace(run.config.model, init_from_run=run.id)))
        st.switch_page(page_file("train"))
    right.page_link(page_file("inspect"), label="Look inside it on Inspect", icon=":material/biotech:",
                    help=f"Pick “Saved run: {literal(run.name)}” in the Model box there.")


def upload_section(store: RunStore) -> None:
    with st.expander("Upload a model bundle"):
        upload = st.file_uploader("A .zip downloaded from a Runs page", key="bundle_upload",
                                  max_upload_size=settings.integer("PLAYGROUND_MAX_UPLOAD_MB"),
                                  help="Only safetensors weights with a JSON config are accepted; PyTorch .pt or "
                                       "pickle files are refused because opening them can run hidden code.")
        if upload is None or st.session_state.get("uploaded_file") == upload.file_id:
            return
        st.session_state.uploaded_file = upload.file_id
        try:
            bundle = unpack_bundle(upload.getvalue(), upload.name)
            # Counted unpacked: a small zip of zeros can hold 40 MB of weights (core/quotas.py).
            with room_for(bundle_bytes(bundle.config), owner_token(), store) as expired:
                run_id = store.import_model(bundle.config, bundle.state, bundle.metrics, bundle.name, owner_token())
        except ValueError as error:
            st.error(literal(str(error)))
            return
        except OSError as error:
            st.error(disk_problem(store, error))
            return
        own_run(run_id)
        st.session_state.picked_runs = [run_id]  # shown at once below the table, ready to use
        if expired:
            st.info(literal(expired_sentence(expired)))
        st.success(f"Added **{literal(bundle.name)}** ({bundle.config.model.preset} on {bundle.config.data.dataset}). "
                   "It is now in the table and in the Model box of the Inspect page.")


st.title("Runs")
st.caption("Every training run is saved as it goes: settings, curves and weights. A browser refresh or an app "
           "restart loses nothing that was saved.")
store = RunStore()
if problem := store.cannot_save():
    st.warning(problem)
upload_section(store)
runs = listed_runs(store)
if not runs:
    st.info("No saved runs yet. Train a model on the **Train** page: it appears here as soon as it starts.")
    st.stop()
if any(run.status == RunStatus.RUNNING for run in runs):
    st.button("↻ Refresh", help="A run is training: show its latest figures.")
runs_table(runs)

by_id = {run.id: run for run in runs}
picked_ids = st.multiselect("Pick runs to compare and use", list(by_id), default=list(by_id)[:1],
                            format_func=lambda run_id: by_id[run_id].name, key="picked_runs",
                            help="Pick two or more to overlay their curves and compare them in words.")
picked = [by_id[run_id] for run_id in picked_ids if run_id in by_id]
if picked:
    comparison(store, picked)
    st.subheader("Use a run")
    chosen = picked[0] if len(picked) == 1 else by_id[st.selectbox(
        "Run", [run.id for run in picked], format_func=lambda run_id: by_id[run_id].name, key="acting_on")]
    if chosen.status in STATUS_NOTES:
        st.info(STATUS_NOTES[chosen.status])
    claims = store.claimed_metrics(chosen.id) if chosen.status == RunStatus.IMPORTED else {}
    if "test_accuracy" in claims:
        st.caption(f"Test accuracy {claims['test_accuracy']:.1%}: claimed by the file, not measured here. "
                   "Inspect's Errors view measures it on this app's own test images.")
    if chosen.error:
        st.error(f"This run failed: {literal(chosen.error)}")
    stored_reading(chosen)
    compare_with_original(chosen, by_id)
    rename_and_delete(store, chosen)
    use_elsewhere(chosen)
    export_section(store, chosen)
