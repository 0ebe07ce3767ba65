"""The user flows, each in a real browser, asserting what the user sees."""

import re

import pytest
from playwright.sync_api import expect

from activities.models import Activity, Meeting, Status
from tests.browser.conftest import PHONE, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def result_titles(page) -> list[str]:
    return page.locator("table.cards tbody a.activity-title").all_inner_texts()


def test_focal_point_filters_by_aichi_target_11_and_shares_the_view(
    live_server, live_plan, make_user, new_page
):
    user, password = make_user("focal", "Focal points")
    page = new_page()
    sign_in(page, live_server.url, "focal", password)
    expected = [
        a.title for a in Activity.objects.filter(targets__framework__slug="aichi", targets__number=11)
    ]

    page.goto(live_server.url + "/")
    page.get_by_text("Filters (none active)").click()
    page.get_by_label("Aichi 11 · Protected areas").check()
    page.get_by_role("button", name="Show activities").click()

    expect(page.get_by_role("status").filter(has_text="activities match")).to_have_text(
        "4 activities match these filters"
    )
    assert result_titles(page) == expected
    shared_url = page.url
    assert "aichi=11" in shared_url
    page.get_by_role("link", name=expected[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(expected[0])
    expect(page.get_by_role("heading", name="Targets it serves")).to_be_visible()

    fresh = new_page()
    fresh.goto(shared_url)
    assert result_titles(fresh) == expected
    expect(fresh.get_by_label("Aichi 11 · Protected areas")).to_be_checked()


def test_staff_changes_a_status_and_a_visitor_sees_it_without_the_form(
    live_server, live_plan, make_user, new_page
):
    make_user("staff", "Secretariat staff", first_name="Amina", last_name="Diallo")
    _, password = make_user("staff2", "Secretariat staff")
    activity = Activity.objects.get(plan=live_plan, number=12)
    page = new_page()
    sign_in(page, live_server.url, "staff2", password)

    page.goto(live_server.url + activity.get_absolute_url())
    page.get_by_label("New status").select_option(label="In progress")
    page.get_by_label("Note").fill("Side event held at SBSTTA-20")
    page.get_by_role("button", name="Save update").click()

    expect(page.get_by_role("status").first).to_contain_text("status now in progress")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("In progress")
    history = page.get_by_role("region", name="Status history")
    expect(history).to_contain_text("Side event held at SBSTTA-20")
    expect(history).to_contain_text("Not yet reported")

    visitor = new_page()
    visitor.goto(live_server.url + activity.get_absolute_url())
    expect(visitor.locator("dl.facts")).to_contain_text("In progress")
    expect(visitor.get_by_role("button", name="Save update")).to_have_count(0)
    assert visitor.request.get(live_server.url + f"/activities/{activity.pk}/progress/").status == 405
    activity.refresh_from_db()
    assert activity.status == Status.IN_PROGRESS


def test_the_second_of_two_concurrent_status_changes_is_refused(live_server, live_plan, make_user, new_page):
    _, first_password = make_user("first", "Secretariat staff", first_name="Maria", last_name="Lopez")
    _, second_password = make_user("second", "Secretariat staff")
    activity = Activity.objects.get(plan=live_plan, number=20)
    first, second = new_page(), new_page()
    sign_in(first, live_server.url, "first", first_password)
    sign_in(second, live_server.url, "second", second_password)
    first.goto(live_server.url + activity.get_absolute_url())
    second.goto(live_server.url + activity.get_absolute_url())

    first.get_by_label("New status").select_option(label="Planned")
    first.get_by_label("Note").fill("Workshop scheduled")
    first.get_by_role("button", name="Save update").click()
    expect(first.get_by_role("status").first).to_contain_text("status now planned")

    second.get_by_label("New status").select_option(label="Completed")
    second.get_by_role("button", name="Save update").click()

    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Someone else changed this activity")
    expect(alert).to_contain_text("Maria Lopez set the status to Planned")
    expect(alert).to_contain_text("Workshop scheduled")
    expect(second.get_by_label("New status")).to_have_value("completed")
    activity.refresh_from_db()
    assert activity.status == Status.PLANNED
    assert activity.status_changes.count() == 1


def add_inline_choice(page, group: str, search: str, choice: str):
    """Add a row to an admin inline and pick a value in its autocomplete box."""
    page.locator(f"#{group}-group .add-row a").click()
    row = page.locator(f"#{group}-group tr.form-row.dynamic-{group}").last
    row.locator(".select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=choice).first.click()


def test_admin_adds_an_activity_linked_to_targets(live_server, live_plan, make_user, new_page):
    _, password = make_user("root", "admin")
    page = new_page()
    sign_in(page, live_server.url, "root", password)

    page.goto(live_server.url + "/admin/activities/activity/add/")
    page.get_by_label("Plan:").select_option(label=live_plan.title)
    page.get_by_label("Number:").fill("29")
    page.get_by_label("Title:").fill("Joint webinar on migratory species and protected areas")
    page.get_by_label("Text:").fill("Hold a joint webinar.")
    add_inline_choice(page, "activitytarget_set", "protected", "Aichi Target 11")
    add_inline_choice(
        page, "activitytarget_set", "genetic diversity of wild populations", "Migratory Species Target 12"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.goto(live_server.url + "/?aichi=11")
    assert "Joint webinar on migratory species and protected areas" in result_titles(page)
    page.goto(live_server.url + "/?cms=12")
    assert "Joint webinar on migratory species and protected areas" in result_titles(page)
    page.goto(live_server.url + "/coverage/")
    cell = page.locator("table.matrix tbody tr", has_text="CMS 12").locator("td").nth(10)
    expect(cell.get_by_role("link")).to_contain_text("29")


def test_staff_record_a_meeting_and_focal_points_read_its_notes_only_when_public(
    live_server, live_plan, make_user, new_page
):
    _, staff_password = make_user("staff", "Secretariat staff")
    _, focal_password = make_user("focal", "Focal points")
    page = new_page()
    sign_in(page, live_server.url, "staff", staff_password)

    page.goto(live_server.url + "/meetings/new/")
    page.get_by_label("Kind").select_option(label="Annual coordination meeting")
    page.get_by_label("Date").fill("2017-11-28")
    page.get_by_label("Place or medium").fill("Bonn")
    page.get_by_label("Notes:", exact=True).fill("Agreed to prepare a joint side event.")
    page.get_by_label("13. Share information on marine debris").check()
    page.get_by_label(
        "14. Cooperate in the Collaborative Partnership on Sustainable Wildlife Management"
    ).check()
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual coordination meeting, 28 November 2017")
    meeting = Meeting.objects.get()
    for number in (13, 14):
        page.goto(live_server.url + Activity.objects.get(plan=live_plan, number=number).get_absolute_url())
        expect(page.get_by_role("region", name="Meetings that discussed it")).to_contain_text(
            "Annual coordination meeting, 28 November 2017"
        )

    focal = new_page()
    sign_in(focal, live_server.url, "focal", focal_password)
    assert focal.goto(live_server.url + meeting.get_absolute_url()).status == 404
    expect(focal.get_by_text("Agreed to prepare a joint side event.")).to_have_count(0)

    page.goto(live_server.url + f"/meetings/{meeting.pk}/edit/")
    page.get_by_label("Public: focal points may read the notes").check()
    page.get_by_role("button", name="Save the meeting").click()
    focal.goto(live_server.url + meeting.get_absolute_url())
    expect(focal.get_by_text("Agreed to prepare a joint side event.")).to_be_visible()


def tab_to(page, selector: str, limit: int = 120):
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the keyboard")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_filter_and_status_forms_work_with_the_keyboard_alone(
    live_server, live_plan, make_user, new_page, viewport
):
    _, password = make_user("staff", "Secretariat staff")
    page = new_page(**({"viewport": viewport} if viewport else {}))
    sign_in(page, live_server.url, "staff", password)
    page.goto(live_server.url + "/")

    tab_to(page, "#id_q")
    page.keyboard.type("marine")
    tab_to(page, "#filters-summary")
    page.keyboard.press("Enter")
    tab_to(page, "input[name=aichi][value='8']")
    page.keyboard.press("Space")
    tab_to(page, "#filter-submit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"aichi=8"))
    assert result_titles(page) == ["Share information on marine debris"]

    tab_to(page, "a.activity-title")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/activities/\d+/$"))
    tab_to(page, "select[name=status]")
    page.keyboard.press("End")  # the last status in the list: Discontinued
    tab_to(page, "textarea[name=note]")
    page.keyboard.type("Merged into another activity")
    tab_to(page, "#progress-submit")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text("status now discontinued")
    assert Activity.objects.get(plan=live_plan, number=13).status == Status.DISCONTINUED
