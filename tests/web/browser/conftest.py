"""Browser fixtures: Debian's Chromium driven by Playwright against the live server, axe-core, a real worker.

Without Chromium the browser tests are skipped with one line, except in CI
(CONTINUITY_REQUIRE_SERVICES=1), where a missing browser fails them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls there unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CONTINUITY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
SERIOUS = {"serious", "critical"}


def require_chromium() -> None:
    """Skip the calling test module, in one line, when Chromium or Playwright is missing; fail instead in CI."""
    if not Path(CHROMIUM).exists():
        reason = f"no Chromium at {CHROMIUM}"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            reason = "the playwright package is not installed"
        else:
            return
    if os.environ.get("CONTINUITY_REQUIRE_SERVICES") == "1":
        pytest.fail(f"browser tests need Chromium: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, launched once for the session (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_demo(transactional_db: None, live_server: Any) -> Any:
    """The demo studio in the live server's database."""
    from demo.studio import demo_load

    return demo_load(log=lambda _line: None)


@pytest.fixture
def worker(transactional_db: None) -> Iterator[Any]:
    """A real Dramatiq worker thread on the in-process broker, as `make run` has."""
    import dramatiq

    from config.inprocess_worker import start_inprocess_worker

    dramatiq.get_broker().flush_all()  # messages other tests queued without a worker
    running = start_inprocess_worker()
    assert running is not None, "the tests expect the in-process broker"
    yield running
    running.stop()


@pytest.fixture
def screenshots(tmp_path: Path) -> Callable[[Any, str], None]:
    """Save a page's screenshot (to CONTINUITY_SCREENSHOTS when set, e.g. docs/screenshots, else tmp)."""
    folder = Path(os.environ.get("CONTINUITY_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)

    def save(page: Any, name: str) -> None:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=False)

    return save


@pytest.fixture
def person(chromium: Any, live_server: Any) -> Iterator[Callable[[str], Any]]:
    """Return a signed-in browser page for a demo user (each in a context of its own)."""
    from demo.studio import DEMO_PASSWORD

    contexts = []

    def sign_in(username: str) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/library/")
        return page

    yield sign_in
    for context in contexts:
        context.close()


def axe_violations(page: Any) -> list[str]:
    """Run axe-core on the page; return its serious and critical violations, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{page.url}: {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v.get("impact") in SERIOUS]
