"""The pages under their Content-Security-Policy in a real browser: the inbox and a task page
with its form raise no violation, their stylesheet applies and their forms still send, while a
script slipped into the page is refused."""

from __future__ import annotations

from playwright.sync_api import ConsoleMessage, Page, expect

from engine.db import Database

from ...conftest import start_budget_cycle
from .conftest import Pages

DRAFT = "Begroting opstellen"
# Before any script of the page: every violation the browser reports is kept in the page.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""
SLIP_IN_A_SCRIPT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__slippedIn = true;";
  document.body.appendChild(script);
  return window.__slippedIn === true;
}"""


class Violations:
    """The CSP violations of a tab: from its console and from its ``securitypolicyviolation``
    events (kept per page, so read before leaving it)."""

    def __init__(self, page: Page) -> None:
        self.page, self.console = page, []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._on_console)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def heard(self, directive: str, tries: int = 50) -> bool:
        """Whether the console named ``directive`` (its message may come a moment late)."""
        for _ in range(tries):
            if any(directive in text for text in self.console):
                return True
            self.page.wait_for_timeout(50)
        return False

    def on_this_page(self) -> list[str]:
        return list(self.page.evaluate("window.__violations || []"))


def test_the_inbox_and_a_task_form_work_under_the_policy(db: Database, pages: Pages) -> None:
    start_budget_cycle(db)
    page = pages.page
    violations = Violations(page)
    pages.sign_in("mia")
    seen = []
    response = page.goto(pages.base + "/tasks")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    pages.check_accessibility()
    seen += violations.on_this_page()
    pages.click("button", f"Oppakken {DRAFT} (Begroting 2027)")
    seen += violations.on_this_page()
    pages.click("link", DRAFT)
    seen += violations.on_this_page()
    # The stylesheet from /static applies: the form's hidden default button is out of the flow.
    hidden = page.locator("button.visually-hidden")
    assert hidden.evaluate("b => getComputedStyle(b).position") == "absolute"
    page.get_by_label("Reguliere basistaken (EUR)").fill("250.000")
    page.get_by_label("Plustaken (EUR)").fill("40.000")
    page.get_by_label("Toelichting").fill("Basistaken als vorig jaar plus indexatie.")
    pages.click("button", "Taak afronden")  # form-action 'self' lets the form and its redirect go
    expect(page.get_by_role("status")).to_contain_text("“Begroting opstellen” is afgerond")
    seen += violations.on_this_page()
    assert seen == [] and violations.console == []

    # The policy is in force: a script slipped into the page does not run, and is reported.
    assert page.evaluate(SLIP_IN_A_SCRIPT) is False
    page.wait_for_function("window.__violations.length > 0")
    assert violations.on_this_page() == ["script-src-elem inline"]
    assert violations.heard("script-src")  # the console listener hears such a refusal
