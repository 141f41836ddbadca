"""Streamlit Community Cloud's entry point: the same app as app.py, with the hosted profile.

Choose this file as the app's main file on share.streamlit.io. Community Cloud then installs
deploy/cloud/requirements.txt (CPU-only PyTorch) instead of the root requirements.txt, runs
`streamlit run deploy/cloud/streamlit_app.py` from the repository's root, and this file turns on
PLAYGROUND_HOSTED=1 (core/basics/settings.py: limits sized for about 2 cores and 2.7 GB) before anything
reads it. Locally: `streamlit run deploy/cloud/streamlit_app.py` from the project folder.
"""
import os
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # Streamlit puts this file's folder on the path, not the project's
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("PLAYGROUND_HOSTED", "1")

from core.basics import settings  # noqa: E402  (reads nothing heavy: PyTorch is not imported yet)

# A container can show the host's many cores while the app gets about 2: size PyTorch's
# thread pools (set before torch is first imported) to the cores the app really has.
os.environ.setdefault("OMP_NUM_THREADS", str(settings.cores()))

runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
