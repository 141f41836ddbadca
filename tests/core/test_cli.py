"""The headless command line trains like the app and records the run for the Runs page."""
from core import cli
from core.store.bundle import load_bundle
from core.store.runs import RunStore


def test_a_command_line_run_is_recorded_and_saved(tmp_path, capsys):
    code = cli.main(["--preset", "fast_cnn", "--train-subset", "2000", "--epochs", "1", "--save", str(tmp_path / "m")])
    printed = capsys.readouterr().out
    assert code == 0 and "test_accuracy" in printed and "recording as run" in printed
    runs = RunStore().list_runs()  # tests/conftest.py points the runs folder at a temporary one
    recorded = next(run for run in runs if run.id in printed)
    assert recorded.status == "finished" and recorded.has_weights and recorded.test_accuracy > 0.5
    assert load_bundle(tmp_path / "m").metrics["test_accuracy"] == recorded.test_accuracy


def test_bad_values_get_a_message_not_a_traceback(capsys):
    assert cli.main(["--batch-size", "0", "--no-record"]) == 2
    assert "Batch size" in capsys.readouterr().err
