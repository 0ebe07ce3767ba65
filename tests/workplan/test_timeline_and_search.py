"""The timeline of the triennium and the one search box."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from activities.models import Activity, MeetingKind, Reference, Status
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status
from workplan.timeline import periods_of


@pytest.fixture
def meetings(plan):
    public = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, is_public=True, date=datetime.date(2017, 11, 28), place="Bonn"
    )
    private = MeetingFactory(
        plan=plan,
        kind=MeetingKind.TELECONFERENCE,
        is_public=False,
        date=datetime.date(2017, 3, 2),
        place="Video call",
        notes="Budget of the marine debris workshop",
    )
    return public, private


def lanes(response) -> list[int]:
    return [lane.activity.number for group in response.context["groups"] for lane in group.lanes]


def test_the_timeline_has_a_lane_per_activity_grouped_by_plan_row(client, plan):
    response = client.get(reverse("timeline"))

    assert response.status_code == HTTPStatus.OK
    assert sorted(lanes(response)) == list(range(1, 29))
    headings = [group.heading for group in response.context["groups"]]
    assert headings[0] == "Commitments of the opening paragraphs"
    assert headings[1] == "Row 1: Migratory Species Target 1, Aichi Target 1"
    assert '<svg class="timeline"' in response.text


def test_the_timeline_filters_like_the_list_with_the_same_parameters(client, plan):
    listed = [a.number for a in client.get("/", {"aichi": "11", "status": "not_reported"}).context["page"]]

    response = client.get(reverse("timeline"), {"aichi": "11", "status": "not_reported"})

    assert sorted(lanes(response)) == listed
    assert client.get("/timeline/?aichi=11&q=")["Location"] == "/timeline/?aichi=11"
    assert client.get("/timeline/?aichi=99").status_code == HTTPStatus.BAD_REQUEST


def test_each_period_between_status_changes_is_a_bar_linked_to_the_activity(client, plan):
    activity = Activity.objects.get(plan=plan, number=14)
    record_status(activity, Status.PLANNED, effective_on=datetime.date(2016, 9, 12))
    record_status(activity, Status.IN_PROGRESS, effective_on=datetime.date(2017, 2, 1))

    response = client.get(reverse("timeline"), {"aichi": "7"})

    lane = next(
        lane for group in response.context["groups"] for lane in group.lanes if lane.activity == activity
    )
    assert [(p.status, p.start) for p in lane.periods] == [
        (Status.NOT_REPORTED, datetime.date(2016, 1, 1)),
        (Status.PLANNED, datetime.date(2016, 9, 12)),
        (Status.IN_PROGRESS, datetime.date(2017, 2, 1)),
    ]
    assert [p.words for p in lane.periods] == [
        "Not yet reported from 1 Jan 2016 to 11 Sep 2016",
        "Planned from 12 Sep 2016 to 31 Jan 2017",
        "In progress since 1 Feb 2017",
    ]
    bars = re.findall(
        rf'<a href="/activities/{activity.pk}/#history-heading" aria-label="([^"]*)">', response.text
    )
    assert bars == [f"Activity 14: {p.words}" for p in lane.periods]
    # The table beside it says the same.
    assert "<li>Planned from 12 Sep 2016 to 31 Jan 2017</li>" in response.text


def test_bars_are_as_wide_as_their_periods():
    periods = periods_of([], datetime.date(2016, 1, 1), datetime.date(2019, 1, 1))
    assert [(p.status, p.ongoing) for p in periods] == [(Status.NOT_REPORTED, True)]


def test_due_dates_show_on_the_timeline_marked_when_overdue(client, plan):
    activity = Activity.objects.get(plan=plan, number=14)
    Activity.objects.filter(pk=activity.pk).update(due_date=datetime.date(2017, 6, 30))

    response = client.get(reverse("timeline"))

    assert 'aria-label="Activity 14: due 30 Jun 2017, overdue"' in response.text
    assert '<path class="due overdue"' in response.text


def test_meetings_are_markers_only_for_those_who_may_read_them(client, plan, meetings):
    public, private = meetings
    assert client.get(reverse("timeline")).context["markers"] == []

    client.force_login(member_of("Focal points", "focal"))
    markers = client.get(reverse("timeline")).context["markers"]
    assert [marker.meeting for marker in markers] == [public]

    client.force_login(member_of("Secretariat staff", "staff"))
    response = client.get(reverse("timeline"))
    assert [marker.meeting for marker in response.context["markers"]] == [private, public]
    assert (
        f'<a href="{public.get_absolute_url()}" aria-label="28 Nov 2017: Annual coordination meeting">'
        in response.text
    )


# Search


def test_search_finds_activities_meetings_and_the_decisions_the_plan_cites(client, plan, meetings):
    public, private = meetings
    client.force_login(member_of("Secretariat staff", "staff"))

    response = client.get(reverse("search"), {"q": "marine debris"})

    assert (
        [a.number for a in response.context["activities"]]
        == [a.number for a in Activity.objects.filter(plan=plan).search("marine debris").order_by("number")]
        != []
    )
    assert response.context["meetings"] == [private]
    reference = Reference.objects.filter(activities__plan=plan).first()
    found = client.get(reverse("search"), {"q": reference.name}).context["references"]
    assert reference in found


def test_search_shows_only_the_meetings_the_reader_may_read(client, plan, meetings):
    public, private = meetings
    assert client.get(reverse("search"), {"q": "Budget"}).context["meetings"] == []
    assert client.get(reverse("search"), {"q": "Bonn"}).context["meetings"] == []

    client.force_login(member_of("Focal points", "focal"))
    assert client.get(reverse("search"), {"q": "Budget"}).context["meetings"] == []
    assert client.get(reverse("search"), {"q": "Bonn"}).context["meetings"] == [public]


def test_the_search_box_is_on_every_page(client, plan):
    assert 'action="/search/" role="search"' in client.get("/targets/").text
    assert client.get(reverse("search")).status_code == HTTPStatus.OK
    assert "0 results" in client.get(reverse("search"), {"q": "zzzzzz"}).text
