"""Neural Playground: the entry point. Sets up the page, the shared sidebar and navigation."""
import streamlit as st

from core.runners.runtime import get_runner, runner_warning
from ui.page_files import page_file
from ui.state import keep_settings, preload_datasets
from ui.upload_guard import bound_held_uploads

bound_held_uploads()  # before any file reaches the upload endpoint through this app
st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide")

pages = [
    st.Page(page_file("train"), title="Train", icon=":material/model_training:", default=True),
    st.Page(page_file("inspect"), title="Inspect", icon=":material/biotech:"),
    st.Page(page_file("draw"), title="Draw", icon=":material/draw:"),
    st.Page(page_file("recipes"), title="Recipes", icon=":material/menu_book:"),
    st.Page(page_file("runs"), title="Runs", icon=":material/folder_open:"),
    st.Page(page_file("playground"), title="2-D playground", icon=":material/scatter_plot:"),
    st.Page(page_file("demo"), title="Demo", icon=":material/present_to_all:"),
]
navigation = st.navigation(pages)

with st.sidebar:
    runner = get_runner()  # made on the first visit, then shared by every visitor of this process
    st.caption(runner.describe())
    if runner_warning():
        st.warning(runner_warning())

keep_settings()  # the Train page's settings survive a visit to another page
preload_datasets()
navigation.run()
