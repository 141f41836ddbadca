"""Neural Playground: the entry point. Sets up the page, the shared sidebar and navigation."""
import streamlit as st

from core.device import describe_device
from core.jobs import RUNNER
from ui.state import keep_settings

st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide")

pages = [
    st.Page("pages/train.py", title="Train", icon=":material/model_training:", default=True),
    st.Page("pages/inspect.py", title="Inspect", icon=":material/biotech:"),
    st.Page("pages/draw.py", title="Draw", icon=":material/draw:"),
    st.Page("pages/recipes.py", title="Recipes", icon=":material/menu_book:"),
    st.Page("pages/runs.py", title="Runs", icon=":material/folder_open:"),
    st.Page("pages/playground.py", title="2-D playground", icon=":material/scatter_plot:"),
]
navigation = st.navigation(pages)

with st.sidebar:
    st.caption(f"Training on **{describe_device(RUNNER.device)}**. "
               f"Up to {RUNNER.max_parallel} runs train at once; others wait in a queue.")

keep_settings()  # the Train page's settings survive a visit to another page
navigation.run()
