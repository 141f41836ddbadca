"""Class names typed in the browser are shown as text: no link or image is made from them (issue 28, item 3)."""
HOSTILE = ("[x](http://a)", "![x](http://a/p.png)", "<img src=x>", "**b**")


def test_hostile_class_names_make_no_link_image_or_bold(page):
    page.locator("[data-testid='stSelectbox']").filter(has_text="Dataset").click()
    page.get_by_role("option", name="My images (your own pictures)").click()
    new_class = page.get_by_label("New class")
    for name in HOSTILE:
        new_class.fill(name)
        new_class.press("Enter")
        page.get_by_role("button", name="Add class").click()
        page.get_by_text(f"Pictures of {name}", exact=True).wait_for(timeout=30_000)  # the uploader's label, as text
    page.get_by_text("add more to:").wait_for(timeout=30_000)
    assert page.locator("a[href^='http://a']").count() == 0
    assert page.locator("img[src='http://a/p.png'], img[src='x']").count() == 0
    assert page.locator("strong", has_text="b").filter(has_text="b").evaluate_all(
        "nodes => nodes.filter(n => n.textContent === 'b').length") == 0
