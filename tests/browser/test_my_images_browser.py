"""A founder tries an idea: two classes of pictures added in the browser, the pretrained network, a new picture."""
import re

import numpy as np
from playwright.sync_api import expect

from tests.shapes import shape_image


def pictures(kind: str, count: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"name": f"{kind}-{index}.png", "mimeType": "image/png", "buffer": shape_image(kind, rng)}
            for index in range(count)]


def add_pictures(page, class_name: str, files: list[dict]) -> None:
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text=f"Pictures of {class_name}")
    uploader.locator("input[type='file']").set_input_files(files)


def test_add_two_classes_of_pictures_train_and_answer_a_new_one(page):
    page.locator("[data-testid='stSelectbox']").filter(has_text="Dataset").click()
    page.get_by_role("option", name="My images (your own pictures)").click()
    page.get_by_text("Pictures of Class 1").wait_for(timeout=30_000)
    add_pictures(page, "Class 1", pictures("circles", 6, 1))
    page.get_by_text("add more to: Class 2").wait_for(timeout=60_000)  # Class 1 has its pictures
    add_pictures(page, "Class 2", pictures("triangles", 6, 2))
    page.get_by_text("are kept aside to test the finished model").wait_for(timeout=30_000)
    page.get_by_role("button", name="▶ Train").click()
    page.get_by_text("Test accuracy").wait_for(timeout=180_000)
    page.get_by_text("Try it").wait_for(timeout=30_000)
    try_uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="A new picture")
    try_uploader.locator("input[type='file']").set_input_files(pictures("circles", 1, 9))
    page.locator(".draw-answer").wait_for(timeout=60_000)
    assert page.locator(".draw-answer").inner_text().strip() in ("Class 1", "Class 2")


def test_class_names_and_pictures_survive_a_visit_to_another_page(page):
    """Streamlit forgets the state of widgets it does not draw: the class names must come back with the page."""
    page.locator("[data-testid='stSelectbox']").filter(has_text="Dataset").click()
    page.get_by_role("option", name="My images (your own pictures)").click()
    first_name = page.get_by_role("textbox", name="Class name").first
    first_name.fill("airplane")
    first_name.press("Enter")
    page.get_by_text("Pictures of airplane").wait_for(timeout=30_000)
    add_pictures(page, "airplane", pictures("circles", 6, 1))
    page.get_by_text("6 pictures").wait_for(timeout=60_000)
    # The files moved from the uploader into the thumbnails: each picture is listed once.
    expect(page.locator("[data-testid='stFileChip']")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove", exact=True).first).to_have_text(re.compile("Remove$"))
    page.get_by_role("link", name="Runs").click()
    page.get_by_text("No saved runs yet").or_(page.get_by_text("Pick runs to compare")).first.wait_for(timeout=30_000)
    page.get_by_role("link", name="Train").click()
    page.get_by_text("Pictures of airplane").wait_for(timeout=30_000)
    expect(page.get_by_role("textbox", name="Class name").first).to_have_value("airplane")
    expect(page.get_by_role("textbox", name="Class name").nth(1)).to_have_value("Class 2")
    page.get_by_text("6 pictures").wait_for(timeout=30_000)


def test_class_buttons_show_their_whole_labels(browser, app_url):
    """At 1,400 px and on a phone, 'Remove' and 'Add class' are not cut to 'R' and '+ A…'."""
    for width, height in ((1400, 1000), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        tab = context.new_page()
        tab.goto(app_url)
        tab.locator("[data-testid='stSelectbox']").filter(has_text="Dataset").click()
        tab.get_by_role("option", name="My images (your own pictures)").click()
        tab.get_by_text("Pictures of Class 1").wait_for(timeout=60_000)
        for name in ("Remove", "Add class"):
            button = tab.get_by_role("button", name=name).first
            button.scroll_into_view_if_needed()
            fits = button.evaluate("b => [...b.querySelectorAll('p, span, div')].every("
                                   "e => e.scrollWidth <= e.clientWidth + 1)")
            assert fits and name in button.inner_text(), (width, name, button.inner_text())
        context.close()
