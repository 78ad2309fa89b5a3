"""A fisheries officer starts a sync run from the page and watches it finish: the job runs in the worker
that `lienthong serve` starts beside the web server, and the progress bar follows it without a reload."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_sync_run_started_from_the_page_runs_to_completion(page, live_site, login):
    login(page, "thuysan")
    page.goto(live_site.url + "/doi-soat/dot/")
    page.click("[data-testid=run-start]")
    progress = page.locator("[data-testid=run-progress]")
    progress.wait_for()
    assert progress.get_attribute("data-status") in ("queued", "running", "done")
    # The page polls: the same element reaches "done" with no navigation by the test.
    page.wait_for_selector("[data-testid=run-progress][data-status=done]", timeout=180_000)
    processed, total = page.locator("[data-testid=run-count]").inner_text().strip().split("/")
    assert int(processed) == int(total) > 0
    assert page.locator("[data-testid=run-counts]").is_visible()
