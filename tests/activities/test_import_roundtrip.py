"""Property-based: random edits made to the exported workbook (or CSV), imported back, change
exactly what was edited, as the preview said, and nothing else."""

import csv
import datetime
import io

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import Activity, Status, StatusChange, Via
from core.downloads import FORMULA_STARTS
from tests.conftest import PLAN_SLUG, member_of
from tests.forms import form_data
from tests.spreadsheets import as_bytes, edit, exported, preview_of

PLAN_START, PLAN_END = datetime.date(2016, 1, 1), datetime.date(2018, 12, 31)
PEOPLE = {"amina": ("Amina", "Diallo"), "maria": ("Maria", "Lopez")}


def _is_escape(text: str) -> bool:
    # A leading apostrophe before a formula character is read as the spreadsheet's escape.
    return text.startswith("'") and text[1:2] in FORMULA_STARTS


notes = (
    st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn", "Zl", "Zp")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(lambda text: text and not _is_escape(text))
)
edits = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(Status.values),
        "status_as_code": st.booleans(),
        "date": st.dates(PLAN_START, timezone.localdate()),
        "note": notes,
        "owners": st.lists(st.sampled_from(sorted(PEOPLE)), unique=True),
        "owners_by_username": st.booleans(),
        "due": st.one_of(st.none(), st.dates(PLAN_START, PLAN_END)),
        "title": notes,
    },
)


def _cells(change: dict, fmt: str) -> dict:
    """What a person types in the row's cells for `change`."""
    cells = {}
    if "status" in change:
        code = change["status"]
        cells["Status"] = code if change.get("status_as_code") else str(Status(code).label)
    if "date" in change:
        cells["Status took effect on"] = change["date"]
    if "note" in change:
        cells["Note"] = change["note"]
    if "owners" in change:
        by_username = change.get("owners_by_username")
        cells["Owners"] = ", ".join(
            name if by_username else " ".join(PEOPLE[name]) for name in change["owners"]
        )
    if "due" in change:
        cells["Due date"] = change["due"]
    if "title" in change:
        cells["Title"] = change["title"]
    if fmt == "xlsx":
        return {
            header: datetime.datetime.combine(value, datetime.time())
            if isinstance(value, datetime.date)
            else value
            for header, value in cells.items()
        }
    return {
        header: value.isoformat() if isinstance(value, datetime.date) else value
        for header, value in cells.items()
    }


def _expected(activity: Activity, change: dict, users: dict) -> tuple[str, dict]:
    """The row's kind in the preview, and the activity's progress after confirming."""
    today = timezone.localdate()
    status = change.get("status", activity.status)
    note = change.get("note", "")
    owners = {users[name].pk for name in change["owners"]} if "owners" in change else set(activity.owner_ids)
    due = change.get("due", activity.due_date)
    records = status != activity.status or bool(note)
    date = change.get("date")
    date_edited = date is not None and date != activity.status_since
    after = {
        "status": status,
        "status_since": (date if date_edited else today) if records else activity.status_since,
        "owners": owners,
        "due_date": due,
        "note": note if records else None,
    }
    if date_edited and not records:
        return "invalid", None
    if not records and owners == set(activity.owner_ids) and due == activity.due_date:
        return "unchanged", None
    return "change", after


def _edit_csv(content: bytes, changes: dict) -> bytes:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        for header_name, value in changes.get(int(row[0]), {}).items():
            row[header.index(header_name)] = value
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@FUZZ
@given(
    fmt=st.sampled_from(["xlsx", "csv"]),
    changes=st.dictionaries(st.integers(1, 28), edits, max_size=6),
)
def test_random_edits_round_trip_through_export_and_import(fmt, changes):
    with transaction.atomic():  # each example starts from the loaded plan and is rolled back
        users = {}
        for username, (first, last) in PEOPLE.items():
            users[username] = member_of("Secretariat staff", username)
            users[username].first_name, users[username].last_name = first, last
            users[username].save()
        client = Client()
        client.force_login(users["maria"])
        plan_activities = {
            a.number: a for a in Activity.objects.filter(plan__slug=PLAN_SLUG).with_owners_joined()
        }
        before = {number: (a.version, a.title) for number, a in plan_activities.items()}

        if fmt == "xlsx":
            workbook = exported(client)
            for number, change in changes.items():
                edit(workbook, number, _cells(change, fmt))
            content = as_bytes(workbook)
        else:
            response = client.get(reverse("activities:export", args=["csv"]))
            content = _edit_csv(
                b"".join(response.streaming_content),
                {number: _cells(change, fmt) for number, change in changes.items()},
            )

        page = preview_of(client, content, f"edited.{fmt}")
        preview = page.context["preview"]
        kinds = {row.activity.number: row.kind for row in preview.rows}
        expected = {
            number: _expected(activity, changes.get(number, {}), users)
            for number, activity in plan_activities.items()
        }
        assert kinds == {number: kind for number, (kind, _) in expected.items()}

        response = client.post(reverse("activities:import-preview"), form_data(page))
        if preview.invalid or not preview.changes:
            assert response.status_code == 400
            expected = {number: ("unchanged", None) for number in expected}
        else:
            assert response.status_code == 302

        for activity in Activity.objects.filter(plan__slug=PLAN_SLUG).with_owners_joined():
            number = activity.number
            kind, after = expected[number]
            assert activity.title == before[number][1]  # other columns are not imported
            if kind != "change":
                assert activity.version == before[number][0], number
                continue
            assert activity.status == after["status"]
            assert activity.status_since == after["status_since"]
            assert activity.owner_ids == after["owners"]
            assert activity.due_date == after["due_date"]
            latest = StatusChange.objects.filter(activity=activity).latest_first().first()
            if after["note"] is None:
                assert latest is None
            else:
                assert (latest.note, latest.via, latest.source) == (
                    after["note"],
                    Via.IMPORT,
                    f"edited.{fmt}",
                )
                assert latest.changed_by == users["maria"]
        transaction.set_rollback(True)
