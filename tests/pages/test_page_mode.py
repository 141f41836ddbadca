"""ui.state.leave_legacy_page_mode leans on Streamlit internals: fail loudly when they change.

The real behaviour (a deep link on a fresh server shows the whole app) is checked in a browser by
tests/browser/test_deep_link.py; these checks run everywhere and say what to re-read.
"""
import inspect

import streamlit
from streamlit.commands import navigation
from streamlit.runtime import pages_manager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

WHY = ("Streamlit changed how it runs a pages/ folder: re-check ui/state.py's leave_legacy_page_mode "
       "(and tests/browser/test_deep_link.py) against Streamlit {}.".format(streamlit.__version__))


def test_the_legacy_page_mode_is_still_the_flag_the_workaround_turns_off():
    assert hasattr(pages_manager.PagesManager, "uses_pages_directory"), WHY
    assert '"pages"' in inspect.getsource(pages_manager.PagesManager.__init__), WHY  # set from pages/ existing
    runner_source = inspect.getsource(script_runner.ScriptRunner)
    assert "if PagesManager.uses_pages_directory:" in runner_source and "_mpa_v1(" in runner_source, WHY
    assert "PagesManager.uses_pages_directory = False" in inspect.getsource(navigation), WHY
    # AppTest resets the flag before each of its runs (so leave_legacy_page_mode must not rerun there)
    assert "PagesManager.uses_pages_directory = None" in inspect.getsource(AppTest), WHY


def test_every_page_calls_the_workaround():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for page in sorted((root / "pages").glob("*.py")):
        assert "leave_legacy_page_mode()" in page.read_text(), f"{page.name} must call leave_legacy_page_mode()"
