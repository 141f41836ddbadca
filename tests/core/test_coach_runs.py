"""The coach on real (small) runs: printed by the command line, stored with the run, fixes linked."""
import time

from core import cli
from core.coach.reading import Finding, Reading
from core.store.runs import RunStore

SMALL = ["--train-subset", "2000", "--batch-size", "32", "--log-every", "5"]


def recorded_run(printed: str, seconds: float = 60):
    """The run the command line printed, once its recorder has stored the coach's reading (written by the
    recorder's own thread, which a busy machine can run after the command line has printed)."""
    deadline = time.monotonic() + seconds
    while True:
        run = next(run for run in RunStore().list_runs() if run.id in printed)
        if run.reading or time.monotonic() > deadline:
            return run
        time.sleep(0.2)


def test_a_tiny_learning_rate_is_read_as_too_low_printed_and_stored(capsys):
    assert cli.main([*SMALL, "--epochs", "1", "--learning-rate", "1e-6"]) == 0
    printed = capsys.readouterr().out
    assert "What the coach reads in this run:" in printed and "Learning rate too low" in printed
    run = recorded_run(printed)
    findings = [Finding.from_dict(values) for values in run.reading]
    assert findings[0].reading == Reading.LR_TOO_LOW
    assert findings[0].fix.changes == (("train.learning_rate", 0.0001),)


def test_learning_rate_5_with_sgd_is_read_as_too_high(capsys):
    assert cli.main(["--train-subset", "1000", "--batch-size", "16", "--log-every", "5", "--epochs", "1",
                     "--optimizer", "sgd", "--learning-rate", "5"]) == 0
    printed = capsys.readouterr().out
    assert "Learning rate too high" in printed
    assert Finding.from_dict(recorded_run(printed).reading[0]).reading == Reading.LR_TOO_HIGH


def test_a_run_can_be_linked_to_the_run_it_fixes(capsys):
    assert cli.main([*SMALL, "--epochs", "1"]) == 0
    run = recorded_run(capsys.readouterr().out)
    store = RunStore()
    store.link(run.id, "abc123", "a learning rate 10 times bigger (0.01)")
    linked = store.get(run.id)
    assert linked.follows == "abc123" and linked.follows_change.startswith("a learning rate")
