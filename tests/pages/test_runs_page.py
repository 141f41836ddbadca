"""Runs page (AppTest): table, comparison, rename, delete, ownership, upload, export, interrupted runs."""
import json
import os
import pickle
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.basics.atomic import write_json
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.runners.runtime import make_runner
from core.store.bundle_file import pack_bundle
from core.store.runs import RunStore

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def quick(optimizer: str, learning_rate: float) -> RunConfig:
    return RunConfig(DataConfig("mnist", train_subset=2000), ModelConfig("fast_cnn"),
                     TrainConfig(optimizer, learning_rate, 128, 1))


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory, mnist):
    """An Adam run and an SGD run, recorded as the app records every run."""
    root = tmp_path_factory.mktemp("runs")
    runner = make_runner(max_parallel=1, store=RunStore(root))
    jobs = [runner.submit(quick("adam", 0.003), mnist), runner.submit(quick("sgd", 0.05), mnist)]
    for job in jobs:
        assert job.wait(timeout=300) and job.status == "finished", job.error
    return root, [job.id for job in jobs]


@pytest.fixture
def runs_dir(two_runs, tmp_path, monkeypatch):
    """A fresh copy of the two runs for each test, so renames and deletions do not leak."""
    import shutil

    root, ids = two_runs
    copy = tmp_path / "runs"
    shutil.copytree(root, copy)
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(copy))
    monkeypatch.delenv("PLAYGROUND_HOSTED", raising=False)
    return copy, ids


def open_runs_page(job_ids=(), session_started=None, owned_runs=()) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["job_ids"] = list(job_ids)
    at.session_state["owned_runs"] = list(owned_runs)
    if session_started is not None:
        at.session_state["session_started"] = session_started
    at.switch_page("pages/runs.py")
    return at.run()


def test_the_table_lists_saved_runs_with_their_figures(runs_dir):
    root, ids = runs_dir
    at = open_runs_page()
    assert not at.exception
    assert at.title[0].value == "Runs"
    table = at.dataframe[0].value
    assert len(table) == 2
    assert set(table["Optimizer"]) == {"adam", "sgd"}
    assert set(table["Status"]) == {"finished"}
    assert (table["Test accuracy"] > 0.5).all() and (table["Dataset"] == "mnist").all()


def test_picking_two_runs_overlays_curves_and_compares_them_in_words(runs_dir):
    root, (adam_id, sgd_id) = runs_dir
    at = open_runs_page()
    at.multiselect(key="picked_runs").set_value([adam_id, sgd_id]).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "A used Adam, B used SGD" in text
    assert "A used learning rate 0.003, B used learning rate 0.05" in text
    store = RunStore()
    adam = store.get(adam_id)
    assert f"A reached {adam.test_accuracy:.1%} test accuracy in {adam.elapsed:,.0f} s" in text
    assert len(at.get("plotly_chart")) == 1


def test_rename_then_delete(runs_dir):
    root, (adam_id, sgd_id) = runs_dir
    at = open_runs_page()
    at.multiselect(key="picked_runs").set_value([sgd_id]).run()
    at.text_input(key=f"name_{sgd_id}").set_value("Plain SGD").run()
    at.button(key=f"rename_{sgd_id}").click().run()
    assert RunStore().get(sgd_id).name == "Plain SGD"
    assert "Plain SGD" in list(at.dataframe[0].value["Name"])
    at.button(key=f"delete_{sgd_id}").click().run()
    assert any("for good" in w.value for w in at.warning)
    at.button(key=f"really_delete_{sgd_id}").click().run()
    assert not at.exception
    assert [run.id for run in RunStore().list_runs()] == [adam_id]
    assert len(at.dataframe[0].value) == 1


def test_on_a_shared_deployment_other_visitors_runs_are_read_only(runs_dir, monkeypatch):
    root, (adam_id, sgd_id) = runs_dir
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    at = open_runs_page(job_ids=[adam_id], owned_runs=[adam_id])  # this visitor trained the Adam run only
    at.multiselect(key="picked_runs").set_value([sgd_id]).run()
    assert not any(b.key == f"delete_{sgd_id}" for b in at.button)
    assert not any(t.key == f"name_{sgd_id}" for t in at.text_input)
    assert any("Another visitor made this run" in c.value for c in at.caption)
    at.multiselect(key="picked_runs").set_value([adam_id]).run()
    assert any(b.key == f"delete_{adam_id}" for b in at.button)


def test_a_downloaded_bundle_can_be_uploaded_and_a_pickle_is_refused(runs_dir, tmp_path):
    root, (adam_id, _) = runs_dir
    marker = tmp_path / "code-ran"

    class Payload:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    at = open_runs_page()
    at.file_uploader(key="bundle_upload").upload("model.pt", pickle.dumps(Payload())).run()
    assert any("refused" in e.value for e in at.error)
    assert not marker.exists() and len(RunStore().list_runs()) == 2
    bundle = pack_bundle(root / adam_id / "best")
    at.file_uploader(key="bundle_upload").upload("friend's model.zip", bundle).run()
    assert not at.exception
    assert any("Added **friend's model**" in s.value for s in at.success)
    names = [run.name for run in RunStore().list_runs()]
    assert "friend's model" in names and len(names) == 3


def test_an_interrupted_run_is_shown_with_usable_weights(runs_dir):
    root, (adam_id, _) = runs_dir
    status = root / adam_id / "status.json"
    import json

    document = json.loads(status.read_text())
    document.update(status="running", process="999999:1.0")  # a process that no longer exists
    write_json(status, document)
    at = open_runs_page()
    table = at.dataframe[0].value
    assert "interrupted" in list(table["Status"])
    at.multiselect(key="picked_runs").set_value([adam_id]).run()
    assert any("weights saved at its last epoch are kept" in i.value for i in at.info)
    assert any(b.label == "Download model (.zip)" for b in at.get("download_button"))


def test_export_checks_onnx_against_pytorch(runs_dir):
    root, (adam_id, _) = runs_dir
    at = open_runs_page()
    at.multiselect(key="picked_runs").set_value([adam_id]).run()
    at.button(key=f"export_{adam_id}").click().run()
    assert not at.exception
    verdict = at.success[0].value
    assert "same answer on 256 of 256 test images" in verdict
    assert any("onnxruntime.InferenceSession" in code.value for code in at.code)


def test_an_empty_runs_folder_says_how_to_get_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "none-yet"))
    at = open_runs_page()
    assert not at.exception
    assert any("No saved runs yet" in i.value for i in at.info)


def test_fine_tune_opens_the_train_page_starting_from_the_run(runs_dir):
    root, (adam_id, _) = runs_dir
    at = open_runs_page()
    at.multiselect(key="picked_runs").set_value([adam_id]).run()
    at.button(key=f"fine_tune_{adam_id}").click().run()
    assert not at.exception
    assert at.title[0].value == "Train a network"
    assert at.selectbox(key="fine_tune_choice").value == adam_id
    assert at.query_params["from_run"] == adam_id and not at.error
    assert at.selectbox(key="optimizer").value == "adam"  # the run's own settings to start with
    at.toggle(key="fine_tune_freeze").set_value(True)
    at.switch_page("pages/train.py").run()  # AppTest stays on its own page unless told
    assert at.query_params["freeze"] == "1"


def pick_a_model():
    import streamlit as st

    from ui.model_picker import choose_model

    loaded = choose_model("model")
    if loaded is not None:
        st.write(f"picked {loaded.metrics.get('run_id')} with {loaded.info.name}")


def test_saved_runs_are_offered_where_a_model_is_picked(runs_dir):
    root, (adam_id, sgd_id) = runs_dir
    at = AppTest.from_function(pick_a_model, default_timeout=60).run()
    assert not at.exception
    box = at.selectbox(key="model")
    labels = list(box.options)  # as the visitor reads them
    assert sum("Saved run:" in label for label in labels) == 2
    chosen = {adam_id, sgd_id}
    for label in labels:
        at.selectbox(key="model").select(label).run()
        picked = next(m.value for m in at.markdown if m.value.startswith("picked"))
        chosen.discard(picked.split()[1])
    assert chosen == set()


def test_a_run_deleted_elsewhere_disappears_without_an_error(runs_dir):
    root, (adam_id, sgd_id) = runs_dir
    at = open_runs_page()
    at.multiselect(key="picked_runs").set_value([adam_id, sgd_id]).run()
    RunStore().delete(sgd_id)  # another visitor's tab, or a shell
    at.run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 1


def test_opening_someone_elses_run_link_does_not_make_it_yours(runs_dir, monkeypatch):
    root, (adam_id, _) = runs_dir
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    # adopted through a copied ?run= link or the browser's history, by a session older than the run
    at = open_runs_page(job_ids=[adam_id], session_started=0.0)
    at.multiselect(key="picked_runs").set_value([adam_id]).run()
    assert not any(b.key == f"delete_{adam_id}" for b in at.button)
    assert any("Another visitor made this run" in c.value for c in at.caption)


def test_a_visitors_text_is_shown_literally_and_uploaded_figures_are_claims(runs_dir):
    root, (adam_id, _) = runs_dir
    document = json.loads((root / adam_id / "best" / "config.json").read_text())
    document["metrics"] = {"test_accuracy": 0.993}  # an all-zero model could claim the same
    (root / adam_id / "best" / "config.json").write_text(json.dumps(document))
    at = open_runs_page()
    at.file_uploader(key="bundle_upload").upload("![x](tracker.example?id=1).zip",
                                                 pack_bundle(root / adam_id / "best")).run()
    added = next(s.value for s in at.success if "Added" in s.value)
    assert r"\!\[x\]\(tracker\.example?id\=1\)" in added  # shown as the characters typed, not as a picture
    uploaded = next(run for run in RunStore().list_runs() if run.status == "imported")
    assert uploaded.test_accuracy is None  # the table lists only what this app measured
    at.multiselect(key="picked_runs").set_value([uploaded.id]).run()
    assert any("99.3%: claimed by the file" in c.value for c in at.caption)


def test_run_ids_and_default_names():
    store = RunStore()
    with pytest.raises(ValueError):
        store.folder("abc\n")
    first, second = store.create(quick("adam", 0.01)), store.create(quick("adam", 0.01))
    assert store.get(first).name != store.get(second).name  # even when started in the same second


def test_a_full_runs_folder_is_said_and_rename_gives_a_message(runs_dir, monkeypatch):
    import collections
    import errno

    root, (adam_id, _) = runs_dir
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr("core.store.runs.shutil.disk_usage", lambda path: usage(100, 100, 0))

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(RunStore, "rename", disk_full)
    at = open_runs_page()
    assert any("cannot be written" in w.value for w in at.warning)
    at.multiselect(key="picked_runs").set_value([adam_id]).run()
    at.text_input(key=f"name_{adam_id}").set_value("new name").run()
    next(b for b in at.button if b.key == f"rename_{adam_id}").click().run()
    assert not at.exception
    assert any("training works as usual, but runs are not saved" in e.value for e in at.error)


def test_after_a_rename_the_page_stays_on_the_renamed_run(runs_dir):
    """Only a browser showed the switch to another run (tests/browser/test_runs_browser.py); this keeps the logic."""
    root, (adam_id, sgd_id) = runs_dir
    at = open_runs_page()
    at.multiselect(key="picked_runs").set_value([adam_id, sgd_id]).run()
    at.selectbox(key="acting_on").set_value(sgd_id).run()
    at.text_input(key=f"name_{sgd_id}").set_value("Plain SGD").run()
    at.button(key=f"rename_{sgd_id}").click().run()
    assert not at.exception
    assert at.multiselect(key="picked_runs").value == [adam_id, sgd_id]
    assert at.selectbox(key="acting_on").value == sgd_id
    assert at.text_input(key=f"name_{sgd_id}").value == "Plain SGD"


def test_the_table_puts_test_accuracy_in_view_and_names_own_pictures_by_class(runs_dir):
    root, (adam_id, sgd_id) = runs_dir
    own = DataConfig("custom:04d4ca1b4d35", custom_classes=("airplane", "ship", "bird"), custom_shape=(3, 32, 32))
    RunStore().create(RunConfig(own, ModelConfig("fast_cnn"), TrainConfig("adam", 0.003, 16, 3)))
    at = open_runs_page()
    table = at.dataframe[0].value
    assert list(table.columns[:4]) == ["Name", "Status", "Test accuracy", "Best validation"]
    own_row = table[table["Dataset"] == "airplane / ship / bird"]
    assert len(own_row) == 1 and own_row["Name"].iloc[0].startswith("fast_cnn on airplane / ship / bird, adam")
    assert not any("custom:" in option for option in at.multiselect(key="picked_runs").options)


def test_an_uploaded_run_is_listed_and_picked_at_once(runs_dir):
    root, (adam_id, sgd_id) = runs_dir
    bundle = pack_bundle(RunStore().get(adam_id).weights_folder())
    at = open_runs_page()
    at.file_uploader(key="bundle_upload").upload("friend's model.zip", bundle).run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 3
    (picked,) = at.multiselect(key="picked_runs").value
    assert RunStore().get(picked).status == "imported"
    assert at.text_input(key=f"name_{picked}").value == "friend's model"
