"""The list's filters as people find them, the words and dates the pages use, and due dates."""

import datetime
import re
from http import HTTPStatus

from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Status
from targets.models import Target
from tests.conftest import member_of
from tests.factories import record_status
from tests.forms import form_data


def numbers(response) -> list[int]:
    return [activity.number for activity in response.context["page"]]


def post_progress(client, activity, **changes):
    page = client.get(activity.get_absolute_url())
    url = reverse("activities:update-progress", args=[activity.pk])
    return client.post(url, {**form_data(page, action=url), **changes})


# Filters people find


def test_empty_parameters_are_left_out_of_the_address(client, plan):
    response = client.get("/?q=&aichi=11&status=&lead=&owner=&as_of=&sort=")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/?aichi=11"
    assert client.get("/?q=&status=")["Location"] == "/"


def test_a_shared_link_with_targets_of_two_frameworks_still_works(client, plan):
    both = Activity.objects.filter(targets__framework__slug="cms", targets__number=5).filter(
        targets__framework__slug="aichi", targets__number=7
    )

    response = client.get("/?cms=5&aichi=7")

    assert response.status_code == HTTPStatus.OK
    assert numbers(response) == sorted(activity.number for activity in both) != []


def test_each_active_filter_is_a_chip_that_removes_only_itself(client, plan):
    response = client.get("/", {"aichi": ["11", "12"], "status": "not_reported", "sort": "status"})

    chips = dict(
        re.findall(
            r'<a class="chip" href="([^"]*)"><span class="visually-hidden">Remove the filter </span>([^<]*) ',
            response.text,
        )
    )
    assert chips == {
        "/?aichi=12&amp;status=not_reported&amp;sort=status": "Aichi Target 11",
        "/?aichi=11&amp;status=not_reported&amp;sort=status": "Aichi Target 12",
        "/?aichi=11&amp;aichi=12&amp;sort=status": "Status: Not yet reported",
    }
    assert '<a class="clear-all" href="/?sort=status">Clear all filters</a>' in response.text
    assert client.get("/?aichi=12&status=not_reported&sort=status").status_code == HTTPStatus.OK


def test_the_filters_wait_behind_a_disclosure_that_counts_the_active_ones(client, plan):
    response = client.get("/", {"aichi": ["11", "12"], "lead": "joint"})

    summary = re.search(
        r'<details class="filter-panel">\s*<summary[^>]*>(.*?)</summary>', response.text, re.S
    )
    assert summary is not None  # closed: the results come first
    assert re.sub(r"<[^>]+>", "", summary.group(1)) == "Filters (3 active)"
    assert "(none active)" in client.get("/").text


def test_a_refused_filter_opens_the_disclosure_and_can_be_removed(client, plan):
    response = client.get("/?aichi=99&cms=5")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert '<details class="filter-panel" open>' in response.text
    assert (
        'href="/?cms=5"><span class="visually-hidden">Remove the filter </span>Aichi Target 99'
        in response.text
    )


def test_migratory_species_targets_show_the_start_of_their_official_text_never_a_made_up_title(client, plan):
    cms_1 = Target.objects.get_by_natural_key("cms", 1)
    aichi_11 = Target.objects.get_by_natural_key("aichi", 11)

    form = client.get("/").context["filter"].form
    labels = dict(form.fields["cms"].choices)

    assert cms_1.short_title == ""
    assert labels["1"] == "CMS 1 · “People are aware of the multiple values of migratory species…”"
    assert cms_1.text.startswith("People are aware of the multiple values of migratory ")
    assert dict(form.fields["aichi"].choices)["11"] == f"Aichi 11 · {aichi_11.short_title}"


# Words and dates


def test_an_activity_says_what_is_true_of_its_owners_and_due_date(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)

    page = client.get(activity.get_absolute_url()).text
    listed = client.get("/").text

    for text in (page, listed):
        assert "No owner yet" in text and "No due date" in text
        assert "Owners: Not yet reported" not in text
    assert re.search(r"<dt>Owners</dt><dd><span class=\"muted\">No owner yet</span>", page)


def test_the_date_a_status_took_effect_shows_with_the_day_it_was_recorded_beside_it(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    record_status(activity, Status.IN_PROGRESS, effective_on=datetime.date(2017, 11, 28))
    today = timezone.localdate()

    page = client.get(activity.get_absolute_url()).text
    row = re.search(
        rf'<tr>(?:(?!</tr>).)*href="{activity.get_absolute_url()}".*?</tr>', client.get("/").text, re.S
    )

    for text in (page, row.group(0)):
        assert '<time datetime="2017-11-28">28 Nov 2017</time> <span class="muted small">(recorded' in text
        assert f'<time datetime="{today.isoformat()}">' in text
    assert "Last update" not in page


def test_a_status_recorded_the_day_it_took_effect_shows_one_date(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    record_status(activity, Status.IN_PROGRESS, effective_on=timezone.localdate())

    assert "(recorded" not in client.get(activity.get_absolute_url()).text


def test_the_list_as_of_a_date_shows_when_that_status_took_effect(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    record_status(activity, Status.PLANNED, effective_on=datetime.date(2016, 5, 2))
    record_status(activity, Status.COMPLETED, effective_on=datetime.date(2018, 3, 1))

    response = client.get("/", {"as_of": "2017-12-31", "status": "planned"})

    assert numbers(response) == [9]
    assert '<time datetime="2016-05-02">2 May 2016</time>' in response.text


def test_the_report_defaults_to_the_latest_status_change_or_the_end_of_the_plan_and_says_which(client, plan):
    response = client.get(reverse("report"))
    assert response.context["as_of"] == datetime.date(2018, 12, 31)
    assert "as of 31 December 2018, the end of the plan period" in response.text

    record_status(
        Activity.objects.get(plan=plan, number=9), Status.PLANNED, effective_on=datetime.date(2017, 11, 28)
    )
    response = client.get(reverse("report"))
    assert response.context["as_of"] == datetime.date(2017, 11, 28)
    assert (
        "as of 28 November 2017, the date of the latest status change "
        "(the plan period ends on 31 December 2018)" in response.text
    )
    assert "the end of the plan period" not in client.get(reverse("report"), {"as_of": "2017-01-01"}).text


# Due dates


def test_staff_set_and_clear_a_due_date_in_the_progress_form(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    client.force_login(member_of("Secretariat staff", "staff"))

    assert 'name="due_date"' in client.get(activity.get_absolute_url()).text
    assert post_progress(client, activity, due_date="2018-06-30").status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    assert activity.due_date == datetime.date(2018, 6, 30)
    assert activity.history.latest().due_date == datetime.date(2018, 6, 30)  # the one write path

    # Saving something else keeps it; emptying the field clears it.
    assert post_progress(client, activity, note="Progress noted").status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    assert activity.due_date == datetime.date(2018, 6, 30)
    assert post_progress(client, activity, due_date="").status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    assert activity.due_date is None


def test_a_due_date_outside_the_plan_period_is_refused(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    client.force_login(member_of("Secretariat staff", "staff"))

    response = post_progress(client, activity, due_date="2021-01-01")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "must fall within the plan period (2016-2018)" in response.text
    activity.refresh_from_db()
    assert activity.due_date is None


def _due(plan, number, day, status=None):
    activity = Activity.objects.get(plan=plan, number=number)
    Activity.objects.filter(pk=activity.pk).update(due_date=day)
    if status:
        record_status(activity, status, effective_on=datetime.date(2017, 1, 1))
    return activity


def test_overdue_activities_are_marked_and_filtered_unless_completed_or_discontinued(client, plan):
    late = _due(plan, 9, datetime.date(2017, 6, 30), Status.IN_PROGRESS)
    _due(plan, 10, datetime.date(2017, 6, 30), Status.COMPLETED)
    _due(plan, 11, datetime.date(2017, 6, 30), Status.DISCONTINUED)
    _due(plan, 12, timezone.localdate() + datetime.timedelta(days=30))  # not yet due

    response = client.get("/", {"overdue": "true"})

    assert numbers(response) == [9]
    assert "Overdue" in response.text
    assert "Overdue</strong>" in client.get(late.get_absolute_url()).text
    for number in (10, 11):
        assert (
            "Overdue</strong>"
            not in client.get(Activity.objects.get(plan=plan, number=number).get_absolute_url()).text
        )
    dashboard = client.get(reverse("dashboard"))
    assert [a.number for a in dashboard.context["overdue"]] == [9]
    assert "1 activity is past its due date" in dashboard.text


def test_overdue_as_of_a_date_counts_from_that_date(client, plan):
    _due(plan, 9, datetime.date(2017, 6, 30), Status.IN_PROGRESS)

    assert numbers(client.get("/", {"overdue": "true", "as_of": "2017-06-01"})) == []
    assert numbers(client.get("/", {"overdue": "true", "as_of": "2017-07-01"})) == [9]


def test_the_favicon_is_found(client, plan):
    response = client.get("/favicon.ico")

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"].startswith("/static/favicon")
    assert 'rel="icon"' in client.get("/").text
