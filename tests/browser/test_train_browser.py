"""A person's first run: open the app, train a quick model, watch the chart, see the result."""
from bench.app_start import FIRST_POINT_SHOWN


def test_a_quick_run_shows_live_charts_and_finishes(page):
    page.get_by_text("Quick look: 5,000 images").click()
    page.get_by_role("button", name="▶ Train").click()
    page.wait_for_function(FIRST_POINT_SHOWN, timeout=60_000, polling=20)  # the live canvas draws the curve
    page.get_by_text("Test accuracy").wait_for(timeout=120_000)
    page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=30_000)  # the finished run's chart
    value = page.locator("[data-testid='stMetricValue']").first.inner_text()
    assert float(value.rstrip("%")) > 90
    assert page.get_by_role("button", name="▶ Train").is_enabled()
    assert "run=" in page.url  # a refresh finds the same run again
    assert "subset=5000" in page.url  # the quick look chosen just before Train held


def test_the_run_survives_a_browser_refresh(page):
    page.get_by_text("Quick look: 5,000 images").click()
    page.get_by_role("button", name="▶ Train").click()
    page.get_by_text("Test accuracy").wait_for(timeout=120_000)
    assert "subset=5000" in page.url  # the quick look held (a stale URL once undid it)
    page.reload()
    page.get_by_text("Test accuracy").wait_for(timeout=60_000)
    page.wait_for_selector("[data-testid='stPlotlyChart']", timeout=30_000)  # Plotly's script loads after the text
    assert page.locator("[data-testid='stPlotlyChart']").count() == 1  # the curves are back, once
