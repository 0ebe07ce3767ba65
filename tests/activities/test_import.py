"""Importing the activity list's spreadsheet: each kind of row, confirming all or nothing, and
every kind of bad file refused with a clear message and nothing changed."""

import csv
import datetime
import html
import io
import zipfile
from http import HTTPStatus

import pytest
from django.db.models import Sum
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from activities import imports
from activities.imports import StaleImport, apply_import, preview, status_names
from activities.models import Activity, MeetingKind, Status, StatusChange, Via
from activities.services import record_progress
from tests.conftest import member_of
from tests.factories import MeetingFactory, UserFactory, record_status
from tests.forms import form_data
from tests.spreadsheets import as_bytes, columns, edit, exported, header_row, preview_of, row_of, upload

PREVIEW = reverse("activities:import-preview")
TODAY = timezone.localdate


@pytest.fixture
def staff(client, plan):
    user = member_of("Secretariat staff", "staff")
    user.first_name, user.last_name = "Maria", "Lopez"
    user.save()
    client.force_login(user)
    return user


@pytest.fixture
def colleague(plan):
    user = member_of("Secretariat staff", "amina")
    user.first_name, user.last_name = "Amina", "Diallo"
    user.save()
    return user


def activity(plan, number: int) -> Activity:
    return Activity.objects.get(plan=plan, number=number)


def state() -> tuple:
    """Enough of the database to see any write of an import."""
    return (
        StatusChange.objects.count(),
        Activity.objects.aggregate(total=Sum("version"))["total"],
        Activity.owners.through.objects.count(),
    )


def changes_of(row) -> dict[str, tuple[str, str]]:
    return {change.label: (change.old, change.new) for change in row.changes}


def csv_bytes(client) -> bytes:
    return b"".join(client.get(reverse("activities:export", args=["csv"])).streaming_content)


# Row kinds -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imported_as_it_is_changes_nothing(client, staff, plan, fmt):
    content = as_bytes(exported(client)) if fmt == "xlsx" else csv_bytes(client)

    page = preview_of(client, content, f"activities.{fmt}")

    preview = page.context["preview"]
    assert len(preview.unchanged) == 28
    assert not (preview.changes or preview.conflicts or preview.invalid)
    assert "Apply the changes" not in page.text and "The file changes nothing" in page.text


def test_edits_preview_old_and_new_and_confirming_records_them_as_imported(client, staff, colleague, plan):
    workbook = exported(client)
    edit(
        workbook,
        12,
        {
            "Status": "Completed",
            "Status took effect on": datetime.datetime(2017, 11, 28),
            "Note": "Agreed at the annual meeting",
        },
    )
    edit(workbook, 13, {"Owners": "Amina Diallo, staff", "Due date": datetime.datetime(2018, 6, 30)})
    edit(workbook, 14, {"Note": "Still going", "Title": "A title edited in the file"})

    page = preview_of(client, as_bytes(workbook), "annual-meeting.xlsx")

    preview = page.context["preview"]
    assert [row.activity.number for row in preview.changes] == [12, 13, 14]
    assert len(preview.unchanged) == 25 and not preview.conflicts and not preview.invalid
    assert changes_of(preview.changes[0]) == {
        "Status": ("Not yet reported", "Completed"),
        "Takes effect on": ("", "28 Nov 2017"),
        "Note": ("", "Agreed at the annual meeting"),
    }
    assert changes_of(preview.changes[1]) == {
        "Owners": ("none", "Amina Diallo, Maria Lopez"),
        "Due date": ("none", "30 Jun 2018"),
    }
    assert changes_of(preview.changes[2])["Note"] == ("", "Still going")
    assert "Agreed at the annual meeting" in page.text and "Apply the changes" in page.text
    assert not StatusChange.objects.exists()

    response = client.post(PREVIEW, form_data(page))

    assert response.status_code == HTTPStatus.FOUND and response["Location"] == reverse("activities:list")
    completed = activity(plan, 12)
    assert (completed.status, completed.status_since) == (Status.COMPLETED, datetime.date(2017, 11, 28))
    change = completed.status_changes.get()
    assert (change.via, change.source, change.changed_by, change.note, change.meeting) == (
        Via.IMPORT,
        "annual-meeting.xlsx",
        staff,
        "Agreed at the annual meeting",
        None,
    )
    owned = activity(plan, 13)
    assert set(owned.owners.all()) == {staff, colleague} and owned.due_date == datetime.date(2018, 6, 30)
    assert not owned.status_changes.exists()
    noted = activity(plan, 14)
    assert noted.title != "A title edited in the file"
    assert noted.status_changes.get().note == "Still going" and noted.status_since == TODAY()
    assert "activity_import" not in client.session
    listing = client.get(response["Location"])
    assert "Imported annual-meeting.xlsx: 3 activities updated." in listing.text
    detail = client.get(completed.get_absolute_url()).text
    assert "imported from annual-meeting.xlsx" in detail


def test_a_new_status_with_its_date_left_as_exported_takes_effect_today(client, staff, plan):
    record_status(activity(plan, 12), Status.PLANNED, effective_on=datetime.date(2016, 6, 1))
    workbook = exported(client)
    edit(workbook, 12, {"Status": "In progress"})

    page = preview_of(client, as_bytes(workbook))
    assert changes_of(page.context["preview"].changes[0])["Takes effect on"][
        1
    ] == timezone.localdate().strftime("%-d %b %Y")
    client.post(PREVIEW, form_data(page))

    moved = activity(plan, 12)
    assert (moved.status, moved.status_since) == (Status.IN_PROGRESS, TODAY())


def test_statuses_are_read_as_labels_or_codes_in_any_case(client, staff, plan):
    workbook = exported(client)
    for number, written in ((3, "completed"), (4, "IN PROGRESS"), (5, "  On_Hold "), (6, "Discontinued")):
        edit(workbook, number, {"Status": written})

    page = preview_of(client, as_bytes(workbook))

    assert {row.activity.number: row.apply["status"] for row in page.context["preview"].changes} == {
        3: Status.COMPLETED,
        4: Status.IN_PROGRESS,
        5: Status.ON_HOLD,
        6: Status.DISCONTINUED,
    }


def test_status_labels_are_read_in_each_of_the_sites_languages():
    def label(english, french):
        return lazy(lambda: french if get_language() == "fr" else english, str)()

    choices = [("completed", label("Completed", "Terminé")), ("on_hold", label("On hold", "En pause"))]

    with override_settings(LANGUAGES=[("en", "English"), ("fr", "French"), ("es", "Spanish")]):
        names = status_names(choices)
    with override_settings(LANGUAGES=[("en", "English")]):
        only_default = status_names(choices)

    assert names["terminé"] == names["completed"] == "completed"
    assert names["en pause"] == names["on hold"] == names["on_hold"] == "on_hold"
    assert "terminé" not in only_default and only_default["completed"] == "completed"


def test_a_conflict_shows_both_sides_and_changes_nothing_unless_ticked(client, staff, colleague, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed", "Note": "From the meeting"})
    edit(workbook, 13, {"Status": "In progress"})
    # After the export, someone changes activity 12 in the tracker.
    record_status(activity(plan, 12), Status.ON_HOLD, by=colleague, note="Paused for funding")

    page = preview_of(client, as_bytes(workbook))

    preview = page.context["preview"]
    assert [row.activity.number for row in preview.conflicts] == [12]
    assert [row.activity.number for row in preview.changes] == [13]
    conflict = preview.conflicts[0]
    today = timezone.localdate().strftime("%-d %b %Y")
    assert [(c.label, c.old, c.new) for c in conflict.theirs] == [
        ("Status", "Not yet reported", f"On hold (since {today})")
    ]
    assert conflict.changed_by == "Amina Diallo" and conflict.their_note == "Paused for funding"
    assert changes_of(conflict)["Status"] == ("On hold", "Completed")
    assert "Paused for funding" in page.text and "Apply my file's values to activity 12" in page.text

    assert client.post(PREVIEW, form_data(page)).status_code == HTTPStatus.FOUND

    kept = activity(plan, 12)
    assert kept.status == Status.ON_HOLD and kept.status_changes.count() == 1
    assert activity(plan, 13).status == Status.IN_PROGRESS


def test_a_ticked_conflict_applies_only_what_the_file_changed(client, staff, colleague, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed"})
    theirs = activity(plan, 12)
    record_progress(activity=theirs, by=colleague, expected_version=theirs.version, owners=[colleague])

    page = preview_of(client, as_bytes(workbook))
    assert [row.activity.number for row in page.context["preview"].conflicts] == [12]
    assert [(c.label, c.old, c.new) for c in page.context["preview"].conflicts[0].theirs] == [
        ("Owners", "none", "Amina Diallo")
    ]
    data = form_data(page)
    data["apply"] = [str(theirs.pk)]

    assert client.post(PREVIEW, data).status_code == HTTPStatus.FOUND

    merged = activity(plan, 12)
    assert merged.status == Status.COMPLETED
    assert list(merged.owners.all()) == [colleague]  # their change stands
    assert merged.status_changes.get().changed_by == staff


def test_a_conflict_whose_values_no_longer_fit_cannot_be_ticked(client, staff, colleague, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed", "Status took effect on": datetime.datetime(2017, 11, 28)})
    edit(workbook, 13, {"Status": "Planned"})
    record_status(activity(plan, 12), Status.ON_HOLD, by=colleague, effective_on=datetime.date(2017, 12, 1))

    page = preview_of(client, as_bytes(workbook))

    conflict = page.context["preview"].conflicts[0]
    assert not conflict.can_apply
    assert "took effect on 1 December 2017; a change cannot take effect before it" in conflict.blocked[0]
    assert 'id="apply-' not in page.text
    data = form_data(page)
    data["apply"] = [str(conflict.activity.pk)]
    assert client.post(PREVIEW, data).status_code == HTTPStatus.BAD_REQUEST  # not a choice
    assert client.post(PREVIEW, form_data(page)).status_code == HTTPStatus.FOUND
    assert activity(plan, 12).status == Status.ON_HOLD and activity(plan, 13).status == Status.PLANNED


def test_invalid_rows_give_the_reason_for_each_bad_cell_and_nothing_can_be_applied(client, staff, plan):
    UserFactory(username="visitor", first_name="Vera", last_name="Visitor")  # no secretariat staff
    record_status(activity(plan, 11), Status.PLANNED, effective_on=datetime.date(2017, 6, 1))
    workbook = exported(client)
    future = datetime.datetime.combine(TODAY() + datetime.timedelta(days=10), datetime.time())
    edits = {
        3: {"Status": "Finished"},
        4: {"Status": "Completed", "Status took effect on": datetime.datetime(2015, 6, 1)},
        5: {"Due date": datetime.datetime(2020, 1, 1)},
        6: {"Owners": "Vera Visitor"},
        7: {"Owners": "staff, Nobody Here"},
        8: {"ID": 999999},
        9: {"Status": "Completed", "Status took effect on": "28/11/2017"},
        10: {"Status": "Completed", "Status took effect on": future},
        11: {"Status": "Completed", "Status took effect on": datetime.datetime(2017, 1, 1)},
        12: {"Status took effect on": datetime.datetime(2017, 1, 1)},
        14: {"Version": None},
        15: {"Status": None},
    }
    for number, cells in edits.items():
        edit(workbook, number, cells)
    lines = {number: row_of(workbook["Activities"], number) for number in edits}

    page = preview_of(client, as_bytes(workbook))

    preview = page.context["preview"]
    reasons = {row.line: row.errors for row in preview.invalid}
    assert set(reasons) == set(lines.values())
    assert reasons[lines[3]] == [
        (
            "Status",
            "Unknown status “Finished”: choose one of Not yet reported, Planned, In progress, Completed, "
            "On hold, Discontinued.",
        )
    ]
    assert reasons[lines[4]] == [
        ("Status took effect on", "The date cannot be before the plan starts (1 January 2016).")
    ]
    assert reasons[lines[5]] == [("Due date", "The due date must fall within the plan period (2016-2018).")]
    assert reasons[lines[6]] == [("Owners", "Vera Visitor is not secretariat staff.")]
    assert reasons[lines[7]] == [("Owners", "No one called “Nobody Here” has an account.")]
    assert reasons[lines[8]] == [("ID", "No activity with ID 999999 in this plan.")]
    assert reasons[lines[9]][0][0] == "Status took effect on"
    assert "“28/11/2017” is text, not a date" in reasons[lines[9]][0][1]
    assert reasons[lines[10]] == [("Status took effect on", "A status cannot take effect in the future.")]
    assert reasons[lines[11]] == [
        (
            "Status took effect on",
            "The current status (planned) took effect on 1 June 2017; a change cannot take effect before it.",
        )
    ]
    assert "A new date needs a new status or a note" in reasons[lines[12]][0][1]
    assert reasons[lines[14]][0][0] == "Version" and "cannot be imported" in reasons[lines[14]][0][1]
    assert reasons[lines[15]] == [("Status", "Empty: choose a status from the list.")]
    assert "12 rows cannot be imported" in page.text and "Apply the changes" not in page.text
    before = state()

    response = client.post(PREVIEW, form_data(page))

    assert response.status_code == HTTPStatus.BAD_REQUEST and "Nothing was applied" in response.text
    assert state() == before


def test_confirming_after_the_tracker_changed_is_refused_and_shows_the_preview_again(client, staff, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed"})
    page = preview_of(client, as_bytes(workbook))
    record_status(activity(plan, 13), Status.PLANNED)  # after the preview was shown
    before = state()

    refused = client.post(PREVIEW, form_data(page))

    assert refused.status_code == HTTPStatus.CONFLICT
    assert "The tracker changed since you saw the preview, so nothing was applied" in refused.text
    assert state() == before and activity(plan, 12).status == Status.NOT_REPORTED
    again = refused.context["preview"]
    assert [row.activity.number for row in again.changes] == [12]
    assert "Changed in the tracker since the export" in next(
        row.remark for row in again.unchanged if row.activity.number == 13
    )
    assert client.post(PREVIEW, form_data(refused)).status_code == HTTPStatus.FOUND
    assert activity(plan, 12).status == Status.COMPLETED


def test_a_change_to_the_same_activity_after_the_preview_turns_it_into_a_conflict(
    client, staff, colleague, plan
):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed"})
    page = preview_of(client, as_bytes(workbook))
    record_status(activity(plan, 12), Status.ON_HOLD, by=colleague)

    refused = client.post(PREVIEW, form_data(page))

    assert refused.status_code == HTTPStatus.CONFLICT
    assert [row.activity.number for row in refused.context["preview"].conflicts] == [12]
    assert activity(plan, 12).status == Status.ON_HOLD


def test_confirming_applies_everything_or_nothing(client, staff, colleague, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed"})
    edit(workbook, 13, {"Owners": "Amina Diallo"})
    upload(client, as_bytes(workbook))
    shown = preview(client.session["activity_import"], plan=plan, reader=staff)
    assert [row.activity.number for row in shown.changes] == [12, 13]
    colleague.groups.clear()  # no longer secretariat staff: the second write is refused
    before = state()

    with pytest.raises(StaleImport):
        apply_import(preview=shown, seen=shown.fingerprint, by=staff, chosen=set())

    assert state() == before and activity(plan, 12).status == Status.NOT_REPORTED
    page = client.get(PREVIEW)
    assert page.context["preview"].invalid[0].errors == [("Owners", "Amina Diallo is not secretariat staff.")]
    refused = client.post(PREVIEW, form_data(page))
    assert refused.status_code == HTTPStatus.BAD_REQUEST and state() == before


def test_a_change_to_any_activity_of_the_file_while_confirming_applies_nothing(client, staff, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed"})
    upload(client, as_bytes(workbook))
    shown = preview(client.session["activity_import"], plan=plan, reader=staff)
    record_status(activity(plan, 13), Status.PLANNED)  # a row the import leaves alone, changed meanwhile
    before = state()

    with pytest.raises(StaleImport):
        apply_import(preview=shown, seen=shown.fingerprint, by=staff, chosen=set())

    assert state() == before and activity(plan, 12).status == Status.NOT_REPORTED


def test_the_changes_can_be_attributed_to_a_meeting(client, staff, plan):
    meeting = MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28))
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed", "Status took effect on": datetime.datetime(2017, 11, 28)})
    page = preview_of(client, as_bytes(workbook))
    data = form_data(page)
    data["meeting"] = str(meeting.pk)

    assert client.post(PREVIEW, data).status_code == HTTPStatus.FOUND

    assert activity(plan, 12).status_changes.get().meeting == meeting


def test_a_csv_from_excel_in_another_locale_imports_too(client, staff, plan):
    rows = list(csv.reader(io.StringIO(csv_bytes(client).decode("utf-8-sig"))))
    header = rows[0]
    row = next(row for row in rows if row[0] == "12")
    row[header.index("Status")] = "Completed"
    row[header.index("Status took effect on")] = "2017-11-28"
    row[header.index("Note")] = "Réunion annuelle; à suivre"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)

    page = preview_of(client, buffer.getvalue().encode("cp1252", errors="replace"), "activities.csv")

    (change,) = page.context["preview"].changes
    assert change.activity.number == 12
    assert changes_of(change)["Note"] == ("", "Réunion annuelle; à suivre")
    assert changes_of(change)["Takes effect on"] == ("", "28 Nov 2017")


def test_a_new_upload_replaces_the_preview_and_an_old_confirmation_is_refused(client, staff, plan):
    first = exported(client)
    edit(first, 12, {"Status": "Completed"})
    page = preview_of(client, as_bytes(first), "first.xlsx")
    second = exported(client)
    edit(second, 13, {"Status": "Planned"})
    upload(client, as_bytes(second), "second.xlsx")

    refused = client.post(PREVIEW, form_data(page))

    assert refused.status_code == HTTPStatus.CONFLICT and "Another file was uploaded" in refused.text
    assert refused.context["preview"].name == "second.xlsx"
    assert activity(plan, 12).status == Status.NOT_REPORTED


def test_discarding_the_preview_changes_nothing(client, staff, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed"})
    page = preview_of(client, as_bytes(workbook))
    data = form_data(page)
    data["discard"] = "1"
    before = state()

    assert client.post(PREVIEW, data).status_code == HTTPStatus.FOUND

    assert state() == before and "activity_import" not in client.session
    assert client.get(PREVIEW)["Location"] == reverse("activities:import")


def test_the_session_keeps_what_was_read_never_the_file(client, staff, plan):
    workbook = exported(client)
    edit(workbook, 12, {"Status": "Completed", "Note": "Kept as text"})
    upload(client, as_bytes(workbook), "meeting.xlsx")

    pending = client.session["activity_import"]

    assert set(pending) == {"name", "rows", "token"} and pending["name"] == "meeting.xlsx"
    assert len(pending["rows"]) == 28
    assert set(pending["rows"][0]) == {
        "line",
        "id",
        "version",
        "status",
        "effective_on",
        "note",
        "owners",
        "due_date",
        "errors",
    }
    row = next(row for row in pending["rows"] if row["id"] == activity(plan, 12).pk)
    assert (row["status"], row["note"]) == ("completed", "Kept as text")


def test_only_secretariat_staff_may_import(client, plan):
    content = as_bytes(exported(client))
    assert upload(client, content)["Location"].startswith(reverse("login"))
    client.force_login(member_of("Focal points", "focal"))
    assert upload(client, content).status_code == HTTPStatus.FORBIDDEN
    assert client.get(PREVIEW).status_code == HTTPStatus.FORBIDDEN


# Bad files -----------------------------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _with_part(content: bytes, name: str, part: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr(name, part)
    return buffer.getvalue()


def _replaced(content: bytes, name: str, change) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            target.writestr(item, change(part) if item.filename == name else part)
    return buffer.getvalue()


def _bad_file(kind: str, client, monkeypatch) -> tuple[str, bytes]:
    workbook = exported(client)
    sheet = workbook["Activities"]
    names = columns(sheet)
    header = header_row(sheet)
    first = header + 1
    if kind == "not a spreadsheet":
        return "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    if kind == "a zip that is no workbook":
        return "report.docx", _zip({"word/document.xml": b"<document/>"})
    if kind == "a damaged workbook":
        return "activities.xlsx", as_bytes(workbook)[:2000]
    if kind == "an OpenDocument spreadsheet":
        return "activities.ods", _zip(
            {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}
        )
    if kind == "XML entities":
        entities = b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        return "activities.xlsx", _replaced(
            as_bytes(workbook),
            "xl/workbook.xml",
            lambda part: (
                part.replace(b"?>", b"?>" + entities, 1) if part.startswith(b"<?xml") else entities + part
            ),
        )
    if kind == "an old Excel file":
        return "activities.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)
    if kind == "a macro-enabled workbook by its name":
        return "activities.xlsm", as_bytes(workbook)
    if kind == "a workbook with macros inside":
        return "activities.xlsx", _with_part(as_bytes(workbook), "xl/vbaProject.bin", b"\x00macro")
    if kind == "a file over the size limit":
        return "activities.csv", b"a," * (imports.MAX_BYTES // 2 + 1)
    if kind == "too many rows":
        monkeypatch.setattr(imports, "MAX_ROWS", 10)
        return "activities.xlsx", as_bytes(workbook)
    if kind == "a missing column":
        sheet.delete_cols(names["Note"])
        return "activities.xlsx", as_bytes(workbook)
    if kind == "a renamed column":
        sheet.cell(header, names["Owners"]).value = "Owner(s)"
        return "activities.xlsx", as_bytes(workbook)
    if kind == "merged cells":
        sheet.merge_cells(
            start_row=first, start_column=names["Status"], end_row=first + 1, end_column=names["Status"]
        )
        return "activities.xlsx", as_bytes(workbook)
    if kind == "a formula":
        sheet.cell(first + 2, names["Status"]).value = '=IF(TRUE,"Completed","Planned")'
        return "activities.xlsx", as_bytes(workbook)
    if kind == "an empty file":
        return "activities.csv", b""
    if kind == "an empty workbook":
        return "activities.xlsx", as_bytes(Workbook())
    if kind == "a header and no rows":
        sheet.delete_rows(first, sheet.max_row)
        return "activities.xlsx", as_bytes(workbook)
    if kind == "no header":
        return "activities.csv", b"name,count\nfoo,1\n"
    if kind == "the same activity twice":
        sheet.append([cell.value for cell in sheet[first]])
        return "activities.xlsx", as_bytes(workbook)
    if kind == "a CSV that is not text":
        return "activities.csv", b"ID,Version\n\x81\x8d\x8f\x90\x9d"
    raise AssertionError(kind)


BAD_FILES = {
    "not a spreadsheet": "This is not an Excel workbook (.xlsx) or a CSV file",
    "a zip that is no workbook": "This is not an Excel workbook (.xlsx) or a CSV file",
    "a damaged workbook": "This is not an Excel workbook (.xlsx) or a CSV file",
    "an OpenDocument spreadsheet": "This is an OpenDocument spreadsheet (.ods)",
    "XML entities": "The workbook could not be read",
    "an old Excel file": "This is an Excel 97-2003 workbook (.xls)",
    "a macro-enabled workbook by its name": "the tracker does not accept macro-enabled files",
    "a workbook with macros inside": "the tracker does not accept macro-enabled files",
    "a file over the size limit": "the limit is 5 MB",
    "too many rows": "The file has over 10 activity rows: import at most 10 at once.",
    "a missing column": "Columns missing: Note.",
    "a renamed column": "Columns missing: Owners (renamed “Owner(s)”?).",
    "merged cells": "has merged cells",
    "a formula": "The file holds formulas",
    "an empty file": "The file is empty.",
    "an empty workbook": "is empty.",
    "a header and no rows": "The file has the export's columns but no activity rows.",
    "no header": "No header row with the export's columns",
    "the same activity twice": "The same activity appears more than once",
    "a CSV that is not text": "This is not an Excel workbook (.xlsx) or a CSV file",
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    client, staff, plan, monkeypatch, kind
):
    name, content = _bad_file(kind, client, monkeypatch)
    before = state()

    response = upload(client, content, name)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert BAD_FILES[kind] in html.unescape(response.text)
    assert "activity_import" not in client.session
    assert state() == before


def test_merged_cells_and_formulas_are_located_for_the_person(client, staff, plan):
    workbook = exported(client)
    sheet = workbook["Activities"]
    names = columns(sheet)
    first = header_row(sheet) + 1
    sheet.cell(first, names["Note"]).value = "=1+1"
    letter = sheet.cell(first, names["Note"]).column_letter

    assert f"The file holds formulas ({letter}{first})" in upload(client, as_bytes(workbook)).text

    sheet.cell(first, names["Note"]).value = ""
    sheet.merge_cells(f"{letter}{first}:{letter}{first + 1}")
    assert f"merged cells ({letter}{first}:{letter}{first + 1})" in upload(client, as_bytes(workbook)).text


CELLS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "Completed", "completed", "2017-11-28", "28/11/2017", "staff", "0", "-1", "=1+1", "'=x"]
    ),
    st.integers(-5, 10**6).map(str),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    content=st.one_of(
        st.binary(max_size=3000),
        st.lists(st.lists(CELLS, max_size=16), max_size=8).map(
            lambda rows: "\n".join(
                [
                    "Number,Title,Status,Status took effect on,Note,Owners,Due date,ID,Version",
                    *(",".join(cell.replace(",", " ").replace("\n", " ") for cell in row) for row in rows),
                ]
            ).encode()
        ),
    ),
    name=st.sampled_from(["activities.csv", "activities.xlsx", "notes.txt", "a.xlsm"]),
)
def test_any_file_gets_a_preview_or_a_message_never_an_error(client, staff, plan, content, name):
    before = state()

    response = upload(client, content, name)

    assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.BAD_REQUEST)
    if response.status_code == HTTPStatus.FOUND:
        page = client.get(PREVIEW)
        assert page.status_code == HTTPStatus.OK
        assert client.post(PREVIEW, form_data(page)).status_code < 500
    else:
        assert state() == before
