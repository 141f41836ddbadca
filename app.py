"""Neural Playground: the entry point. Sets up the page, the shared sidebar and navigation."""
import streamlit as st

from core.device import describe_device
from core.jobs import RUNNER
from ui.state import keep_settings

st.set_page_config(page_title="Neural Playground", page_icon="🧠", layout="wide")

pages = [
    st.Page("pages/train.py", title="Train", icon="🏋️", default=True),
    st.Page("pages/inspect.py", title="Inspect", icon="🔬"),
    st.Page("pages/draw.py", title="Draw", icon=":material/draw:"),
    st.Page("pages/recipes.py", title="Recipes", icon="📜"),
    st.Page("pages/runs.py", title="Runs", icon="🗂️"),
    st.Page("pages/playground.py", title="2-D playground", icon="🎯"),
]
navigation = st.navigation(pages)

with st.sidebar:
    st.caption(f"Training on **{describe_device(RUNNER.device)}**. "
               f"Up to {RUNNER.max_parallel} runs train at once; others wait in a queue.")

keep_settings()  # the Train page's settings survive a visit to another page
navigation.run()
