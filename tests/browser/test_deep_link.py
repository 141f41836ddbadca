"""A shared link to a page, opened first thing after the server starts, shows the whole app."""
from tests.browser.conftest import running_app


def test_a_deep_link_on_a_fresh_server_goes_through_the_app(browser, tmp_path):
    with running_app(tmp_path) as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/recipes")
        page.get_by_text("Recipes from the articles").wait_for(timeout=30_000)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Training on").wait_for(timeout=10_000)  # app.py's sidebar ran
        assert sidebar.get_by_text("2-D playground").is_visible()  # app.py's page titles, not file names
        assert not sidebar.get_by_text("playground", exact=True).is_visible()
        context.close()
