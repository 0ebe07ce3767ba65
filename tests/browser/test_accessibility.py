"""axe-core (WCAG 2.1 A and AA) on every page type, per role, at desktop and phone widths, in
every language of the site.

Each page is also saved as a screenshot in test-artifacts/screenshots/ (`-fr`, `-es` for the
French and Spanish pages).
"""

import pytest
from django.conf import settings

from tests.browser.conftest import AXE, DESKTOP, PHONE, require, screenshot, sign_in
from tests.browser.pages import PAGES_BY_ROLE, ROLE_NAMES, UPLOAD_FIRST, import_upload, seed_pages

pytestmark = pytest.mark.django_db(transaction=True)

RUN_AXE = """async () => {
  const rules = {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}};
  const result = await axe.run(document, rules);
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
}"""


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("role", list(PAGES_BY_ROLE), ids=ROLE_NAMES.get)
def test_every_page_has_no_serious_accessibility_violation(
    live_server, live_plan, make_user, new_page, role, viewport, language
):
    require(AXE, "run `npm ci` (bin/test does it)")
    paths = seed_pages(live_plan)
    page = new_page(viewport=viewport)
    if role:
        _, password = make_user("member", role)
        sign_in(page, live_server.url, "member", password)
    width = "desktop" if viewport is DESKTOP else "phone"
    prefix, suffix = ("", "") if language == settings.LANGUAGE_CODE else (f"/{language}", f"-{language}")

    found = {}
    for name in PAGES_BY_ROLE[role]:
        if name in UPLOAD_FIRST:
            upload(page, live_server.url, *import_upload(live_plan))
        page.goto(live_server.url + prefix + paths[name])
        screenshot(page, f"{name}-{ROLE_NAMES[role]}-{width}{suffix}")
        page.evaluate(AXE.read_text(encoding="utf-8"))
        violations = page.evaluate(RUN_AXE)
        if violations:
            found[name] = violations

    assert not found, found


def upload(page, base_url: str, name: str, content: bytes):
    page.goto(f"{base_url}/activities/import/")
    page.get_by_label("Workbook or CSV file").set_input_files(
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": content}]
    )
    page.get_by_role("button", name="Upload and preview").click()
    page.wait_for_url("**/activities/import/preview/")


def test_the_accessibility_check_finds_a_violation_when_there_is_one(new_page):
    require(AXE, "run `npm ci` (bin/test does it)")
    page = new_page()
    page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><input type="text"></main></html>')
    page.evaluate(AXE.read_text(encoding="utf-8"))

    assert [violation["id"] for violation in page.evaluate(RUN_AXE)] == ["label"]
