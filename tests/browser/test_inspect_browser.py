"""A person trains a quick model, opens Inspect, looks at feature maps and clicks a confusion-matrix cell."""
import re


def test_inspect_a_freshly_trained_model_and_click_a_mistake(page):
    page.get_by_text("Quick look: 5,000 images").click()
    page.get_by_role("button", name="▶ Train").click()
    page.get_by_text("Test accuracy").wait_for(timeout=120_000)
    page.get_by_role("link", name="Inspect").click()
    page.get_by_text("Look inside a model").wait_for(timeout=30_000)
    page.get_by_text("The model says").wait_for(timeout=30_000)

    page.get_by_role("tab", name="Feature maps").click()
    page.wait_for_function("title => [...document.querySelectorAll('.gtitle')].some(e => e.textContent === title)",
                           arg="conv1 (after ReLU): 16 maps of 14×14", timeout=30_000)  # the default's stride-2 first layer

    page.get_by_role("tab", name="Errors").click()
    page.get_by_text("Wrong answers").wait_for(timeout=60_000)
    plot_area = page.locator(".st-key-inspect_confusion .nsewdrag").first
    plot_area.scroll_into_view_if_needed(timeout=30_000)
    box = plot_area.bounding_box()
    shown = page.get_by_text(re.compile(r"test images of \d taken for \d")).first.inner_text()
    first_choice = tuple(int(d) for d in re.search(r"of (\d) taken for (\d)", shown).groups())
    true_class, predicted_class = (4, 9) if first_choice != (4, 9) else (3, 5)
    page.mouse.click(box["x"] + (predicted_class + 0.5) / 10 * box["width"],  # where that cell is drawn
                     box["y"] + (true_class + 0.5) / 10 * box["height"])
    page.get_by_text(f"test images of {true_class} taken for {predicted_class}").wait_for(timeout=30_000)
