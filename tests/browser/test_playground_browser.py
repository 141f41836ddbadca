"""2-D playground in a real browser: a click on the plane adds a point of the chosen class; an uploaded
three-class CSV is learned, the plane shows three colours and every neuron is drawn and explained."""
import io
import re

import numpy as np
from PIL import Image


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


CLASS_SHADES = {"orange": (249, 182, 116), "blue": (148, 174, 203), "green": (152, 199, 147)}  # full-confidence shading


def three_blobs_csv(path) -> None:
    rng = np.random.default_rng(0)
    rows = ["x,y,label"]
    for label, (cx, cy) in enumerate([(-0.8, -0.6), (0.8, -0.6), (0.0, 0.8)]):
        for x, y in rng.normal((cx, cy), 0.15, (40, 2)):
            rows.append(f"{x:.3f},{y:.3f},{label}")
    path.write_text("\n".join(rows) + "\n")


def shares_of_class_shades(png: bytes) -> dict[str, float]:
    """The share of the picture's pixels near each class's shading colour."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    return {name: float((np.abs(pixels - colour).sum(1) < 30).mean()) for name, colour in CLASS_SHADES.items()}


def test_an_uploaded_three_class_csv_is_learned_with_three_colours_and_every_neuron_drawn(page, tmp_path):
    page.get_by_role("link", name="2-D playground").click()
    page.get_by_text(re.compile(r"training points, filled")).wait_for(timeout=30_000)
    three_blobs_csv(tmp_path / "three.csv")
    page.get_by_text("Your points: upload, download").click()
    uploader = page.locator("[data-testid='stExpander']", has_text="Your points").locator("input[type='file']")
    uploader.set_input_files(str(tmp_path / "three.csv"))
    page.get_by_text(re.compile(r"→ 3 outputs")).wait_for(timeout=30_000)
    page.get_by_text(re.compile(r"Training on your points from three\.csv")).wait_for(timeout=15_000)

    page.get_by_role("button", name="Train").click()
    page.get_by_role("button", name="Pause").wait_for(timeout=15_000)
    epoch = page.locator("[data-testid='stMetricValue']").first
    page.wait_for_function("element => parseInt(element.innerText.replace(',', '')) >= 30",
                           arg=epoch.element_handle(), timeout=60_000)
    page.get_by_role("button", name="Pause").click()
    page.get_by_text(re.compile(r"hollow\. Click anywhere on the plane")).wait_for(timeout=15_000)

    plane = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first
    plane.evaluate("element => element.scrollIntoView({block: 'center'})")
    shares = shares_of_class_shades(plane.screenshot())
    assert all(share > 0.05 for share in shares.values()), shares  # the boundary splits the plane three ways

    network = page.locator(".js-plotly-plot").nth(1)
    assert network.locator("image").count() == 1  # the drawing of every neuron
    assert network.locator("image").get_attribute("href").startswith("data:image/jpeg")
    # Hover over the first hidden neuron (after the two inputs x and y): its plain words appear
    neuron = network.locator(".scatterlayer .point").nth(2).bounding_box()
    page.mouse.move(neuron["x"] + neuron["width"] / 2, neuron["y"] + neuron["height"] / 2)
    page.wait_for_function("element => element.textContent.includes('Layer 1, neuron 1')",
                           arg=network.locator(".hoverlayer").element_handle(), timeout=15_000)
    page.mouse.click(neuron["x"] + neuron["width"] / 2, neuron["y"] + neuron["height"] / 2)
    page.get_by_text(re.compile(r"Layer 1, neuron 1\. It (responds|gives)")).last.wait_for(timeout=15_000)


def test_export_onnx_and_save_then_load_the_playground(page, tmp_path):
    page.get_by_role("link", name="2-D playground").click()
    page.get_by_text(re.compile(r"training points, filled")).wait_for(timeout=30_000)
    epoch = page.locator("[data-testid='stMetricValue']").first
    for count in ("1", "2", "3"):
        page.get_by_role("button", name="Step one epoch").click()
        page.wait_for_function(f"element => element.innerText === '{count}'", arg=epoch.element_handle(),
                               timeout=30_000)
    page.get_by_text("Take it away: export, save, load").click()
    page.get_by_role("button", name="Make an ONNX file").click()
    page.get_by_text(re.compile(r"largest difference from PyTorch")).wait_for(timeout=60_000)
    with page.expect_download() as onnx_download:
        page.get_by_role("button", name="Download ONNX").click()
    assert onnx_download.value.suggested_filename == "playground.onnx"
    with page.expect_download() as saved:
        page.get_by_role("button", name="Save this playground").click()
    saved_path = tmp_path / "playground.safetensors"
    saved.value.save_as(saved_path)

    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("element => element.innerText === '0'", arg=epoch.element_handle(), timeout=30_000)
    loader = page.locator("[data-testid='stExpander']", has_text="Take it away").locator("input[type='file']")
    loader.set_input_files(str(saved_path))
    page.get_by_text(re.compile(r"Training on your points from playground\.safetensors")).wait_for(timeout=30_000)
    page.wait_for_function("element => element.innerText === '3'", arg=epoch.element_handle(), timeout=30_000)
