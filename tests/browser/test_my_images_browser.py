"""A founder tries an idea: two classes of pictures added in the browser, the pretrained network, a new picture."""
import numpy as np

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
