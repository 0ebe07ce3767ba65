"""Issue 11, symptoms 4, 5, 8 and 9: one rule for the current status, one write path for progress."""

import datetime
import logging
from http import HTTPStatus

from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, MeetingKind, ReviewItem
from tests.admin_forms import activity_change_data
from tests.conftest import member_of
from tests.factories import MeetingFactory
from tests.forms import form_data


def post_progress(client, activity, **changes):
    page = client.get(activity.get_absolute_url())
    url = reverse("activities:update-progress", args=[activity.pk])
    data = {**form_data(page, action=url), **changes}
    return client.post(url, data)


def api_status(client, activity, **query):
    if query:
        found = client.get("/api/activities/", {**query, "page_size": 200}).json()["results"]
        return next(item["status"] for item in found if item["id"] == activity.pk)
    return client.get(f"/api/activities/{activity.pk}/").json()["status"]


def test_a_backdated_status_never_makes_current_and_as_of_today_disagree(client, plan):
    activity = Activity.objects.get(plan=plan, number=27)
    client.force_login(member_of("Secretariat staff", "staff"))
    today = timezone.localdate().isoformat()
    assert post_progress(client, activity, status="completed", effective_on=today).status_code == 302
    post_progress(client, activity, status="on_hold", effective_on="2016-05-01")

    assert api_status(client, activity) == api_status(client, activity, as_of=today)


def test_reviewing_a_past_meeting_never_makes_current_and_as_of_today_disagree(client, plan):
    activity = Activity.objects.get(plan=plan, number=27)
    client.force_login(member_of("Secretariat staff", "staff"))
    assert post_progress(client, activity, status="completed").status_code == 302
    meeting = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), activities=[activity]
    )
    url = reverse("activities:meeting-review", args=[meeting.pk])
    data = form_data(client.get(url))
    data[f"a{activity.pk}-agreed_status"] = "on_hold"
    client.post(url, data)

    today = timezone.localdate().isoformat()
    assert api_status(client, activity) == api_status(client, activity, as_of=today)


def test_two_people_reviewing_at_once_lose_neither_note(client, plan):
    first, second = (Activity.objects.get(plan=plan, number=n) for n in (11, 12))
    meeting = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), activities=[first, second]
    )
    client.force_login(member_of("Secretariat staff", "staff"))
    url = reverse("activities:meeting-review", args=[meeting.pk])
    opened_by_a = form_data(client.get(url))
    opened_by_b = dict(opened_by_a)

    assert client.post(url, {**opened_by_a, f"a{first.pk}-note": "Note by A"}).status_code == 302
    response = client.post(url, {**opened_by_b, f"a{second.pk}-note": "Note by B"})

    assert response.status_code == HTTPStatus.CONFLICT
    assert ReviewItem.objects.get(meeting=meeting, activity=first).note == "Note by A"
    # B sees A's note and keeps their own, and saving again loses neither.
    again = form_data(response)
    assert (again[f"a{first.pk}-note"], again[f"a{second.pk}-note"]) == ("Note by A", "Note by B")
    assert client.post(url, again).status_code == 302
    notes = dict(ReviewItem.objects.filter(meeting=meeting).values_list("activity__number", "note"))
    assert (notes[11], notes[12]) == ("Note by A", "Note by B")


def test_a_status_changed_in_admin_writes_an_audit_entry(
    admin_client, plan, caplog, django_capture_on_commit_callbacks
):
    activity = Activity.objects.get(plan=plan, number=9)
    with (
        caplog.at_level(logging.INFO, logger="workplan.audit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = admin_client.post(
            reverse("admin:activities_activity_change", args=[activity.pk]),
            activity_change_data(activity, status="completed"),
        )
    assert response.status_code == 302
    events = [record for record in caplog.records if record.name == "workplan.audit"]
    assert [(e.event, e.activity, e.new_status) for e in events] == [
        ("status_changed", activity.pk, "completed")
    ]


def test_saving_only_the_owners_does_not_say_the_status_changed(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    staff = member_of("Secretariat staff", "staff")
    client.force_login(staff)
    response = post_progress(client, activity, owners=[str(staff.pk)])
    assert response.status_code == 302
    message = " ".join(str(m) for m in response.wsgi_request._messages)
    assert "status now" not in message and "is now" not in message
    assert "owner" in message.lower()


def test_an_owner_who_left_the_secretariat_stays_until_someone_removes_them(client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    former = member_of("Secretariat staff", "former")
    activity.owners.set([former])
    former.groups.clear()  # left the secretariat
    client.force_login(member_of("Secretariat staff", "staff"))

    # Saving a new status from the activity page keeps the owners it shows, the former one too.
    assert post_progress(client, activity, status="completed").status_code == 302
    activity.refresh_from_db()
    assert activity.status == "completed"
    assert list(activity.owners.all()) == [former]

    # But nobody can name them owner of another activity.
    other = Activity.objects.get(plan=plan, number=27)
    response = post_progress(client, other, owners=[str(former.pk)])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "owners" in response.context["form"].errors
    assert not other.owners.filter(pk=former.pk).exists()
