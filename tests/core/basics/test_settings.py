"""core.basics.settings: one place for every PLAYGROUND_* variable, with a local and a hosted value."""
import re
from pathlib import Path

import pytest

from core.basics import settings

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def clean_environment(monkeypatch):
    for variable in settings.SETTINGS:
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_hosted_profile_switches_every_setting_to_its_hosted_value(clean_environment):
    assert not settings.is_hosted()
    assert settings.integer("PLAYGROUND_MAX_QUEUE") == 0
    clean_environment.setenv("PLAYGROUND_HOSTED", "1")
    assert settings.is_hosted()
    assert settings.integer("PLAYGROUND_MAX_QUEUE") == 8
    assert settings.cores() == 2 and settings.max_jobs() == 2
    assert settings.names("PLAYGROUND_PRELOAD") == ("mnist",)


def test_a_variable_set_in_the_environment_wins_over_the_hosted_value(clean_environment):
    clean_environment.setenv("PLAYGROUND_HOSTED", "1")
    clean_environment.setenv("PLAYGROUND_MAX_JOBS", "3")
    assert settings.max_jobs() == 3


def test_folders_are_relative_to_the_project_not_the_working_directory(clean_environment, tmp_path):
    clean_environment.chdir(tmp_path)
    assert settings.folder("PLAYGROUND_RUNS_DIR") == ROOT / "runs"
    clean_environment.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "elsewhere"))
    assert settings.folder("PLAYGROUND_RUNS_DIR") == tmp_path / "elsewhere"
    assert settings.folder("PLAYGROUND_DATA_DIR") is None


def test_a_bad_number_is_refused_with_the_variable_named(clean_environment):
    clean_environment.setenv("PLAYGROUND_MAX_QUEUE", "lots")
    with pytest.raises(ValueError, match="PLAYGROUND_MAX_QUEUE must be a whole number"):
        settings.integer("PLAYGROUND_MAX_QUEUE")


def test_every_variable_the_code_reads_is_a_setting_and_in_the_settings_table():
    read = set()
    for path in [*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        read |= set(re.findall(r"PLAYGROUND_[A-Z_]+", path.read_text()))
    assert read <= set(settings.SETTINGS), f"not in core/basics/settings.py: {sorted(read - set(settings.SETTINGS))}"
    table = (ROOT / "docs" / "settings.md").read_text()  # the README links it
    missing = [variable for variable in settings.SETTINGS if f"`{variable}`" not in table]
    assert not missing, f"not in docs/settings.md's table: {missing}"
