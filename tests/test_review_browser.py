"""The review page in a real browser (Debian's chromium, driven by Playwright's Python package):
filter to errors, open an action's source, correct a due date, export the corrections, and
see the correction survive a re-run with ``convert --overrides``.

Skipped when /usr/bin/chromium is absent, unless CI is set: then it fails (``.ci/run``
installs chromium). Nothing is downloaded: Playwright drives the system browser.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "data" / "raw"
SEED_PDF = ROOT / "tests" / "fixtures" / "pdf" / "seed_002_93871fd4ab8d0ecd.pdf"
CHROMIUM = Path(os.environ.get("ACTIONPLANS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def chromium_or_skip() -> Path:
    """The system Chromium; a skip on a developer machine without it, a failure in CI."""
    if CHROMIUM.is_file():
        return CHROMIUM
    if os.environ.get("CI"):
        pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    executable = chromium_or_skip()
    if os.environ.get("CI"):
        from playwright.sync_api import sync_playwright
    else:
        sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _convert(plans: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "actionplans.cli", "convert", str(plans), "--out", str(out), "--jobs", "1", "--review", *extra],
                            cwd=out.parent, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode in (0, 1), result.stderr
    return result


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory) -> tuple[Path, Path]:
    """The seed plans (text exports) and the PDF rendering of one, converted with --review."""
    base = tmp_path_factory.mktemp("review-browser")
    plans = base / "plans"
    shutil.copytree(SEEDS, plans)
    shutil.copy(SEED_PDF, plans / SEED_PDF.name)
    _convert(plans, base / "out")
    return plans, base / "out"


def _open(browser, page_path: Path):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}") if message.type == "error" else None)
    page.on("request", lambda request: problems.append(f"request: {request.url}") if not request.url.startswith(("file:", "data:", "blob:")) else None)
    page.goto(page_path.as_uri())
    return context, page, problems


def test_filter_open_correct_export_and_rerun(browser, seed_run, tmp_path):
    plans, out = seed_run
    issues = pd.read_csv(out / "issues.csv", dtype=str, keep_default_na=False)
    error_actions = set(issues[(issues["severity"] == "error") & (issues["action_id"] != "")]["action_id"])
    assert len(error_actions) == 2  # one garbled row in the text export, one in its PDF rendering
    actions = pd.read_csv(out / "actions.csv", dtype=str, keep_default_na=False).set_index("action_id")

    context, page, problems = _open(browser, out / "review.html")
    # Filter to errors: exactly the actions with an error issue remain.
    page.select_option("#filter-severity", "error")
    rows = page.locator("tr.action")
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.id)")) == sorted(error_actions)
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.severity)")) == {"error"}

    # Open the PDF action's source: the page crop with the row's box, and the row's cells.
    pdf_id = next(i for i in error_actions if actions.loc[i, "document"].endswith(".pdf"))
    page.locator(f'tr.action[data-id="{pdf_id}"]').click()
    detail = page.locator(f'tr.detail[data-id="{pdf_id}"]')
    assert detail.locator(".source-image img").count() == 1
    box = detail.locator(".source-image .box").bounding_box()
    image = detail.locator(".source-image img").bounding_box()
    assert box and image and box["width"] > 50 and box["height"] > 5
    assert detail.locator(".issue.error code").first.inner_text() == "garbled-row"
    assert actions.loc[pdf_id, "action"][:40] in detail.locator(".source-cells").inner_text().replace("\n", " ")

    # Open the text export's action: its cells as printed, no image.
    text_id = next(i for i in error_actions if i != pdf_id)
    page.locator(f'tr.action[data-id="{text_id}"]').click()
    detail = page.locator(f'tr.detail[data-id="{text_id}"]')
    assert detail.locator(".source-image").count() == 0
    assert detail.locator(".source-cells tr").count() >= 2

    # Correct its due date: an impossible date is refused in the page, a real one is kept.
    detail.locator('input[name="due_date"]').fill("31.11.12")
    detail.locator("button.save").click()
    assert "is not a date" in detail.locator(".message").inner_text()
    assert page.locator("#correction-count").inner_text() == "0"
    detail.locator('input[name="due_date"]').fill("2012-11-30")
    detail.locator('input[name="note"]').fill("board minutes, 5 Nov")
    detail.locator("button.save").click()
    assert page.locator("#correction-count").inner_text() == "1"
    assert page.locator(f'tr.action[data-id="{text_id}"] td.due').inner_text() == "2012-11-30"

    # Export the corrections: the download is an overrides.csv convert accepts.
    with page.expect_download() as download_info:
        page.click("#export")
    download = download_info.value
    assert download.suggested_filename == "overrides.csv"
    overrides = tmp_path / "overrides.csv"
    download.save_as(overrides)
    lines = list(csv.reader(io.StringIO(overrides.read_text(encoding="utf-8"))))
    assert lines == [["action_id", "field", "value", "note"], [text_id, "due_date", "2012-11-30", "board minutes, 5 Nov"]]
    assert problems == []
    context.close()

    # Re-run with the overrides: the dataset and the page show the corrected value.
    result = _convert(plans, out, "--overrides", str(overrides))
    assert "overrides: 1 applied from overrides.csv" in result.stdout
    rerun = pd.read_csv(out / "actions.csv", dtype=str, keep_default_na=False).set_index("action_id")
    assert (rerun.loc[text_id, "due_date"], rerun.loc[text_id, "overridden"]) == ("2012-11-30", "due_date")
    context, page, problems = _open(browser, out / "review.html")
    row = page.locator(f'tr.action[data-id="{text_id}"]')
    assert row.locator("td.due").inner_text() == "2012-11-30"
    assert "corrected" in row.inner_text()
    row.click()
    assert "overridden" in page.locator(f'tr.detail[data-id="{text_id}"]').inner_text()
    # Exporting again carries the applied correction forward, so the file stays whole.
    with page.expect_download() as download_info:
        page.click("#export")
    again = tmp_path / "again.csv"
    download_info.value.save_as(again)
    assert list(csv.reader(io.StringIO(again.read_text(encoding="utf-8"))))[1] == [text_id, "due_date", "2012-11-30", "board minutes, 5 Nov"]
    assert problems == []
    context.close()


def test_marking_a_row_not_an_action_is_exported(browser, seed_run, tmp_path):
    _, out = seed_run
    context, page, problems = _open(browser, out / "review.html")
    page.select_option("#filter-severity", "warning")
    row = page.locator("tr.action").first
    action_id = row.get_attribute("data-id")
    row.click()
    detail = page.locator(f'tr.detail[data-id="{action_id}"]')
    detail.locator('input[name="not_action"]').check()
    detail.locator('input[name="note"]').fill("a note row, not an action")
    detail.locator("button.save").click()
    assert "dropped" in page.locator(f'tr.action[data-id="{action_id}"]').get_attribute("class")
    with page.expect_download() as download_info:
        page.click("#export")
    exported = tmp_path / "overrides.csv"
    download_info.value.save_as(exported)
    lines = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8"))))
    assert [action_id, "not_action", "true", "a note row, not an action"] in lines
    assert problems == []
    context.close()


def test_markup_in_a_source_cell_shows_as_text(browser, tmp_path):
    plans = tmp_path / "plans"
    plans.mkdir()
    (plans / "markup.txt").write_text(
        "Plan, June 2016\nRef\tAction\tLead\tTimescale\n"
        "1\tCheck the &lt;script&gt;window.injected = 1&lt;/script&gt; &lt;b&gt;form&lt;/b&gt;\tData Team\tJuly 2016\n", encoding="utf-8")
    out = tmp_path / "out"
    _convert(plans, out)
    context, page, problems = _open(browser, out / "review.html")
    row = page.locator("tr.action").first
    assert "<script>window.injected = 1</script> <b>form</b>" in row.inner_text()
    row.click()
    assert "<script>" in page.locator(".source-cells").inner_text()
    assert page.evaluate("window.injected") is None
    assert page.locator("main b").count() == 0
    assert problems == []
    context.close()


def test_without_chromium_the_browser_tests_skip_locally_and_fail_in_ci(monkeypatch):
    module = sys.modules[__name__]
    monkeypatch.setattr(module, "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        chromium_or_skip()
    monkeypatch.setenv("CI", "1")
    with pytest.raises(pytest.fail.Exception, match="missing in CI"):
        chromium_or_skip()
