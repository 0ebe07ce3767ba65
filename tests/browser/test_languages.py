"""Languages in a real browser: the switch keeps the page and its filters, a French browser
lands on French pages, and a French link someone sent opens in French."""

import re

import pytest
from playwright.sync_api import expect

from targets.models import Target
from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_switch_keeps_the_page_and_its_filters(live_server, live_plan, new_page):
    page = new_page()
    page.goto(live_server.url + "/?aichi=11&status=planned")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/\?aichi=11&status=planned$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Joint activities")
    expect(page.locator("a.chip")).to_have_count(2)  # the filters are still applied

    page.get_by_role("button", name="Español").click()
    expect(page).to_have_url(re.compile(r"/es/\?aichi=11&status=planned$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")

    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"127\.0\.0\.1:\d+/\?aichi=11&status=planned$|localhost:\d+/\?aichi"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Joint activities")
    page.goto(live_server.url + "/targets/")  # the choice sticks over the browser's language
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_a_french_browser_lands_on_french_pages_and_official_texts(live_server, live_plan, new_page):
    page = new_page(viewport=PHONE, locale="fr-FR")
    page.goto(live_server.url + "/targets/aichi/11/")

    expect(page).to_have_url(re.compile(r"/fr/targets/aichi/11/$"))
    french = Target.objects.get(framework__slug="aichi", number=11).translations["fr"]["text"]
    expect(page.locator("blockquote.plan-text")).to_have_text(french)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_spanish_page_shows_english_official_text_marked_where_none_exists(
    live_server, live_plan, new_page
):
    untranslated = Target.objects.filter(framework__slug="aichi").exclude(translations__has_key="es").first()
    page = new_page()
    page.goto(f"{live_server.url}/es/targets/aichi/{untranslated.number}/")

    quote = page.locator("blockquote.plan-text [lang=en]")
    expect(quote).to_have_text(untranslated.text)
    expect(page.locator(".no-translation")).to_be_visible()
