"""What the e2e tests share besides fixtures: a browser tab wrapper and TOTP timing."""

from __future__ import annotations

import re
import time
from pathlib import Path

BROWSER_TIMEZONE = "Europe/Berlin"


def field(page, label: str):
    """The form control labelled `label` exactly, whether or not the label ends in a colon."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}:?\s*$"))


class BrowserSession:
    """One browser tab plus what a test wants from it: paths, screenshots, console errors."""

    def __init__(
        self, page, base_url: str, artifact_dir: Path, *, serves_websockets: bool = True
    ) -> None:
        self.page = page
        # Django's own live server speaks WSGI only: there the pages' live connections fail to
        # open, which is no error of the page (the tests on the ASGI server cover them).
        self.serves_websockets = serves_websockets
        self.base_url = base_url.rstrip("/")
        self.artifact_dir = artifact_dir
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught: {error}"))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        if not self.serves_websockets and re.match(
            r"WebSocket connection to '\S+/ws/", message.text
        ):
            return
        self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def goto(self, path: str):
        return self.page.goto(self.url(path))

    @property
    def path(self) -> str:
        return self.page.url.removeprefix(self.base_url)

    def expect_path(self, pattern: str) -> None:
        """Wait until the tab shows a path matching the regular expression `pattern`."""
        self.page.wait_for_url(re.compile("^" + re.escape(self.base_url) + pattern))

    def shoot(self, name: str, *, full_page: bool = True) -> Path:
        self.artifact_dir.mkdir(parents=True, exist_ok=True)
        target = self.artifact_dir / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=full_page)
        return target

    def assert_no_console_errors(self, *, allowed: tuple[str, ...] = ()) -> None:
        errors = [e for e in self.console_errors if not any(a in e for a in allowed)]
        assert errors == [], f"console errors on {self.path}: {errors}"

    def log_in(self, email: str, password: str) -> None:
        page = self.page
        field(page, "Email").fill(email)
        field(page, "Password").fill(password)
        page.get_by_role("button", name=re.compile("^(Sign in|Log in)$", re.IGNORECASE)).click()

    def open_account_menu(self) -> None:
        self.page.get_by_label("Account menu").click()


def wait_for_fresh_totp_window(period: int, margin: float = 3.0) -> None:
    """Sleep past the end of the TOTP window when it closes before a code could be submitted."""
    remaining = period - (time.time() % period)
    if remaining < margin:
        time.sleep(remaining + 0.1)


# Problems a person using a screen reader or keyboard would hit, checked in the rendered DOM.
ACCESSIBILITY_AUDIT = """
() => {
  const problems = [];
  const visible = (el) => el.checkVisibility({ visibilityProperty: true });
  const h1s = [...document.querySelectorAll("h1")].filter(visible);
  if (h1s.length !== 1) problems.push(`${h1s.length} visible h1 headings`);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (["hidden", "submit", "button"].includes(el.type)) continue;
    const named = el.labels.length || el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
    if (!named) problems.push(`unlabelled ${el.tagName.toLowerCase()} name=${el.name}`);
  }
  for (const el of document.querySelectorAll("img:not([alt])")) problems.push(`img without alt: ${el.src.slice(0, 60)}`);
  for (const el of document.querySelectorAll("a, button")) {
    if (visible(el) && !(el.textContent.trim() || el.getAttribute("aria-label") || el.querySelector("img[alt]:not([alt=''])")))
      problems.push(`${el.tagName.toLowerCase()} without a name`);
  }
  const ids = [...document.querySelectorAll("[id]")].map((el) => el.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`duplicate id ${id}`);
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push(`page scrolls sideways: ${document.documentElement.scrollWidth}px > ${window.innerWidth}px`);
  return problems;
}
"""


def accessibility_problems(page) -> list[str]:
    return page.evaluate(ACCESSIBILITY_AUDIT)
