"""Issue 11, symptoms 1 and 2: what a private meeting said reaches secretariat staff only, and
the API reads meetings by the same rule as the pages."""

import datetime
from http import HTTPStatus

from django.urls import reverse

from activities.models import Activity, MeetingKind
from tests.conftest import member_of
from tests.factories import MeetingFactory
from tests.forms import form_data

MARKER = "PRIVATE-7f3a-NOTE"


def review_privately(client, plan):
    """Staff review a private annual meeting and give activity 11 a note and a new status."""
    activity = Activity.objects.get(plan=plan, number=11)
    meeting = MeetingFactory(
        plan=plan,
        kind=MeetingKind.ANNUAL,
        is_public=False,
        date=datetime.date(2017, 11, 28),
        place="Hidden Place",
        activities=[activity],
    )
    client.force_login(member_of("Secretariat staff", "reviewer"))
    url = reverse("activities:meeting-review", args=[meeting.pk])
    data = form_data(client.get(url))
    data[f"a{activity.pk}-agreed_status"] = "in_progress"
    data[f"a{activity.pk}-note"] = MARKER
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:3000]
    client.logout()
    return meeting, activity


def test_a_private_meetings_review_note_reaches_no_anonymous_reader_or_focal_point(client, plan):
    meeting, activity = review_privately(client, plan)
    pages = [
        activity.get_absolute_url(),
        reverse("compare") + "?start=2016-01-01&end=2018-12-31",
        reverse("dashboard"),
    ]
    for role in (None, "focal"):
        if role:
            client.force_login(member_of("Focal points", "focal"))
        for page in pages:
            text = client.get(page).content.decode()
            assert MARKER not in text, (role, page)
            assert meeting.get_absolute_url() not in text, (role, page)
            assert str(meeting) not in text and "Hidden Place" not in text, (role, page)
        client.logout()

    client.force_login(member_of("Secretariat staff", "staff"))
    assert MARKER in client.get(activity.get_absolute_url()).content.decode()


def test_the_api_gives_anonymous_readers_no_meeting_notes_as_the_pages_do(client, plan):
    public = MeetingFactory(plan=plan, is_public=True, notes="Public notes", participants="A. Person")
    assert client.get(public.get_absolute_url()).status_code == HTTPStatus.FOUND  # sign in first

    listed = client.get("/api/meetings/").json()
    assert listed["count"] == 0
    assert client.get(f"/api/meetings/{public.pk}/").status_code == HTTPStatus.NOT_FOUND

    client.force_login(member_of("Focal points", "focal"))
    listed = client.get("/api/meetings/").json()
    assert [meeting["notes"] for meeting in listed["results"]] == ["Public notes"]
