"""2-D playground in a real browser: a click on the plane adds a point of the chosen class."""
import re


def training_points(page) -> tuple[int, int]:
    """(training points, added by the user) from the caption under the plane."""
    text = page.get_by_text(re.compile(r"training points, filled")).inner_text()
    total, added = re.search(r"(\d+) training points, filled \((\d+) added by you\)", text).groups()
    return int(total), int(added)


def click_plane(page, x_share: float, y_share: float) -> None:
    target = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first
    target.evaluate("element => element.scrollIntoView({block: 'center'})")
    plane = target.bounding_box()
    page.mouse.click(plane["x"] + plane["width"] * x_share, plane["y"] + plane["height"] * y_share)


def test_clicking_the_plane_adds_points_and_training_runs_live(page):
    page.get_by_role("link", name="2-D playground").click()
    page.get_by_text(re.compile(r"training points, filled")).wait_for(timeout=30_000)
    assert training_points(page) == (160, 0)
    click_plane(page, 0.1, 0.1)
    page.get_by_text(re.compile(r"161 training points")).wait_for(timeout=15_000)
    page.locator("[data-testid='stRadio'] label", has_text="orange (class 0)").click()
    page.wait_for_timeout(1000)  # the page redraws after the choice; a person takes this long anyway
    click_plane(page, 0.9, 0.1)
    page.get_by_text(re.compile(r"162 training points")).wait_for(timeout=15_000)
    assert training_points(page) == (162, 2)

    page.get_by_role("button", name="Train").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=15_000)
    epoch = page.locator("[data-testid='stMetricValue']").first
    page.wait_for_function("element => parseInt(element.innerText.replace(',', '')) >= 5",
                           arg=epoch.element_handle(), timeout=30_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Train").wait_for(timeout=15_000)
    # The buttons are drawn before the live view: wait for the view's paused caption, drawn after its
    # epoch counter, or the counter read here may still be the one from before the last training tick.
    page.get_by_text(re.compile(r"hollow\. Click anywhere on the plane")).wait_for(timeout=15_000)
    paused_at = epoch.inner_text()
    page.wait_for_timeout(1500)
    assert epoch.inner_text() == paused_at
