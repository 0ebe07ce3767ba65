"""The activity list's downloads are written in the language of the page they come from, and an
import reads a file downloaded in any of the site's languages, answering in the reader's."""

import csv
import html
import io
from http import HTTPStatus

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from activities import exports, imports
from activities.exports import HEADERS, NOTE, STATUS
from activities.models import Activity, Status
from tests.conftest import member_of
from tests.spreadsheets import as_bytes, columns, header_row, preview_of, row_of, upload

LANGUAGES = [code for code, name in settings.LANGUAGES]
PAIRS = [(exported_in, read_in) for exported_in in LANGUAGES for read_in in LANGUAGES]
KEYS = ["number", "title", "text", "status", "status_since", "note", "owners", "due_date", "lead"]


@pytest.fixture
def staff(client, plan):
    user = member_of("Secretariat staff", "staff")
    client.force_login(user)
    return user


def _headers(language: str) -> list[str]:
    with translation.override(language):
        return [str(HEADERS[key]) for key in KEYS]


def _download(client, language: str, fmt: str) -> bytes:
    """The list's download from the page in `language` (its address carries the language)."""
    with translation.override(language):
        url = reverse("activities:export", args=[fmt])
    if language != settings.LANGUAGE_CODE:
        assert url.startswith(f"/{language}/")
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content


def _label(status: str, language: str) -> str:
    with translation.override(language):
        return str(Status(status).label)


def _edited_workbook(client, plan, language: str):
    """The workbook downloaded in `language`, with activity 12 set to Completed, as a person
    reading that language does it: with the drop-down's label."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(_download(client, language, "xlsx")))
    with translation.override(language):
        sheet_name, targets_name = str(exports.ACTIVITIES_SHEET), str(exports.TARGETS_SHEET)
        status, note = str(HEADERS[STATUS]), str(HEADERS[NOTE])
    assert workbook.sheetnames == [sheet_name, targets_name]
    sheet = workbook[sheet_name]
    names = columns(sheet)
    assert [name for name in _headers(language) if name not in names] == []
    row = row_of_in(sheet, 12, language)
    sheet.cell(row, names[status]).value = _label(Status.COMPLETED, language)
    sheet.cell(row, names[note]).value = "Réunion annuelle"
    return workbook


def row_of_in(sheet, number: int, language: str) -> int:
    """`row_of` for a sheet headed in `language`."""
    with translation.override(language):
        header = str(HEADERS["number"])
    column = columns(sheet)[header]
    for row in range(header_row(sheet) + 1, sheet.max_row + 1):
        if sheet.cell(row, column).value == number:
            return row
    raise AssertionError(f"No row for activity {number}.")


def _read_back(client, plan, content: bytes, name: str, language: str):
    with translation.override(language):
        page = preview_of(client, content, name)
    assert page.status_code == HTTPStatus.OK
    preview = page.context["preview"]
    assert preview.invalid == []
    assert len(preview.rows) == Activity.objects.filter(plan=plan).count()
    assert [row.activity.number for row in preview.changes] == [12]
    (change,) = preview.changes
    assert change.apply["status"] == Status.COMPLETED and change.apply["note"] == "Réunion annuelle"
    return change


@pytest.mark.parametrize(("exported_in", "read_in"), PAIRS)
def test_a_workbook_downloaded_in_one_language_is_read_back_in_any(client, staff, plan, exported_in, read_in):
    workbook = _edited_workbook(client, plan, exported_in)

    change = _read_back(client, plan, as_bytes(workbook), "activities.xlsx", read_in)

    # The preview speaks the reader's language.
    with translation.override(read_in):
        assert [(c.field, c.label) for c in change.changes][:2] == [
            ("status", gettext("Status")),
            ("status_since", gettext("Takes effect on")),
        ]
        assert change.changes[0].new == str(Status.COMPLETED.label)


@pytest.mark.parametrize(("exported_in", "read_in"), PAIRS)
def test_a_csv_downloaded_in_one_language_is_read_back_in_any(client, staff, plan, exported_in, read_in):
    rows = list(csv.reader(io.StringIO(_download(client, exported_in, "csv").decode("utf-8-sig"))))
    header = rows[0]
    assert header[:3] == _headers(exported_in)[:3] and set(_headers(exported_in)) <= set(header)
    with translation.override(exported_in):
        status, note = header.index(str(HEADERS[STATUS])), header.index(str(HEADERS[NOTE]))
    row = next(row for row in rows[1:] if row[0] == "12")
    row[status], row[note] = _label(Status.COMPLETED, exported_in), "Réunion annuelle"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)

    _read_back(client, plan, buffer.getvalue().encode("utf-8-sig"), "activities.csv", read_in)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_workbook_is_written_in_the_language_of_its_page(client, plan, language):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(_download(client, language, "xlsx")))

    with translation.override(language):
        sheet = workbook[str(exports.ACTIVITIES_SHEET)]
        names = columns(sheet)
        header = header_row(sheet)
        status = sheet.cell(header, names[gettext("Status")])
        assert status.comment.author == gettext("Joint Work Plan tracker")
        assert status.comment.text == gettext(
            "The activity's status. Choose a new one from the list to record a change."
        )
        (validation,) = [
            v for v in sheet.data_validations.dataValidation if status.column_letter in str(v.sqref)
        ]
        assert validation.error == gettext("Choose a value from the list.")
        assert validation.formula1 == '"' + ",".join(str(label) for label in Status.labels) + '"'
        labels = {str(label) for label in Status.labels}
        shown = {sheet.cell(row, status.column).value for row in range(header + 1, sheet.max_row + 1)}
        assert shown <= labels
        notes = " ".join(
            str(row[0]) for row in sheet.iter_rows(max_row=header - 1, values_only=True) if row[0]
        )
        assert gettext("No filter: every activity of the plan.") in notes
        assert gettext("%(plan)s: joint activities") % {"plan": plan.title} in notes
        row = {name: sheet.cell(row_of_in(sheet, 5, language), index).value for name, index in names.items()}
        assert row[gettext("Lead")] == str(Activity.objects.get(plan=plan, number=5).get_lead_display())


def test_headers_in_another_language_are_recognised(client, staff, plan, monkeypatch):
    """Whatever the catalogues hold today: with a French header for two columns, a file
    downloaded from a French page is read on an English one, and the reverse."""

    def french(english: str, word: str):
        return lazy(lambda: word if translation.get_language() == "fr" else english, str)()

    monkeypatch.setitem(HEADERS, STATUS, french("Status", "Statut (fr)"))
    monkeypatch.setitem(HEADERS, NOTE, french("Note", "Remarque (fr)"))
    sheet = french("Activities", "Activités (fr)")
    monkeypatch.setattr(exports, "ACTIVITIES_SHEET", sheet)
    monkeypatch.setattr(imports, "ACTIVITIES_SHEET", sheet)

    for exported_in, read_in in (("fr", "en"), ("en", "fr")):
        workbook = _edited_workbook(client, plan, exported_in)
        with translation.override(exported_in):
            activities = workbook[str(sheet)]
        assert ("Statut (fr)" in columns(activities)) == (exported_in == "fr")
        workbook.move_sheet(activities, offset=1)  # the sheet is found by its name, not its place
        assert workbook.sheetnames[1] == activities.title

        _read_back(client, plan, as_bytes(workbook), "activities.xlsx", read_in)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_file_is_refused_in_the_readers_language(client, staff, plan, language):
    workbook = _edited_workbook(client, plan, settings.LANGUAGE_CODE)
    sheet = workbook[str(exports.ACTIVITIES_SHEET)]
    sheet.delete_cols(columns(sheet)["Note"])

    with translation.override(language):
        response = upload(client, as_bytes(workbook))
        missing = gettext(
            "Columns missing: %(columns)s. "
            "Keep the columns of the exported file, with their headers as they are."
        ) % {"columns": gettext("Note")}
        empty = gettext("The file is empty.")
        refused = upload(client, b"", "activities.csv")
        no_header = ngettext(
            "No header row with the export's columns (%(columns)s) in the first row: "
            "import a file exported from the activity list.",
            "No header row with the export's columns (%(columns)s) in the first %(count)d rows: "
            "import a file exported from the activity list.",
            20,
        ) % {
            "columns": ", ".join(
                gettext(name)
                for name in ("ID", "Version", "Status", "Status took effect on", "Note", "Owners", "Due date")
            ),
            "count": 20,
        }
        nothing = upload(client, b"name,count\nfoo,1\n", "activities.csv")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert missing in html.unescape(response.text)
    assert refused.status_code == HTTPStatus.BAD_REQUEST and empty in html.unescape(refused.text)
    assert no_header in html.unescape(nothing.text)
    assert "activity_import" not in client.session


@pytest.mark.parametrize("language", LANGUAGES)
def test_row_errors_are_given_in_the_readers_language(client, staff, plan, language):
    workbook = _edited_workbook(client, plan, "en")
    sheet = workbook["Activities"]
    sheet.cell(row_of(sheet, 12), columns(sheet)["Status"]).value = "Finished"

    with translation.override(language):
        page = preview_of(client, as_bytes(workbook))
        (row,) = page.context["preview"].invalid
        labels = ", ".join(str(label) for label in Status.labels)
        assert row.errors == [
            (
                gettext("Status"),
                gettext("Unknown status “%(status)s”: choose one of %(statuses)s.")
                % {"status": "Finished", "statuses": labels},
            )
        ]
