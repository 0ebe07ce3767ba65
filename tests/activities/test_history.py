"""Every change leaves a record of who, when and what; history itself cannot be changed."""

import io
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from activities.models import Activity, Meeting, Status
from targets.models import Target
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status


def test_a_status_change_in_the_browser_is_in_the_history_with_its_author(client, plan):
    staff = member_of("Secretariat staff", "staff")
    client.force_login(staff)
    activity = Activity.objects.get(plan=plan, number=11)

    client.post(
        reverse("activities:update-progress", args=[activity.pk]),
        {
            "status": "in_progress",
            "effective_on": timezone.localdate().isoformat(),
            "version": 0,
            "owners": [staff.pk],
        },
    )

    records = list(activity.history.all())  # newest first; an owners change adds its own record
    status_change = next(
        r for r in records if r.prev_record and "status" in r.diff_against(r.prev_record).changed_fields
    )
    assert (status_change.history_user, status_change.status) == (staff, Status.IN_PROGRESS)
    assert status_change.prev_record.status == Status.NOT_REPORTED
    assert [owner.user for owner in records[0].owners.all()] == [staff]
    assert all(record.history_user == staff for record in records[:2])


def test_an_edit_in_admin_is_in_the_history_with_what_changed(admin_client, admin_user, plan):
    target = Target.objects.get_by_natural_key("cms", 1)
    url = reverse("admin:targets_target_change", args=[target.pk])

    response = admin_client.post(
        url,
        {
            "framework": target.framework_id,
            "goal": "",
            "number": 1,
            "short_title": "Awareness",
            "text": target.text,
            "note": "",
            "seen_version": target.version,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    latest = target.history.first()
    assert latest.history_user == admin_user
    change = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in change if c.field == "short_title"] == [
        ("short_title", "", "Awareness")
    ]
    assert (
        admin_client.get(reverse("admin:targets_target_history", args=[target.pk])).status_code
        == HTTPStatus.OK
    )


def test_a_change_made_by_a_command_is_in_the_history(plan):
    target = Target.objects.get_by_natural_key("aichi", 11)
    official = target.text
    target.text = "Edited by mistake"
    target.save()

    call_command("load_plan", stdout=io.StringIO())

    latest = target.history.first()
    assert latest.text == official
    assert latest.history_user is None
    assert target.history.count() == 3  # loaded, edited, restored


def test_linking_a_target_and_editing_a_meeting_leave_records(client, plan):
    client.force_login(member_of("Secretariat staff", "staff"))
    meeting = MeetingFactory(plan=plan, notes="First")
    activity = Activity.objects.get(plan=plan, number=3)

    client.post(
        reverse("activities:meeting-edit", args=[meeting.pk]),
        {
            "kind": "annual",
            "date": "2017-05-10",
            "place": "Bonn",
            "notes": "Second",
            "activities": [activity.pk],
            "seen_version": 0,
        },
    )

    meeting.refresh_from_db()
    assert meeting.notes == "Second"
    notes = [record.notes for record in meeting.history.all()]
    assert notes[0] == "Second" and notes[-1] == "First"
    assert meeting.history.first().history_user.username == "staff"


def test_staff_read_the_full_change_history_from_the_activity_page(client, plan):
    staff = member_of("Secretariat staff", "staff")
    activity = Activity.objects.get(plan=plan, number=12)
    activity.owners.add(staff)
    record_status(activity, Status.PLANNED, by=staff, note="Booked")
    history_url = reverse("activities:history", args=[activity.pk])

    client.force_login(staff)
    as_staff = client.get(activity.get_absolute_url())
    history = client.get(history_url)
    client.force_login(member_of("Focal points", "focal"))
    as_focal_point = client.get(history_url)
    client.logout()
    as_visitor = client.get(activity.get_absolute_url())

    assert history_url in as_staff.text
    assert "“Not yet reported” → “Planned”" in history.text
    assert as_focal_point.status_code == 403
    assert client.get(history_url).status_code == 302  # to sign in
    assert history_url not in as_visitor.text
    assert "Booked" in as_visitor.text  # the status history is public


def test_history_has_no_admin_page_to_edit_or_delete_it():
    historical = [model for model in admin.site._registry if model.__name__.startswith("Historical")]

    assert historical == []
    with pytest.raises(NoReverseMatch):
        reverse("admin:activities_historicalactivity_change", args=[1])


def test_a_meeting_records_its_activities_in_the_history(plan):
    meeting = Meeting.objects.create(plan=plan, date="2017-01-01")
    meeting.activities.set(Activity.objects.filter(plan=plan, number__in=[1, 2]))

    latest = meeting.history.first()
    assert sorted(row.activity.number for row in latest.activities.all()) == [1, 2]
