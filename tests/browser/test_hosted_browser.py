"""The Streamlit Community Cloud entry point (deploy/cloud/streamlit_app.py) runs every page with the hosted profile."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import running_app

# Each page's address and a title it shows once it has run.
PAGES = {"": "Train a network", "inspect": "Look inside a model", "draw": "Draw a digit",
         "recipes": "Recipes from the articles", "runs": "Runs", "playground": "2-D playground", "demo": "Demo"}


@pytest.fixture(scope="module")
def hosted_url(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.delenv("PLAYGROUND_HOSTED", raising=False)  # the entry point must turn it on itself
    with running_app(tmp_path_factory.mktemp("hosted-runs"), main_file="deploy/cloud/streamlit_app.py") as url:
        yield url


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_every_page_opens_without_an_error_from_the_hosted_entry_point(browser, hosted_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    for path, title in PAGES.items():
        tab.goto(f"{hosted_url}/{path}")
        tab.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)
        tab.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000)
        expect(tab.get_by_test_id("stException")).to_have_count(0)
        expect(tab.get_by_test_id("stSidebarNavItems").get_by_role("link")).to_have_count(len(PAGES))
    context.close()


def test_the_hosted_limits_are_in_force(browser, hosted_url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.goto(f"{hosted_url}/runs")
    tab.get_by_text("Upload a model bundle").click()
    expect(tab.get_by_text("20MB per file")).to_be_visible(timeout=30_000)  # PLAYGROUND_MAX_UPLOAD_MB, hosted
    context.close()
