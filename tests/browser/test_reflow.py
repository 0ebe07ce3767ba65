"""WCAG 2.1, 1.4.10 Reflow: every page type fits a 320 CSS px wide screen with no sideways
scroll of the page itself, signed out and as each role, with data that fills its tables. Wide
content (the timeline, the coverage matrix) scrolls inside its own labelled region."""

import pytest
from django.conf import settings

from tests.browser.conftest import screenshot, sign_in
from tests.browser.pages import ROLE_NAMES, UPLOAD_FIRST, import_upload, reachable, seed_pages
from tests.browser.test_accessibility import upload

pytestmark = pytest.mark.django_db(transaction=True)

NARROWEST = {"width": 320, "height": 640}

# How far the page reaches sideways, and which elements stick out (for the failure message).
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const wider = [];
  for (const element of document.querySelectorAll('body *')) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 1 && !element.closest('[role="region"]')) {
      wider.push(`${element.tagName.toLowerCase()}.${element.className}: ${Math.round(box.right)}px`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, wider: wider.slice(0, 5)};
}"""


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
@pytest.mark.parametrize("role", [None, "Focal points", "Secretariat staff", "admin"], ids=ROLE_NAMES.get)
def test_every_page_fits_a_320_px_screen(live_server, live_plan, make_user, new_page, role, language):
    """In every language: French and Spanish words are longer than English ones."""
    paths = seed_pages(live_plan)
    page = new_page(viewport=NARROWEST)
    if role:
        _, password = make_user("member", role)
        sign_in(page, live_server.url, "member", password)

    too_wide = {}
    for name in reachable(role):
        if name in UPLOAD_FIRST:
            upload(page, live_server.url, *import_upload(live_plan))
        prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
        page.goto(live_server.url + prefix + paths[name])
        measured = page.evaluate(MEASURE)
        if measured["scroll"] > NARROWEST["width"]:
            too_wide[name] = measured
            screenshot(page, f"reflow-{name}-{ROLE_NAMES[role]}-320-{language}")

    assert not too_wide, "\n".join(f"{name}: {measured}" for name, measured in too_wide.items())


def test_the_reflow_check_finds_a_page_that_is_too_wide(new_page):
    page = new_page(viewport=NARROWEST)
    page.set_content(
        '<!DOCTYPE html><html lang="en"><title>t</title><div style="width: 700px">wide</div></html>'
    )

    assert page.evaluate(MEASURE)["scroll"] > NARROWEST["width"]
