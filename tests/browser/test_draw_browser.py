"""A person draws digits with the mouse on the Draw page, reads the model's answer, and clears the canvas.

Set PLAYGROUND_SCREENSHOTS=1 to also save docs/draw.png (the page with a drawn digit) for the README.
"""
import math
import os
from pathlib import Path

from playwright.sync_api import expect

DOCS = Path(__file__).resolve().parents[2] / "docs"
WHITE_PIXELS = """canvas => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) count += data[i] > 128;
    return count;
}"""


def open_draw_page(page):
    page.get_by_role("link", name="Draw").click()
    page.get_by_text("Draw a digit (0 to 9)").wait_for(timeout=60_000)
    canvas = page.locator("canvas.upper-canvas")  # fabric.js's drawing layer, in the component's shadow DOM
    canvas.wait_for(timeout=30_000)
    return canvas


def stroke(page, canvas, points: list[tuple[float, float]]) -> None:
    """Press, move through the points (canvas pixels) in small steps like a hand, release."""
    box = canvas.bounding_box()
    x, y = points[0]
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=6)
    page.mouse.up()


def answer_after_drawing(page) -> str:
    page.locator(".draw-answer").wait_for(timeout=30_000)
    return page.locator(".draw-answer").inner_text().strip()


def test_draw_a_one_and_a_zero_and_clear_between(page):
    canvas = open_draw_page(page)
    stroke(page, canvas, [(145, 40), (143, 100), (141, 160), (140, 235)])  # a '1': one stroke down
    assert answer_after_drawing(page) == "1"
    page.get_by_text("What the model sees").wait_for(timeout=30_000)
    expect(page.get_by_role("link", name="Look inside the model")).to_be_visible()
    assert page.locator("canvas.dc-canvas.lower-canvas").evaluate(WHITE_PIXELS) > 1000  # the stroke is drawn

    page.get_by_role("button", name="Clear").click()
    page.get_by_text("Draw a digit (0 to 9)").wait_for(timeout=30_000)
    expect(page.locator(".draw-answer")).to_have_count(0)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for(timeout=30_000)
    assert page.locator("canvas.dc-canvas.lower-canvas").evaluate(WHITE_PIXELS) == 0  # the old strokes are gone

    loop = [(140 + 60 * math.sin(2 * math.pi * t / 36), 140 - 95 * math.cos(2 * math.pi * t / 36))
            for t in range(38)]  # a '0': one closed oval, a little past the start
    stroke(page, canvas, loop)
    page.wait_for_function("() => document.querySelector('.draw-answer')?.textContent.trim() === '0'",
                           timeout=30_000)
    if os.environ.get("PLAYGROUND_SCREENSHOTS"):
        page.get_by_role("link", name="Look inside the model").wait_for(timeout=30_000)  # the page's last element
        page.screenshot(path=str(DOCS / "draw.png"))

    page.get_by_role("link", name="Look inside the model").click()  # the drawing goes along to Inspect
    page.get_by_text("Look inside a model").wait_for(timeout=30_000)
    page.get_by_text("The model says").wait_for(timeout=60_000)
    assert page.get_by_role("radio", name="Your drawing").is_checked()


def test_on_a_phone_the_answer_is_right_under_the_canvas(browser, app_url):
    """390 px wide, columns stack: the answer comes straight after the canvas, not after the model's view."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{app_url}/draw")
    page.get_by_text("Draw a digit (0 to 9)").wait_for(timeout=60_000)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for(timeout=30_000)
    canvas.scroll_into_view_if_needed()
    stroke(page, canvas, [(145, 40), (143, 100), (141, 160), (140, 235)])
    assert answer_after_drawing(page) == "1"
    canvas_bottom = canvas.bounding_box()["y"] + canvas.bounding_box()["height"]
    answer_top = page.locator(".draw-answer").bounding_box()["y"]
    assert 0 < answer_top - canvas_bottom < 844 / 3, (canvas_bottom, answer_top)
    context.close()
