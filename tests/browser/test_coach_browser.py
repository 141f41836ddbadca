"""The coach in a real browser: a finished run shows what the coach reads in it, and the fix to try."""


def test_a_finished_run_shows_the_coach_reading_and_its_fix(page, app_url):
    # A shared link's setup: a quick look, 2 epochs, a learning rate far too small.
    page.goto(f"{app_url}/?dataset=mnist&subset=5000&epochs=2&lr=0.000001")
    page.get_by_role("button", name="▶ Train").click(timeout=120_000)  # a busy machine draws the page slowly
    page.get_by_text("Test accuracy").wait_for(timeout=300_000)
    page.get_by_text("What the coach sees").wait_for(timeout=30_000)
    assert page.get_by_text("Learning rate too low").first.is_visible()
    assert page.get_by_text("so small that the network learns very slowly").first.is_visible()  # plain meaning
    assert page.get_by_text("steps the training loss (its error) only went from").first.is_visible()  # evidence
    assert page.get_by_role("button", name="Try a learning rate 100 times bigger").is_visible()
