"""The activity list's workbook, downloaded, edited and uploaded as a person does it in Excel."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def exported(client, query=None):
    """The workbook `/activities.xlsx` answers (with the list's filters in `query`)."""
    response = client.get(reverse("activities:export", args=["xlsx"]), query or {})
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def exported_csv(client, query=None) -> list[list[str]]:
    response = client.get(reverse("activities:export", args=["csv"]), query or {})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def header_row(sheet) -> int:
    """The number of the sheet's header row: the first row of the table under the notes (the
    notes are one cell a row)."""
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if sum(1 for value in row if value not in (None, "")) >= 3:
            return number
    raise AssertionError("No header row.")


def columns(sheet) -> dict[str, int]:
    """{header: column number} of the activity table."""
    header = next(sheet.iter_rows(min_row=header_row(sheet), max_row=header_row(sheet), values_only=True))
    return {name: index for index, name in enumerate(header, 1) if name}


def records(sheet) -> list[dict]:
    """The table's rows, as {header: value}."""
    names = columns(sheet)
    rows = sheet.iter_rows(min_row=header_row(sheet) + 1, values_only=True)
    return [{name: row[index - 1] for name, index in names.items()} for row in rows if any(row)]


def row_of(sheet, number: int) -> int:
    """The sheet's row of activity `number`."""
    column = columns(sheet)["Number"]
    for row in range(header_row(sheet) + 1, sheet.max_row + 1):
        if sheet.cell(row, column).value == number:
            return row
    raise AssertionError(f"No row for activity {number}.")


def edit(workbook, number: int, cells: dict):
    """Set the cells of activity `number`'s row, by header; returns the workbook."""
    sheet = workbook["Activities"]
    names = columns(sheet)
    row = row_of(sheet, number)
    for header, value in cells.items():
        cell = sheet.cell(row, names[header])
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # typed into a text cell: text, not a formula
    return workbook


def as_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "activities.xlsx"):
    """Upload a file on the import page; returns the response (a redirect to the preview)."""
    return client.post(reverse("activities:import"), {"file": SimpleUploadedFile(name, content)})


def preview_of(client, content: bytes, name: str = "activities.xlsx"):
    """Upload a file and open its preview; returns the preview page's response."""
    response = upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(reverse("activities:import-preview"))
