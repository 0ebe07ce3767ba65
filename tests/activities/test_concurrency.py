"""Two people editing the same record: the later save is refused and says what changed."""

from http import HTTPStatus

from django.urls import reverse

from activities.models import Activity, Status
from targets.models import Target
from tests.admin_forms import activity_change_data
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status


def target_form(target, **changes):
    data = {
        "framework": target.framework_id,
        "goal": target.goal_id or "",
        "number": target.number,
        "short_title": target.short_title,
        "text": target.text,
        "note": target.note,
        "seen_version": target.version,
    }
    return {**data, **changes}


def test_a_stale_target_edit_in_admin_is_refused_and_the_first_stands(admin_client, plan, django_user_model):
    target = Target.objects.get_by_natural_key("cms", 2)
    opened = target_form(target)  # both admins open the change page at this version
    first = django_user_model.objects.create_superuser(
        "first", "first@example.org", None, first_name="Maria", last_name="Lopez"
    )
    admin_client.force_login(first)
    url = reverse("admin:targets_target_change", args=[target.pk])
    assert (
        admin_client.post(url, {**opened, "short_title": "Values integrated"}).status_code == HTTPStatus.FOUND
    )

    admin_client.force_login(django_user_model.objects.create_superuser("second", "second@example.org", None))
    response = admin_client.post(url, {**opened, "note": "Overwrite"})

    assert response.status_code == HTTPStatus.OK
    assert "Someone else changed this target since you opened it" in response.text
    assert "Maria Lopez changed it" in response.text
    assert "“” → “Values integrated”" in response.text
    target.refresh_from_db()
    assert (target.short_title, target.note) == ("Values integrated", "")


def test_an_admin_edit_after_a_browser_status_change_is_refused(admin_client, plan):
    activity = Activity.objects.get(plan=plan, number=9)
    original_title = activity.title
    opened = activity_change_data(activity)
    record_status(activity, Status.COMPLETED, by=member_of("Secretariat staff", "staff"), note="Done")

    response = admin_client.post(
        reverse("admin:activities_activity_change", args=[activity.pk]), {**opened, "title": "Renamed"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Someone else changed this activity" in response.text
    activity.refresh_from_db()
    assert (activity.title, activity.status) == (original_title, Status.COMPLETED)


def test_a_current_admin_edit_is_saved(admin_client, plan):
    activity = Activity.objects.get(plan=plan, number=9)

    response = admin_client.post(
        reverse("admin:activities_activity_change", args=[activity.pk]),
        activity_change_data(activity, title="Promote synergies at national level"),
    )

    assert response.status_code == HTTPStatus.FOUND
    activity.refresh_from_db()
    assert activity.title == "Promote synergies at national level"
    assert activity.version == 1


def meeting_form(meeting, **changes):
    data = {
        "kind": meeting.kind,
        "date": meeting.date.isoformat(),
        "place": meeting.place,
        "participants": meeting.participants,
        "notes": meeting.notes,
        "activities": [],
        "seen_version": meeting.version,
    }
    return {**data, **changes}


def test_a_stale_meeting_edit_in_the_browser_is_refused(client, plan):
    meeting = MeetingFactory(plan=plan, notes="Original")
    opened = meeting_form(meeting)
    url = reverse("activities:meeting-edit", args=[meeting.pk])
    client.force_login(member_of("Secretariat staff", "first"))
    assert client.post(url, {**opened, "notes": "First edit"}).status_code == HTTPStatus.FOUND

    client.force_login(member_of("Secretariat staff", "second"))
    response = client.post(url, {**opened, "notes": "Second edit"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Someone else changed this meeting since you opened it" in response.text
    assert "“Original” → “First edit”" in response.text
    meeting.refresh_from_db()
    assert meeting.notes == "First edit"


def test_a_stale_meeting_edit_in_admin_is_refused(admin_client, plan):
    meeting = MeetingFactory(plan=plan, notes="Original")
    opened = {**meeting_form(meeting), "plan": plan.pk}
    meeting.notes = "Changed meanwhile"
    meeting.version += 1
    meeting.save()

    response = admin_client.post(
        reverse("admin:activities_meeting_change", args=[meeting.pk]), {**opened, "notes": "Mine"}
    )

    assert "Someone else changed this meeting" in response.text
    meeting.refresh_from_db()
    assert meeting.notes == "Changed meanwhile"
