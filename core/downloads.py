"""File responses: CSV streamed row by row, XLSX built with openpyxl.

Every cell of every download passes through `safe_cell`, here and nowhere else; an import
reads cells back through `read_cell`, its inverse.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain, islice

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

# A spreadsheet treats a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """The value as a spreadsheet should show it: text that it would run as a formula gets a
    leading apostrophe; numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def read_cell(value):
    """A cell of a file people edited, as the value it stands for: what `safe_cell` escaped
    loses its apostrophe again."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def safe_row(row) -> list:
    return [safe_cell(value) for value in row]


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, header: list[str], rows) -> StreamingHttpResponse:
    """`rows` under `header`, streamed; dates as YYYY-MM-DD, times as YYYY-MM-DD HH:MM."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([_as_text(value) for value in row]) for row in _with_header(header, rows))
    response = StreamingHttpResponse(
        _in_chunks(_prefixed("\ufeff", lines)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _as_text(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# What a column holds, for its cells' format and width.
TEXT, LONG_TEXT, INTEGER, DATE, DATETIME = "text", "long_text", "integer", "date", "datetime"


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its header (in the language of the download) and how its cells
    look."""

    header: str
    kind: str = TEXT
    editable: bool = False  # marked as a column people fill in
    hidden: bool = False
    choices: tuple[str, ...] = ()  # a drop-down list of these values
    note: str = ""  # shown on the header cell: what the column holds
    min_width: int = 0  # room to type in, for a column people fill in
    key: str = ""  # what the column holds, the same in every language (the header is translated)


@dataclass
class Sheet:
    """A sheet: a few lines about it, then a table with a frozen header row and a filter."""

    title: str
    columns: list[Column]
    rows: Iterable[list]
    notes: list[str] = field(default_factory=list)
    legend: str = ""  # said once under the notes, with the editable columns' colour


# Column widths in characters: text fits its longest value in the rows sampled, within limits;
# long text wraps in a wide column.
MIN_WIDTH, MAX_WIDTH, LONG_TEXT_WIDTH = 8, 45, 70
FIXED_WIDTHS = {INTEGER: 10, DATE: 13, DATETIME: 17}
WIDTH_SAMPLE = 500  # rows read to fit the widths; the rest are written as they come
NUMBER_FORMATS = {INTEGER: "0", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2B3")
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")


def xlsx_response(filename: str, sheets: list[Sheet]) -> HttpResponse:
    """A workbook of `sheets`, each a table people can sort, filter and edit. Built in
    write-only mode, so memory does not grow with the rows beyond the few read to fit widths."""
    workbook = Workbook(write_only=True)
    styles = _styles(workbook)
    # Who wrote the header cells' comments, in the download's language.
    author = _("Joint Work Plan tracker")
    for sheet in sheets:
        _write_sheet(workbook, sheet, styles, author)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _styles(workbook) -> dict:
    """The workbook's cell styles, by name and by (column kind, editable)."""
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    styles = {
        "title": NamedStyle("Tracker title", font=Font(bold=True, size=13)),
        "note": NamedStyle("Tracker note", font=Font(color="4A5563")),
        "legend": NamedStyle("Tracker legend", font=Font(bold=True), fill=EDITABLE_FILL),
        "header": NamedStyle("Tracker header", font=Font(bold=True), fill=HEADER_FILL, alignment=wrap),
        "editable header": NamedStyle(
            "Tracker header to edit", font=Font(bold=True), fill=EDITABLE_FILL, alignment=wrap
        ),
    }
    for kind in (TEXT, LONG_TEXT, INTEGER, DATE, DATETIME):
        for editable in (False, True):
            # What people type in an editable text cell stays text: never a formula, never a date.
            text_format = "@" if editable else "General"
            styles[(kind, editable)] = NamedStyle(
                f"Tracker {kind.replace('_', ' ')}{' to edit' if editable else ''}",
                alignment=wrap if kind in (TEXT, LONG_TEXT) else top,
                number_format=NUMBER_FORMATS.get(kind, text_format),
                fill=EDITABLE_FILL if editable else PatternFill(),
            )
    for style in styles.values():
        workbook.add_named_style(style)
    return styles


def _write_sheet(workbook, sheet: Sheet, styles, author: str) -> None:
    worksheet = workbook.create_sheet(sheet_title(sheet.title))
    columns = sheet.columns
    rows = (safe_row(row) for row in sheet.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    # Widths, hidden columns and frozen panes come first: write-only sheets write them at the top.
    for index, column in enumerate(columns, 1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = _width(column, [row[index - 1] for row in sample])
        dimension.hidden = column.hidden
    lines = [*sheet.notes, *([sheet.legend] if sheet.legend else [])]
    header_row = len(lines) + 2 if lines else 1  # an empty row between the notes and the table
    worksheet.freeze_panes = f"{'C' if len(columns) > 2 else 'A'}{header_row + 1}"

    for number, line in enumerate(lines):
        style = "title" if number == 0 else ("legend" if line is sheet.legend else "note")
        worksheet.append([_cell(worksheet, safe_cell(line), styles[style])])
    if lines:
        worksheet.append([])
    header = []
    for column in columns:
        cell = _cell(
            worksheet, safe_cell(column.header), styles["editable header" if column.editable else "header"]
        )
        if column.note:
            cell.comment = Comment(column.note, author, width=300, height=120)
        header.append(cell)
    worksheet.append(header)

    cell_styles = [styles[(column.kind, column.editable)] for column in columns]
    count = 0
    for row in chain(sample, rows):
        worksheet.append(
            [_cell(worksheet, value, style) for value, style in zip(row, cell_styles, strict=True)]
        )
        count += 1

    # The filter, and the drop-downs, are written after the rows.
    last = get_column_letter(len(columns))
    worksheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
    for index, column in enumerate(columns, 1):
        formula = _list_formula(column.choices)
        if formula:
            letter = get_column_letter(index)
            validation = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=column.header[:32],
                error=_("Choose a value from the list."),
            )
            # Down to the sheet's last row, so rows added by hand get the list too.
            validation.add(f"{letter}{header_row + 1}:{letter}1048576")
            worksheet.data_validations.append(validation)  # write-only sheets lack add_data_validation


def _list_formula(choices) -> str:
    """A drop-down list's values as Excel writes them, or nothing if Excel could not hold them:
    a value with a comma or a double quote (a label in some language), or over 255 characters in all."""
    formula = '"' + ",".join(choices) + '"'
    if not choices or any("," in choice or '"' in choice for choice in choices) or len(formula) > 257:
        return ""
    return formula


def _cell(worksheet, value, style: NamedStyle) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters a workbook cannot hold
    cell = WriteOnlyCell(worksheet, value=value)
    cell.style = style.name
    return cell


def _width(column: Column, values: list) -> float:
    if column.kind in FIXED_WIDTHS:
        return max(FIXED_WIDTHS[column.kind], min(len(column.header), MAX_WIDTH) + 2)
    if column.kind == LONG_TEXT:
        return LONG_TEXT_WIDTH
    lengths = [len(column.header), *(len(str(v)) for v in values if v is not None), *map(len, column.choices)]
    return max(MIN_WIDTH, column.min_width, min(max(lengths) + 2, MAX_WIDTH))


def sheet_title(title: str) -> str:
    """`title` as a sheet's name: Excel refuses some characters in it, and over 31 characters."""
    return "".join("-" if char in "\\/?*[]:" else char for char in title)[:31]


def _with_header(header, rows):
    yield safe_row(header)
    for row in rows:
        yield safe_row(row)


def _in_chunks(lines, size: int = 64 * 1024):
    """Lines gathered into chunks of about `size` characters: fewer writes to the socket."""
    chunk, length = [], 0
    for line in lines:
        chunk.append(line)
        length += len(line)
        if length >= size:
            yield "".join(chunk)
            chunk, length = [], 0
    if chunk:
        yield "".join(chunk)


def _prefixed(first, lines):
    # A byte order mark, so spreadsheet programs read the file as UTF-8.
    yield first
    yield from lines
