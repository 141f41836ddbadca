"""Run store: runs survive a new process, interrupted runs are found, damaged folders are skipped,
uploads are checked without unpickling, fine-tuning starts from saved weights."""
import io
import json
import os
import pickle
import subprocess
import sys
import textwrap
import time
import warnings
import zipfile
from pathlib import Path

import pytest
import torch

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.dataset import Dataset
from core.data.registry import dataset_info
from core.engine.events import Done, EpochEnd
from core.runners.runtime import make_runner
from core.store.bundle_file import pack_bundle, unpack_bundle
from core.store.finetune import check_fine_tune
from core.store.runs import RunStore

PROJECT = Path(__file__).resolve().parents[3]
TINY = RunConfig(DataConfig("mnist", train_subset=2000), ModelConfig("fast_cnn"), TrainConfig(epochs=2, batch_size=128))


def run_python(code: str, root: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PLAYGROUND_RUNS_DIR": str(root), "PYTHONPATH": str(PROJECT)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=PROJECT, env=environment,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def trained(tmp_path_factory, mnist):
    """A tiny finished run recorded by a runner, as the app records every run."""
    root = tmp_path_factory.mktemp("runs")
    runner = make_runner(max_parallel=1, store=RunStore(root))
    job = runner.submit(TINY, mnist)
    assert job.wait(timeout=300) and job.status == "finished", job.error
    return root, job


def test_a_run_is_on_disk_while_it_trains(tmp_path, mnist):
    store = RunStore(tmp_path)
    runner = make_runner(max_parallel=1, store=store)
    config = RunConfig(DataConfig("mnist", train_subset=2000), ModelConfig("fast_cnn"),
                       TrainConfig(epochs=40, batch_size=128))
    job = runner.submit(config, mnist)
    deadline = time.monotonic() + 120
    while store.get(job.id).epochs_done < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    during = store.get(job.id)
    job.stop()
    job.wait(timeout=60)
    assert during.status == "running"
    assert during.epochs_done >= 1 and during.has_weights
    assert any(isinstance(event, EpochEnd) for event in store.events(job.id))
    assert store.get(job.id).status == "stopped"


def test_a_run_survives_a_new_process(trained, mnist):
    root, job = trained
    done = job.events()[-1]
    read_back = run_python("""
        import json, torch
        from core.data.registry import load_dataset
        from core.store.runs import RunStore
        store = RunStore()
        run = store.list_runs()[0]
        model = store.load_model(run.id, "last").model
        x = load_dataset("mnist").test_x[:200]
        with torch.no_grad():
            logits = model(load_dataset("mnist").to_input(x))
        print(json.dumps({"id": run.id, "status": run.status, "test_accuracy": run.test_accuracy,
                          "events": len(store.events(run.id)), "logits": logits.tolist()}))
    """, root)
    assert read_back.returncode == 0, read_back.stderr
    result = json.loads(read_back.stdout.strip().splitlines()[-1])
    assert result["id"] == job.id and result["status"] == "finished"
    assert result["test_accuracy"] == pytest.approx(done.test_accuracy)
    assert result["events"] == len(job.events())
    with torch.no_grad():
        expected = job.model.eval()(mnist.to_input(mnist.test_x[:200]))
    assert torch.allclose(torch.tensor(result["logits"]), expected, atol=1e-4)


def test_a_run_whose_process_died_shows_as_interrupted_with_usable_weights(tmp_path, mnist):
    killed = run_python("""
        import os, time
        from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
        from core.data.registry import load_dataset
        from core.runners.runtime import get_runner
        config = RunConfig(DataConfig("mnist", train_subset=2000), ModelConfig("fast_cnn"),
                           TrainConfig(epochs=100, batch_size=128))
        job = get_runner().submit(config, load_dataset("mnist"))
        while not any(type(e).__name__ == "EpochEnd" for e in job.events()):
            time.sleep(0.05)
        print(job.id, flush=True)
        os._exit(1)  # the process dies mid-training, as on a crash or a restart
    """, tmp_path)
    run_id = killed.stdout.split()[0]
    run = RunStore(tmp_path).get(run_id)
    assert run.status == "interrupted"
    assert run.epochs_done >= 1
    model = RunStore(tmp_path).load_model(run_id).model
    with torch.no_grad():
        accuracy = (model(mnist.to_input(mnist.test_x[:500])).argmax(1) == mnist.test_y[:500]).float().mean()
    assert accuracy > 0.5  # the weights saved before the crash have learned something


def test_damaged_and_foreign_folders_are_skipped_with_a_warning(trained):
    root, job = trained
    (root / "half-written").mkdir(exist_ok=True)
    (root / "half-written" / "run.json").write_text('{"id": "half-wr')
    (root / "holiday photos").mkdir(exist_ok=True)
    (root / "notes.txt").write_text("not a run")
    (root / "_recipes").mkdir(exist_ok=True)
    (root / "_recipes" / "lenet.json").write_text("{}")
    with pytest.warns(UserWarning) as caught:
        runs = RunStore(root).list_runs()
    messages = " ".join(str(w.message) for w in caught)
    assert [run.id for run in runs] == [job.id]
    assert "half-written" in messages and "holiday photos" in messages and "notes.txt" in messages
    assert "_recipes" not in messages


def test_a_crash_while_writing_leaves_the_old_status_intact(tmp_path, monkeypatch):
    store = RunStore(tmp_path)
    run_id = store.create(TINY, status="running")
    store.update_status(run_id, test_accuracy=0.5)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", crash)
    with pytest.raises(OSError):
        store.update_status(run_id, test_accuracy=0.9)
    monkeypatch.undo()
    assert store.get(run_id).test_accuracy == 0.5
    assert sorted(path.name for path in (tmp_path / run_id).iterdir()) == ["run.json", "status.json"]


def test_a_torn_metrics_line_is_skipped(trained):
    root, job = trained
    store = RunStore(root)
    count = len(store.events(job.id))
    with open(root / job.id / "metrics.jsonl", "a") as file:
        file.write('{"event": "StepEnd", "epoch": 3, "st')
    assert len(store.events(job.id)) == count


def test_rename_and_delete(tmp_path):
    store = RunStore(tmp_path)
    run_id = store.create(TINY)
    store.rename(run_id, "  Adam, small batches  ")
    assert RunStore(tmp_path).get(run_id).name == "Adam, small batches"
    with pytest.raises(ValueError, match="needs a name"):
        store.rename(run_id, "   ")
    store.delete(run_id)
    assert RunStore(tmp_path).list_runs() == [] and list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError):
        store.folder("../../etc")


def test_a_disk_error_never_breaks_training(tmp_path, mnist):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the runs folder should be")
    runner = make_runner(max_parallel=1, store=RunStore(blocked))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        job = runner.submit(TINY, mnist)
        job.wait(timeout=300)
    assert job.status == "finished" and isinstance(job.events()[-1], Done)
    assert any("Could not save run" in str(w.message) for w in caught)


class RunsCode:
    """Unpickling this would create the marker file: proof that code ran."""

    marker = ""

    def __reduce__(self):
        return (os.system, (f"touch {RunsCode.marker}",))


@pytest.mark.parametrize("filename", ["model.safetensors", "model.pt", "model.zip"])
def test_a_malicious_pickle_upload_is_refused_and_never_runs(tmp_path, filename):
    marker = tmp_path / "code-ran"
    RunsCode.marker = str(marker)
    payload = pickle.dumps(RunsCode())
    if filename == "model.zip":  # the pickle disguised as the weights inside a bundle
        zip_path = tmp_path / filename
        with zipfile.ZipFile(zip_path, "w") as archive:
            archive.writestr("model.safetensors", payload)
            archive.writestr("config.json", json.dumps({"run": TINY.to_dict()}))
        payload = zip_path.read_bytes()
    with pytest.raises(ValueError) as refused:
        unpack_bundle(payload, filename)
    assert "safetensors" in str(refused.value) or "pickle" in str(refused.value)
    assert not marker.exists()
    pickle.loads(pickle.dumps(RunsCode()))  # the payload is real: unpickling it does run the code
    assert marker.exists()


def test_a_downloaded_bundle_uploads_and_checks_shapes(trained):
    root, job = trained
    data = pack_bundle(root / job.id / "best")
    uploaded = unpack_bundle(data, "my model.zip")
    assert uploaded.config == TINY and uploaded.name == "my model"
    store = RunStore(root / "uploads")
    run_id = store.import_model(uploaded.config, uploaded.state, uploaded.metrics, uploaded.name)
    assert store.get(run_id).status == "imported" and store.get(run_id).has_weights
    wrong = RunConfig(DataConfig("mnist"), ModelConfig("lenet"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        target.writestr("model.safetensors", source.read("model.safetensors"))
        target.writestr("config.json", json.dumps({"run": wrong.to_dict()}))
    with pytest.raises(ValueError, match="do not fit|has shape"):
        unpack_bundle(buffer.getvalue(), "renamed.zip")


def test_fine_tuning_keeps_frozen_convolutions_and_sizes_a_new_head(trained, mnist):
    root, job = trained
    store = RunStore(root)
    classes = ("zero-three-six-nine", "one-four-seven", "two-five-eight")
    data = DataConfig("custom:thirds", train_subset=1000, custom_classes=classes, custom_shape=(1, 28, 28))
    thirds = Dataset(dataset_info(data), mnist.train_x[:3000], mnist.train_y[:3000] % 3,
                     mnist.test_x[:500], mnist.test_y[:500] % 3, "test")
    config = RunConfig(data, ModelConfig("fast_cnn", init_from_run=job.id, freeze_convolutions=True),
                       TrainConfig(epochs=1, batch_size=128))
    runner = make_runner(max_parallel=1, store=store)
    tuned = runner.submit(config, thirds)
    assert tuned.wait(timeout=300) and tuned.status == "finished", tuned.error
    source = job.model.state_dict()
    state = tuned.model.state_dict()
    assert torch.equal(state["conv1.weight"], source["conv1.weight"])
    assert torch.equal(state["conv2.weight"], source["conv2.weight"])
    head = [name for name in state if name.endswith("weight") and name.startswith("fc")][-1]
    assert state[head].shape[0] == 3
    assert store.get(tuned.id).source == "fine-tuned"
    assert store.load_model(tuned.id).info.classes == classes


def test_fine_tuning_refuses_a_different_image_size(trained):
    root, job = trained
    config = RunConfig(DataConfig("cifar10"), ModelConfig("fast_cnn", init_from_run=job.id))
    with pytest.raises(ValueError, match="32x32 colour"):
        check_fine_tune(config, RunStore(root))
