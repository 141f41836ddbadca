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


OVERLAPS = """([a, b]) => !(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top)"""


def test_plotlys_toolbar_leaves_the_chart_titles_readable(page):
    """The toolbar Plotly shows while the pointer is on a chart once covered the accuracy panel's title."""
    chart = page.locator("[data-testid='stPlotlyChart']").first
    chart.wait_for(timeout=60_000)
    page.get_by_text("Accuracy (higher is better)").wait_for(timeout=30_000)
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.5)
    toolbar = chart.locator(".modebar")
    toolbar.wait_for(timeout=30_000)
    toolbar_box = toolbar.evaluate("e => e.getBoundingClientRect().toJSON()")
    for title in ("Loss (lower is better)", "Accuracy (higher is better)"):
        title_box = chart.locator(".annotation-text", has_text=title).evaluate("e => e.getBoundingClientRect().toJSON()")
        assert not page.evaluate(OVERLAPS, [toolbar_box, title_box]), (title, toolbar_box, title_box)
