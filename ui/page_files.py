"""The page files as absolute paths, for st.Page, st.page_link and st.switch_page.

Streamlit reads a relative page path against the main file's folder, and the main file is not
always app.py at the top (Streamlit Community Cloud runs deploy/cloud/streamlit_app.py).
"""
from __future__ import annotations

from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


def page_file(name: str) -> str:
    """The absolute path of pages/<name>.py."""
    return str(PAGES_DIR / f"{name}.py")
