"""AppTest steps shared by page tests that train."""
import time
from contextlib import contextmanager

from streamlit.testing.v1 import AppTest

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.runners.runtime import get_runner


def press_train_and_wait(at: AppTest, seconds: float) -> AppTest:
    """Click Train, then rerun the page (as its polling would) until the results' metrics show."""
    next(b for b in at.button if "Train" in b.label).click()
    at.run()
    deadline = time.monotonic() + seconds
    while not at.metric and time.monotonic() < deadline:
        time.sleep(1)
        at.run()
    assert not at.exception
    return at


@contextmanager
def long_running_job(dataset):
    """A run on the app's runner, long enough to still be training while a page is looked at; stopped after."""
    config = RunConfig(DataConfig("mnist", train_subset=2000), ModelConfig("simple_cnn"), TrainConfig(epochs=500))
    job = get_runner().submit(config, dataset)
    deadline = time.monotonic() + 120
    while job.status != "running" and time.monotonic() < deadline:  # Stop is offered for a running run
        time.sleep(0.1)
    assert job.status == "running"
    try:
        yield job
    finally:
        job.stop()
        job.wait(timeout=60)
