"""AppTest steps shared by page tests that train."""
import time

from streamlit.testing.v1 import AppTest


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
