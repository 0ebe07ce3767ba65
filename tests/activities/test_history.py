"""Every change leaves a record of who, when and what; history itself cannot be changed."""

import io
import re
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from activities.models import Activity, Meeting, PlanRow, Reference, RowActivity, Status, Via
from targets.models import Target
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status
from tests.forms import form_data


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
    assert activity.status_changes.get().via == Via.WEB  # made on the activity page
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


def _history_page(client, activity) -> str:
    """The change history page's text, tags and runs of white space made single spaces."""
    response = client.get(reverse("activities:history", args=[activity.pk]))
    assert response.status_code == HTTPStatus.OK
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def test_citing_a_reference_in_admin_is_in_the_history_with_who_and_old_and_new(
    admin_client, admin_user, plan
):
    activity = Activity.objects.get(plan=plan, number=12)
    cited = list(activity.references.all())
    added = Reference.objects.exclude(pk__in=[r.pk for r in cited]).order_by("name").first()
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    data = form_data(admin_client.get(url), action="")
    before = activity.history.count()

    response = admin_client.post(url, {**data, "references": [r.pk for r in cited] + [added.pk]})

    assert response.status_code == HTTPStatus.FOUND
    assert activity.history.count() > before  # a new record, not an old one rewritten
    latest = activity.history.first()
    assert latest.history_user == admin_user
    assert {row.reference for row in latest.references.all()} == {*cited, added}
    assert {row.reference for row in latest.prev_record.references.all()} == set(cited)
    old = ", ".join(sorted(str(r) for r in cited))
    new = ", ".join(sorted(str(r) for r in [*cited, added]))
    page = _history_page(admin_client, activity)
    assert f"admin changed References: “{old}” → “{new}”" in page
    assert "a command created it" in page  # by `load_plan`


def test_placing_an_activity_under_a_row_and_removing_it_are_in_the_history(admin_client, admin_user, plan):
    activity = Activity.objects.get(plan=plan, number=12)
    old_row = activity.rowactivity_set.get().row
    new_row = PlanRow.objects.get(plan=plan, position=5)
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    data = form_data(admin_client.get(url), action="")

    placed = admin_client.post(
        url,
        {
            **data,
            "rowactivity_set-TOTAL_FORMS": "2",
            "rowactivity_set-1-activity": str(activity.pk),
            "rowactivity_set-1-row": str(new_row.pk),
            "rowactivity_set-1-position": "0",
        },
    )
    assert placed.status_code == HTTPStatus.FOUND, placed.text[:2000]
    added = RowActivity.history.filter(activity_id=activity.pk).latest("history_date", "history_id")
    assert (added.history_type, added.row_id, added.history_user) == ("+", new_row.pk, admin_user)
    assert f"admin added a row Row: “Row {new_row.position}”" in _history_page(admin_client, activity)

    data = form_data(admin_client.get(url), action="")
    index = next(
        key.split("-")[1] for key, value in data.items() if key.endswith("-row") and value == str(old_row.pk)
    )
    removed = admin_client.post(url, {**data, f"rowactivity_set-{index}-DELETE": "on"})
    assert removed.status_code == HTTPStatus.FOUND, removed.text[:2000]
    assert list(activity.rows.all()) == [new_row]
    gone = RowActivity.history.filter(activity_id=activity.pk).latest("history_date", "history_id")
    assert (gone.history_type, gone.row_id, gone.history_user) == ("-", old_row.pk, admin_user)
    assert f"admin removed a row Row: “Row {old_row.position}”" in _history_page(admin_client, activity)


def test_editing_a_reference_in_admin_leaves_a_record_of_who_and_old_and_new(admin_client, admin_user, plan):
    reference = Reference.objects.get_by_natural_key("sbstta-20")
    url = reverse("admin:activities_reference_change", args=[reference.pk])
    data = form_data(admin_client.get(url), action="")
    before = reference.history.count()

    response = admin_client.post(url, {**data, "title": "Twentieth meeting, Montreal"})

    assert response.status_code == HTTPStatus.FOUND
    assert reference.history.count() == before + 1
    latest = reference.history.first()
    assert latest.history_user == admin_user
    changes = latest.diff_against(latest.prev_record).changes
    assert [(c.field, c.old, c.new) for c in changes if c.field == "title"] == [
        ("title", data["title"], "Twentieth meeting, Montreal")
    ]
    history = admin_client.get(reverse("admin:activities_reference_history", args=[reference.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "Twentieth meeting, Montreal" in history.text


def test_the_change_history_page_shows_the_latest_100_changes_newest_first(client, plan):
    activity = Activity.objects.get(plan=plan, number=5)
    for n in range(1, 111):
        activity.title = f"Title number {n}"
        activity.save()
    client.force_login(member_of("Secretariat staff", "staff"))

    response = client.get(reverse("activities:history", args=[activity.pk]))

    shown = re.findall(r"Title: “[^”]*” → “Title number (\d+)”", " ".join(response.text.split()))
    assert response.text.count("<li><time") == 100
    assert [int(n) for n in shown] == list(range(110, 10, -1))
    assert "the latest 100" in response.text
