"""The coach on the Train page (AppTest): a reading with a fix that trains again, and the learning-rate finder."""
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.runners.runtime import get_runner
from core.store.runs import RunStore
from tests.pages.train_helpers import press_train_and_wait

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def rerun_until(at: AppTest, condition, seconds: float) -> AppTest:
    deadline = time.monotonic() + seconds
    while not condition(at) and time.monotonic() < deadline:
        time.sleep(1)
        at.run()
    assert not at.exception
    return at


def test_a_too_small_learning_rate_is_read_and_its_fix_trains_a_linked_run_with_it():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="train_subset").set_value(5000)
    at.number_input(key="epochs").set_value(2)
    at.number_input(key="batch_size").set_value(64)
    at.number_input(key="learning_rate").set_value(1e-6)
    press_train_and_wait(at, 300)
    assert any("Learning rate too low" in m.value for m in at.markdown)
    old_id = at.session_state.job_id
    fix = next(b for b in at.button if b.label.startswith("Try a learning rate 100 times bigger"))
    fix.click().run()
    assert not at.exception
    new_id = at.session_state.job_id
    assert new_id != old_id and at.number_input(key="learning_rate").value == 1e-4
    old, new = get_runner().get(old_id).config, get_runner().get(new_id).config
    assert new.train.learning_rate == 1e-4
    assert (new.data, new.model, new.train.epochs, new.train.batch_size) == \
        (old.data, old.model, old.train.epochs, old.train.batch_size)
    linked = RunStore().get(new_id)
    assert linked.follows == old_id and "100 times bigger" in linked.follows_change
    get_runner().get(new_id).stop()


def test_find_a_learning_rate_puts_its_suggestion_in_the_knob():
    at = AppTest.from_file(APP, default_timeout=60).run()
    next(b for b in at.button if b.key == "find_learning_rate").click().run()
    at = rerun_until(at, lambda a: any(b.key == "use_rate" for b in a.button), 300)
    use = next(b for b in at.button if b.key == "use_rate")
    suggestion = float(use.label.split()[1])
    assert any("A tenth of that" in m.value for m in at.markdown)
    use.click().run()
    assert at.number_input(key="learning_rate").value == suggestion
    assert 1e-4 <= suggestion <= 0.5


def test_runs_page_shows_the_stored_reading_and_whether_the_fix_helped(tmp_path, monkeypatch):
    from core.coach.reading import Finding, Reading
    from core.coach.fixes import Fix
    from core.basics.config import RunConfig, TrainConfig
    from core.basics.status import RunStatus

    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    store = RunStore()
    fix = Fix("a learning rate 100 times bigger (0.0001)", (("train.learning_rate", 1e-4),))
    finding = Finding(Reading.LR_TOO_LOW, "In 1,688 steps the training loss only went from 2.43 to 2.15.", fix)
    old = store.create(RunConfig(train=TrainConfig(learning_rate=1e-6)), name="slow", status=RunStatus.FINISHED)
    store.update_status(old, test_accuracy=0.244, reading=[finding.to_dict()])
    new = store.create(RunConfig(train=TrainConfig(learning_rate=1e-4)), name="fixed", status=RunStatus.FINISHED)
    store.update_status(new, test_accuracy=0.981)
    store.link(new, old, fix.label)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/runs.py")
    at.run()
    at.multiselect(key="picked_runs").set_value([old]).run()
    text = " ".join(m.value for m in at.markdown)
    assert "What the coach saw in this run" in text and "Learning rate too low" in text and "2.43 to 2.15" in text
    at.multiselect(key="picked_runs").set_value([new]).run()
    next(b for b in at.button if b.label == "Compare with the run it fixed").click().run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "B re-trained A with the coach's suggestion, a learning rate 100 times bigger (0.0001): it helped" in text
