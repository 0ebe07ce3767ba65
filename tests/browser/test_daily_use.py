"""Daily use in a real browser: the list on a phone, its filter chips, a meeting review of what
was discussed, and the timeline."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from activities.models import Activity, Meeting, MeetingKind, ReviewItem, Status
from tests.browser.conftest import PHONE, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_on_a_phone_the_results_come_first_and_filters_are_chips_removed_in_one_click(
    live_server, live_plan, new_page
):
    page = new_page(viewport=PHONE)
    page.goto(live_server.url + "/")

    first = page.locator("table.cards tbody tr").first.bounding_box()
    assert first["y"] < 1.5 * PHONE["height"], first  # the whole form used to come first: 9,700 px
    expect(page.get_by_label("Aichi 11 · Protected areas")).to_be_hidden()

    page.get_by_text("Filters (none active)").click()
    page.get_by_label("Aichi 11 · Protected areas").check()
    page.get_by_label("Aichi 12 · Reducing risk of extinction").check()
    page.get_by_role("button", name="Show activities").click()

    page.wait_for_url(re.compile(r"/\?aichi=11&aichi=12$"))  # no empty parameter in the address
    expect(page.get_by_text("Filters (2 active)")).to_be_visible()
    expect(page.locator("a.chip")).to_have_text(
        ["Remove the filter Aichi Target 11 ×", "Remove the filter Aichi Target 12 ×"]
    )

    page.get_by_role("link", name="Remove the filter Aichi Target 11").click()
    page.wait_for_url(re.compile(r"/\?aichi=12$"))
    expect(page.get_by_role("status").filter(has_text="match")).to_contain_text("match these filters")

    page.get_by_role("link", name="Clear all filters").click()
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("status").filter(has_text="activities")).to_have_text("28 activities")


def test_staff_review_what_the_meeting_discussed_and_add_another(live_server, live_plan, make_user, new_page):
    _, password = make_user("staff", "Secretariat staff")
    discussed = [Activity.objects.get(plan=live_plan, number=n) for n in (3, 14)]
    meeting = Meeting.objects.create(
        plan=live_plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), is_public=True
    )
    meeting.activities.set(discussed)
    page = new_page()
    sign_in(page, live_server.url, "staff", password)

    page.goto(f"{live_server.url}/meetings/{meeting.pk}/review/")
    rows = page.locator("table.review-table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_label("Agreed status for activity 3").select_option(label="Completed")
    page.get_by_text("Add other activities to the review (26 not in it)").click()
    page.get_by_label("20. ").check()
    page.get_by_role("button", name="Add them to the review").click()

    expect(rows).to_have_count(3)
    expect(page.get_by_label("Agreed status for activity 3")).to_have_value("completed")  # kept
    page.get_by_label("Agreed status for activity 20").select_option(label="In progress")
    page.get_by_label("Next step for activity 20").fill("Plan the workshop")
    page.get_by_role("button", name="Save the review").click()

    expect(page.get_by_role("status").first).to_have_text("Saved the review: 2 statuses changed.")
    minutes = page.locator("#review-heading + .table-wrap tbody tr")
    expect(minutes).to_have_count(3)
    expect(minutes.nth(2)).to_contain_text("Plan the workshop")
    assert ReviewItem.objects.filter(meeting=meeting).count() == 3
    assert Activity.objects.get(plan=live_plan, number=20).status == Status.IN_PROGRESS


def test_the_timeline_links_bars_and_meetings_and_scrolls_inside_its_region_on_a_phone(
    live_server, live_plan, make_user, new_page
):
    _, password = make_user("focal", "Focal points")
    meeting = Meeting.objects.create(
        plan=live_plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), is_public=True
    )
    page = new_page(viewport=PHONE)
    sign_in(page, live_server.url, "focal", password)

    page.goto(live_server.url + "/timeline/?aichi=11")
    region = page.get_by_role("region", name="Timeline drawing (scrolls sideways)")
    sizes = region.evaluate("(element) => [element.scrollWidth, element.clientWidth]")
    assert sizes[0] > sizes[1]  # the drawing scrolls inside its region ...
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # ... not the page
    expect(page.locator("svg.timeline rect.bar")).to_have_count(4)

    page.get_by_role("link", name="28 Nov 2017: Annual coordination meeting").click()
    page.wait_for_url(f"**{meeting.get_absolute_url()}")

    page.go_back()
    page.get_by_role("link", name=re.compile(r"^Activity 19: Not yet reported since")).click()
    page.wait_for_url(re.compile(r"/activities/\d+/#history-heading$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        Activity.objects.get(plan=live_plan, number=19).title
    )


def test_the_timeline_prints_on_a4_landscape(live_server, live_plan, new_page):
    page = new_page()
    page.goto(live_server.url + "/timeline/")

    pdf = page.pdf(prefer_css_page_size=True)

    sizes = {tuple(float(n) for n in box) for box in re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)}
    assert sizes and all(abs(w - 841.9) < 2 and abs(h - 595.3) < 2 for w, h in sizes), sizes
    page.emulate_media(media="print")
    drawing = page.locator("svg.timeline").bounding_box()
    assert drawing["width"] <= page.evaluate("document.documentElement.clientWidth")
