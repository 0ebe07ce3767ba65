"""Reading back the activity list's spreadsheet: the workbook (or a CSV with the same columns)
that `/activities.xlsx` exports, edited by staff, uploaded, previewed, then applied.

1. `read_upload` reads the file, in memory, and keeps only what the import needs from each
   row (`ParsedRow`, plain data that the session can hold until the person confirms). A file
   that is not an export of the list is refused whole (`FileRefused`), with the reason.
2. `preview` sets each row against the tracker as it is now: unchanged, will change, conflict
   (the activity changed in the tracker after the export) or invalid, with the reason for each
   bad cell. It only reads.
3. `apply_import` applies the changes, and the conflicts the person chose, all or nothing,
   through `services.record_progress`: the one write path, its rules and its history.
"""

import csv
import datetime
import difflib
import hashlib
import io
import re
import zipfile
import zlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from activities.exports import (
    ACTIVITIES_SHEET,
    DUE_DATE,
    EDITABLE,
    HEADERS,
    ID,
    LEAD,
    NOTE,
    NUMBER,
    OWNERS,
    STATUS,
    STATUS_SINCE,
    TEXT,
    TITLE,
    VERSION,
    header,
)
from activities.models import Activity, Plan, Status, StatusChange, Via, owner_candidates
from activities.services import UNCHANGED, Progress, progress_errors, record_progress
from core.audit import audit
from core.downloads import read_cell, sheet_title
from core.versioning import StaleEdit

# Limits: a file of the whole plan is a few dozen kilobytes; these leave room for a plan
# a hundred times larger and keep a hostile file from exhausting the server.
MAX_BYTES = 5 * 1024 * 1024  # the upload
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a workbook's parts, unzipped
MAX_ROWS = 5000  # activity rows
HEADER_SEARCH_ROWS = 20  # the header may stand below a few lines of notes
MAX_NOTE_LENGTH = 2000  # as the progress form
MAX_SOURCE_LENGTH = 255  # StatusChange.source

# The columns, by key (activities/exports.py); the file names them by their header in any of the
# site's languages.
REQUIRED = (ID, VERSION, *EDITABLE)
OTHER_HEADERS = (NUMBER, TITLE, TEXT, LEAD)  # recognised, to find the header row; not imported

UNCHANGED_ROW, CHANGE, CONFLICT, INVALID = "unchanged", "change", "conflict", "invalid"


class FileRefused(Exception):
    """The file cannot be read as an export of the activity list: nothing of it is imported.
    The message is in the active language."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# 1. Reading the file ------------------------------------------------------------------------


@dataclass
class Table:
    """The rows of the file under its header: {column key: value} for the columns the import reads."""

    kind: str  # "xlsx" or "csv"
    rows: list[tuple[int, dict]]  # (the row's number in the file, its cells)


def read_upload(upload, *, plan: Plan) -> dict:
    """The file `upload` (a Django UploadedFile) as plain data for the session: its name and,
    for each activity row, what `parse_rows` made of it. Raises `FileRefused`. Reads users
    from the database to recognise owners; writes nothing, and keeps no copy of the file."""
    if upload.size == 0:
        raise FileRefused(_("The file is empty."))
    if upload.size > MAX_BYTES:
        raise FileRefused(
            _("The file is %(size)s MB; the limit is %(limit)d MB.")
            % {"size": number_format(upload.size / 1024 / 1024, 1), "limit": MAX_BYTES // 1024 // 1024}
        )
    name = (upload.name or "upload").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    data = upload.read()
    table = read_table(data, name)
    return {
        "name": name[-MAX_SOURCE_LENGTH:],
        "rows": [row.as_data() for row in parse_rows(table, plan=plan)],
    }


def read_table(data: bytes, name: str) -> Table:
    """The file's table, whatever it is: an Excel workbook or a CSV file. Raises `FileRefused`."""
    lowered = name.lower()
    if lowered.endswith((".xlsm", ".xltm", ".xlam")):
        raise FileRefused(_macros_message())
    if lowered.endswith(".xlsb"):
        raise FileRefused(_("This is a binary Excel workbook (.xlsb): save it as an Excel workbook (.xlsx)."))
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_workbook(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _(
                "This is an Excel 97-2003 workbook (.xls) or a workbook protected by a password: "
                "save it as an Excel workbook (.xlsx) without a password."
            )
        )
    return _read_csv(data)


def _macros_message() -> str:
    return _(
        "This workbook can hold macros (.xlsm): the tracker does not accept macro-enabled files. "
        "Save it as an Excel workbook (.xlsx)."
    )


MERGED = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _read_workbook(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise FileRefused(_not_a_table()) from None
    names = {part.filename for part in parts}
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise FileRefused(
            _(
                "The workbook is over %(limit)d MB once unpacked: export fewer activities, "
                "or remove other sheets."
            )
            % {"limit": MAX_UNPACKED_BYTES // 1024 // 1024}
        )
    if any(part.endswith("vbaProject.bin") for part in names) or b"macroEnabled" in _part(
        archive, "[Content_Types].xml"
    ):
        raise FileRefused(_macros_message())
    if "xl/workbook.xml" not in names:
        if "content.xml" in names:
            raise FileRefused(
                _(
                    "This is an OpenDocument spreadsheet (.ods): "
                    "save it as an Excel workbook (.xlsx) or as CSV."
                )
            )
        raise FileRefused(_not_a_table())
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise FileRefused(_damaged()) from None
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise FileRefused(_("The workbook has no sheet of activities."))
        sheet = _activities_sheet(sheets)
        sheet.reset_dimensions()  # read every row, whatever size the file claims
        try:
            table = _sheet_table(sheet)
        except FileRefused:
            raise
        except Exception:
            raise FileRefused(_damaged()) from None
        path = getattr(sheet, "_worksheet_path", None)
        header_line = table.header_line
        merged = [
            _range_label(match)
            for match in MERGED.finditer(_part(archive, path) if path else b"")
            if max(int(match.group(2)), int(match.group(4) or 0)) >= header_line
        ]
        if merged:
            raise FileRefused(
                _(
                    "The sheet “%(sheet)s” has merged cells (%(cells)s): "
                    "unmerge them (Home > Merge & Center > Unmerge Cells) and import again."
                )
                % {"sheet": sheet.title, "cells": _listed(merged)}
            )
        return Table("xlsx", table.rows)
    finally:
        workbook.close()


def _damaged() -> str:
    return _("The workbook could not be read: it may be damaged. Save it again in Excel.")


def _activities_sheet(sheets):
    """The sheet of activities: the one named "Activities" in any of the site's languages, else
    the first."""
    names = set()
    for language in site_languages():
        with translation.override(language):
            names.add(_key(sheet_title(str(ACTIVITIES_SHEET))))
    return next((sheet for sheet in sheets if _key(sheet.title) in names), sheets[0])


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A part of the workbook's package, or nothing if it is missing or cannot be unpacked."""
    try:
        return archive.read(name)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        return b""


def _range_label(match) -> str:
    start = match.group(1).decode() + match.group(2).decode()
    return f"{start}:{match.group(3).decode()}{match.group(4).decode()}" if match.group(3) else start


@dataclass
class _Found:
    header_line: int
    rows: list


def _sheet_table(sheet) -> _Found:
    """The rows under the header of a worksheet (openpyxl read-only cells)."""
    formulas, header_line, columns, rows, seen_any = [], None, None, [], False
    for line, cells in enumerate(sheet.iter_rows(), 1):
        seen_any = seen_any or any(cell.value not in (None, "") for cell in cells)
        if columns is None:
            values = [_xlsx_value(cell) for cell in cells]
            columns = _header(values, line)
            if columns is not None:
                header_line = line
            continue
        values = {}
        for column, index in columns.items():
            cell = cells[index] if index < len(cells) else None
            if cell is None or cell.value is None:
                continue
            if cell.data_type == "f":
                formulas.append(f"{get_column_letter(index + 1)}{line}")
            values[column] = _xlsx_value(cell)
        _add_row(rows, line, values)
    if not seen_any:
        raise FileRefused(_("The sheet “%(sheet)s” is empty.") % {"sheet": sheet.title})
    if columns is None:
        raise FileRefused(_no_header())
    if formulas:
        raise FileRefused(
            _(
                "The file holds formulas (%(cells)s): the import reads values, not formulas. "
                "Copy those cells and paste them back as values (Paste Special > Values)."
            )
            % {"cells": _listed(formulas)}
        )
    _check_rows(rows)
    return _Found(header_line, rows)


def _xlsx_value(cell):
    if cell.data_type == "e":  # #N/A, #REF! and the like
        return CellError(str(cell.value))
    return read_cell(cell.value)


@dataclass(frozen=True)
class CellError:
    """A cell whose value is an error the spreadsheet computed (#N/A, #REF!)."""

    code: str


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:8192]:
        raise FileRefused(_not_a_table())
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # what Excel's "CSV (Comma delimited)" writes on Windows
        except UnicodeDecodeError:
            raise FileRefused(_not_a_table()) from None
    columns, rows = None, []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        for line, cells in enumerate(reader, 1):
            if columns is None:
                columns = _header(cells, line)
                continue
            values = {
                column: read_cell(cells[index]) for column, index in columns.items() if index < len(cells)
            }
            _add_row(rows, line, values)
    except csv.Error:
        raise FileRefused(_not_a_table()) from None
    if columns is None:
        raise FileRefused(_no_header())
    _check_rows(rows)
    return Table("csv", rows)


def _delimiter(text: str) -> str:
    """The CSV file's delimiter: the one that splits a line of its first rows into the most of
    the export's headers (Excel writes ";" where the decimal mark is a comma)."""
    known = header_names()

    def named(line: str, delimiter: str) -> int:
        return sum(1 for part in line.split(delimiter) if _key(part.strip().strip('"')) in known)

    lines = text.splitlines()[:HEADER_SEARCH_ROWS]
    return max(
        (",", ";", "\t"), key=lambda delimiter: max((named(line, delimiter) for line in lines), default=0)
    )


def header_names(languages=None) -> dict[str, str]:
    """{header: column key} of the columns an import recognises, with the headers of each of
    the site's languages (`languages`), compared without case or extra spaces. Where two
    languages give one header to different columns, the active language wins."""
    names = {}
    for language in languages if languages is not None else site_languages():
        with translation.override(language):
            for key in (*REQUIRED, *OTHER_HEADERS):
                names.setdefault(_key(str(HEADERS[key])), key)
    return names


def _header(values, line: int) -> dict[str, int] | None:
    """{column key: column index} of the columns the import reads, if this is the header row (it
    names at least two of the export's columns, in any of the site's languages); None if it is
    not. Raises `FileRefused` for a header that lacks a column the import needs."""
    if line > HEADER_SEARCH_ROWS:
        raise FileRefused(_no_header())
    found = {}
    known = header_names()
    named = [_key(value) if isinstance(value, str) else "" for value in values]
    if sum(1 for key in named if key in known) < 2:
        return None
    for index, (value, name) in enumerate(zip(values, named, strict=True)):
        column = known.get(name)
        if column in REQUIRED:
            if column in found:
                raise FileRefused(
                    _("The column “%(column)s” appears twice: keep one.")
                    % {"column": " ".join(value.split())}
                )
            found[column] = index
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        others = [
            " ".join(str(value).split())
            for value, name in zip(values, named, strict=True)
            if value and name not in known
        ]

        def said(column: str) -> str:
            name = header(column)
            renamed = difflib.get_close_matches(name, others, n=1, cutoff=0.6)
            if renamed:
                return _("%(column)s (renamed “%(header)s”?)") % {"column": name, "header": renamed[0]}
            return name

        raise FileRefused(
            _(
                "Columns missing: %(columns)s. "
                "Keep the columns of the exported file, with their headers as they are."
            )
            % {"columns": ", ".join(map(said, missing))}
        )
    return found


def _add_row(rows: list, line: int, values: dict) -> None:
    if any(value not in (None, "") for value in values.values()):
        rows.append((line, values))
        if len(rows) > MAX_ROWS:
            raise FileRefused(
                ngettext(
                    "The file has over %(count)d activity row: import at most %(count)d at once.",
                    "The file has over %(count)d activity rows: import at most %(count)d at once.",
                    MAX_ROWS,
                )
                % {"count": MAX_ROWS}
            )


def _check_rows(rows) -> None:
    if not rows:
        raise FileRefused(_("The file has the export's columns but no activity rows."))


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _listed(items: list[str], most: int = 8) -> str:
    shown = ", ".join(items[:most])
    if len(items) <= most:
        return shown
    more = len(items) - most
    return ngettext("%(items)s and %(count)d more", "%(items)s and %(count)d more", more) % {
        "items": shown,
        "count": more,
    }


def _not_a_table() -> str:
    return _("This is not an Excel workbook (.xlsx) or a CSV file: export the activity list and edit that.")


def _no_header() -> str:
    return ngettext(
        "No header row with the export's columns (%(columns)s) in the first row: "
        "import a file exported from the activity list.",
        "No header row with the export's columns (%(columns)s) in the first %(count)d rows: "
        "import a file exported from the activity list.",
        HEADER_SEARCH_ROWS,
    ) % {"columns": ", ".join(header(column) for column in REQUIRED), "count": HEADER_SEARCH_ROWS}


# 2. The rows, cell by cell ------------------------------------------------------------------


@dataclass
class ParsedRow:
    """What the import needs from one row of the file, or why a cell cannot be read."""

    line: int
    activity_id: int | None = None
    version: int | None = None
    status: str | None = None
    effective_on: datetime.date | None = None
    note: str = ""
    owners: list[int] | None = None
    due_date: datetime.date | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key, reason)

    def as_data(self) -> dict:
        """Plain data, for the session."""
        return {
            "line": self.line,
            "id": self.activity_id,
            "version": self.version,
            "status": self.status,
            "effective_on": self.effective_on.isoformat() if self.effective_on else None,
            "note": self.note,
            "owners": self.owners,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "errors": [list(error) for error in self.errors],
        }

    @classmethod
    def from_data(cls, data: dict) -> "ParsedRow":
        day = datetime.date.fromisoformat
        return cls(
            line=data["line"],
            activity_id=data["id"],
            version=data["version"],
            status=data["status"],
            effective_on=day(data["effective_on"]) if data["effective_on"] else None,
            note=data["note"],
            owners=data["owners"],
            due_date=day(data["due_date"]) if data["due_date"] else None,
            errors=[tuple(error) for error in data["errors"]],
        )


def site_languages() -> list[str]:
    """The languages a file may be in: the active one, then the site's (`settings.LANGUAGES`,
    once the site declares them; the default language otherwise)."""
    declared = settings.is_overridden("LANGUAGES")
    codes = [code for code, name in settings.LANGUAGES] if declared else [settings.LANGUAGE_CODE]
    active = translation.get_language()
    return list(dict.fromkeys([active, *codes] if active else codes))


def status_names(choices=None, languages=None) -> dict[str, str]:
    """{name: status code}: each status by its code and by its label in each of the site's
    languages (`site_languages`), compared without case or extra spaces."""
    if languages is None:
        languages = site_languages()
    names = {}
    for code, label in choices if choices is not None else Status.choices:
        names[_key(code)] = code
        for language in languages:
            with translation.override(language):
                names[_key(str(label))] = code
    return names


def parse_rows(table: Table, *, plan: Plan) -> list[ParsedRow]:
    """Each row of `table` read cell by cell. Raises `FileRefused` if an activity appears twice.
    Reads the users once, to recognise owners by name or username."""
    statuses = status_names()
    people = _People()
    parsed = []
    for line, cells in table.rows:
        row = ParsedRow(line=line)
        row.activity_id = _whole_number(row, ID, cells.get(ID))
        row.version = _whole_number(row, VERSION, cells.get(VERSION))
        row.status = _status(row, cells.get(STATUS), statuses)
        row.effective_on = _date(row, STATUS_SINCE, cells.get(STATUS_SINCE), table.kind)
        row.due_date = _date(row, DUE_DATE, cells.get(DUE_DATE), table.kind)
        row.note = _note(row, cells.get(NOTE))
        row.owners = people.find(row, cells.get(OWNERS))
        parsed.append(row)
    seen = defaultdict(list)
    for row in parsed:
        if row.activity_id is not None:
            seen[row.activity_id].append(row.line)
    twice = [
        ngettext("ID %(id)s in row %(rows)s", "ID %(id)s in rows %(rows)s", len(lines))
        % {"id": pk, "rows": ", ".join(map(str, lines))}
        for pk, lines in seen.items()
        if len(lines) > 1
    ]
    if twice:
        raise FileRefused(
            _("The same activity appears more than once (%(rows)s): keep one row for each.")
            % {"rows": _listed(twice, 4)}
        )
    return parsed


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _whole_number_messages(column: str) -> tuple[str, str, str]:
    """What to say of the ID or the version column's cell: an error, empty, not a number."""
    if column == ID:
        return (
            _("The cell holds an error (%(error)s) instead of the activity's ID."),
            _("Empty: the hidden ID column identifies the activity: was this row added by hand?"),
            _("“%(value)s” is not the activity's ID: keep the exported value."),
        )
    return (
        _("The cell holds an error (%(error)s) instead of the version."),
        _("Empty: export the list again: a file of past statuses (“as of” a date) cannot be imported."),
        _("“%(value)s” is not the version: keep the exported value."),
    )


def _whole_number(row: ParsedRow, column: str, value) -> int | None:
    if isinstance(value, CellError):
        row.errors.append((column, _whole_number_messages(column)[0] % {"error": value.code}))
        return None
    if value in (None, ""):
        row.errors.append((column, _whole_number_messages(column)[1]))
        return None
    if isinstance(value, bool):
        value = None
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < 0 or value > 2**31 - 1:
        row.errors.append((column, _whole_number_messages(column)[2] % {"value": _text(value)}))
        return None
    return value


def _status(row: ParsedRow, value, statuses: dict[str, str]) -> str | None:
    text = _text(value) if not isinstance(value, CellError) else value.code
    if not text:
        row.errors.append((STATUS, _("Empty: choose a status from the list.")))
        return None
    code = statuses.get(_key(text))
    if code is None:
        row.errors.append(
            (
                STATUS,
                _("Unknown status “%(status)s”: choose one of %(statuses)s.")
                % {"status": text, "statuses": ", ".join(str(label) for label in Status.labels)},
            )
        )
    return code


def _date(row: ParsedRow, column: str, value, kind: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, CellError):
        row.errors.append(
            (column, _("The cell holds an error (%(error)s) instead of a date.") % {"error": value.code})
        )
        return None
    text = _text(value)
    if kind == "csv":
        try:
            return (
                datetime.date.fromisoformat(text[:10])
                if re.fullmatch(r"\d{4}-\d\d-\d\d( .*)?", text)
                else None
            )
        except ValueError:
            pass
        row.errors.append(
            (
                column,
                _("“%(value)s” is not a date: write dates as YYYY-MM-DD (2017-11-28).") % {"value": text},
            )
        )
        return None
    if isinstance(value, int | float):
        row.errors.append(
            (column, _("“%(value)s” is a number, not a date: format the cell as a date.") % {"value": text})
        )
    else:
        row.errors.append(
            (
                column,
                _(
                    "“%(value)s” is text, not a date: enter it as a date (2017-11-28) "
                    "in a cell formatted as a date."
                )
                % {"value": text},
            )
        )
    return None


def _note(row: ParsedRow, value) -> str:
    if isinstance(value, CellError):
        row.errors.append((NOTE, _("The cell holds an error (%(error)s).") % {"error": value.code}))
        return ""
    text = _text(value)
    if len(text) > MAX_NOTE_LENGTH:
        row.errors.append(
            (
                NOTE,
                ngettext(
                    "The note has %(length)d character; at most %(limit)d.",
                    "The note has %(length)d characters; at most %(limit)d.",
                    len(text),
                )
                % {"length": len(text), "limit": MAX_NOTE_LENGTH},
            )
        )
    return text


class _People:
    """Owners named in the file, found by full name or username, secretariat staff first."""

    SEPARATORS = re.compile(r"[,;\n]")

    def __init__(self):
        self._users = None

    def _load(self):
        users = list(get_user_model().objects.only("pk", "username", "first_name", "last_name"))
        eligible = set(owner_candidates().values_list("pk", flat=True))
        self._by_name = defaultdict(list)
        for user in users:
            keys = {_key(user.get_username()), _key(user.get_full_name())} - {""}
            for key in keys:
                self._by_name[key].append(user)
        self._eligible = eligible
        self._users = users

    def find(self, row: ParsedRow, value) -> list[int] | None:
        if isinstance(value, CellError):
            row.errors.append((OWNERS, _("The cell holds an error (%(error)s).") % {"error": value.code}))
            return None
        names = [name.strip() for name in self.SEPARATORS.split(_text(value)) if name.strip()]
        if not names:
            return []
        if self._users is None:
            self._load()
        found, problems = [], []
        for name in names:
            matches = self._by_name.get(_key(name), [])
            staff = [user for user in matches if user.pk in self._eligible]
            if len(staff) == 1 or len(matches) == 1:
                found.append((staff or matches)[0].pk)
            elif matches:
                problems.append(
                    ngettext(
                        "%(count)d person is called “%(name)s”: write their username instead.",
                        "%(count)d people are called “%(name)s”: write their username instead.",
                        len(matches),
                    )
                    % {"count": len(matches), "name": name}
                )
            else:
                problems.append(_("No one called “%(name)s” has an account.") % {"name": name})
        for problem in problems:
            row.errors.append((OWNERS, problem))
        return None if problems else sorted(set(found))


# 3. The preview -----------------------------------------------------------------------------


@dataclass
class Change:
    """One field of an activity, as it is and as it would be."""

    label: str  # in the active language
    old: str
    new: str
    field: str = ""  # the column's key (activities/exports.py): the same in every language


@dataclass
class PreviewRow:
    line: int
    kind: str
    activity: Activity | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column's header, reason): invalid rows
    changes: list[Change] = field(default_factory=list)  # what the file would change
    theirs: list[Change] = field(default_factory=list)  # conflicts: what the tracker changed since
    changed_by: str = ""  # conflicts: who changed it last, and when
    changed_at: datetime.datetime | None = None
    their_note: str = ""
    blocked: list[str] = field(default_factory=list)  # conflicts: why the file's values cannot apply
    remark: str = ""
    version: int | None = None  # the activity's version now, for the write
    apply: dict = field(default_factory=dict)  # record_progress's arguments

    @property
    def can_apply(self) -> bool:
        return self.kind in (CHANGE, CONFLICT) and not self.blocked


@dataclass
class Preview:
    name: str
    rows: list[PreviewRow]

    def of_kind(self, kind: str) -> list[PreviewRow]:
        return [row for row in self.rows if row.kind == kind]

    @property
    def changes(self) -> list[PreviewRow]:
        return self.of_kind(CHANGE)

    @property
    def conflicts(self) -> list[PreviewRow]:
        return self.of_kind(CONFLICT)

    @property
    def invalid(self) -> list[PreviewRow]:
        return self.of_kind(INVALID)

    @property
    def unchanged(self) -> list[PreviewRow]:
        return self.of_kind(UNCHANGED_ROW)

    @property
    def can_confirm(self) -> bool:
        return not self.invalid and any(row.can_apply for row in self.rows)

    @property
    def fingerprint(self) -> str:
        """The version of every activity in the file as the preview saw it: a confirmation made
        against another state is refused."""
        seen = sorted((row.activity.pk, row.version) for row in self.rows if row.activity is not None)
        return hashlib.sha256(repr(seen).encode()).hexdigest()


def preview(data: dict, *, plan: Plan, reader) -> Preview:
    """The rows of an uploaded file (`read_upload`'s data) set against the tracker now. Reads
    the database: the activities, their owners, and the history of those changed since the
    export. `reader` is who reads the preview (the visibility rule of status notes)."""
    rows = [ParsedRow.from_data(item) for item in data["rows"]]
    ids = {row.activity_id for row in rows if row.activity_id is not None}
    activities = {
        activity.pk: activity
        for activity in Activity.objects.filter(plan=plan, pk__in=ids)
        .select_related("plan")
        .with_owners_joined()
    }
    users = _user_names(rows, activities.values())
    today = timezone.localdate()
    shown = [_preview_row(row, activities.get(row.activity_id), users, today, reader) for row in rows]
    for row in shown:
        # Each error under its column's header, in the reader's language.
        row.errors = [(header(column), reason) for column, reason in row.errors]
    return Preview(name=data["name"], rows=shown)


@dataclass
class _State:
    """What the import compares: an activity's progress fields."""

    status: str
    status_since: datetime.date | None
    owners: set[int]
    due_date: datetime.date | None


def _preview_row(row: ParsedRow, activity: Activity | None, users: dict, today, reader) -> PreviewRow:
    result = PreviewRow(
        line=row.line,
        kind=INVALID,
        activity=activity,
        errors=list(row.errors),
        version=activity.version if activity is not None else None,
    )
    if row.activity_id is not None and activity is None:
        result.errors.insert(0, (ID, _("No activity with ID %(id)s in this plan.") % {"id": row.activity_id}))
    if result.errors or activity is None:
        return result
    if row.version > activity.version:
        result.errors.append(
            (
                VERSION,
                _("The file says version %(file)s; the tracker is at %(tracker)s: keep the exported value.")
                % {"file": row.version, "tracker": activity.version},
            )
        )
        return result

    current = _State(activity.status, activity.status_since, activity.owner_ids, activity.due_date)
    stale = row.version != activity.version
    snapshot = _snapshot(activity, row.version) if stale else None
    exported = snapshot[0] if snapshot else current
    mine = _State(row.status, row.effective_on, set(row.owners), row.due_date)

    # What the person edited in the file, and which of it the tracker does not hold already.
    new_status = mine.status if mine.status != exported.status and mine.status != current.status else None
    new_owners = mine.owners if mine.owners != exported.owners and mine.owners != current.owners else None
    new_due = (
        mine.due_date
        if mine.due_date != exported.due_date and mine.due_date != current.due_date
        else UNCHANGED
    )
    date_edited = mine.status_since != exported.status_since and mine.status_since is not None
    records_change = new_status is not None or bool(row.note)
    if date_edited and not records_change and mine.status == exported.status:
        result.errors.append(
            (
                STATUS_SINCE,
                _(
                    "A new date needs a new status or a note: it says when a change took effect. "
                    "To correct an earlier entry, record a new change."
                ),
            )
        )
        return result

    if not records_change and new_owners is None and new_due is UNCHANGED:
        result.kind = UNCHANGED_ROW
        if stale:
            result.remark = _("Changed in the tracker since the export; the file changes nothing")
        return result

    effective_on = (mine.status_since if date_edited else None) or today
    status = new_status or current.status
    owners = [users[pk] for pk in sorted(new_owners)] if new_owners is not None else UNCHANGED
    result.apply = {
        "status": status,
        "effective_on": effective_on if records_change else None,
        "note": row.note,
        "owners": owners,
        "due_date": new_due,
    }
    result.changes = _changes(current, result.apply, users, effective_on, records_change)
    errors = progress_errors(
        activity,
        status=status,
        effective_on=effective_on if records_change else today,
        owners=owners,
        due_date=new_due,
        note=row.note,
    )
    reasons = [
        (_COLUMNS.get(name, STATUS), " ".join(error.messages))
        for name, items in errors.items()
        for error in items
    ]
    if not stale:
        result.kind = INVALID if reasons else CHANGE
        result.errors += reasons
        return result

    result.kind = CONFLICT
    result.blocked = [reason for _, reason in reasons]
    before = exported if snapshot else None
    result.theirs = _their_changes(before, current, users)
    since = snapshot[1] if snapshot else None
    their_change = (
        StatusChange.objects.visible_to(reader)
        .filter(activity=activity)
        .select_related("changed_by")
        .latest_first()
    )
    if since is not None:
        their_change = their_change.filter(recorded_at__gt=since)
    their_change = their_change.first()
    if their_change is not None:
        result.their_note = their_change.note
    latest = activity.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    if latest is not None:
        who = latest.history_user or (their_change.changed_by if their_change else None)
        result.changed_by = _person(who) if who else _("someone")
        result.changed_at = latest.history_date
    return result


# progress_errors' fields, as the file's columns.
_COLUMNS = {
    "status": STATUS,
    "effective_on": STATUS_SINCE,
    "note": NOTE,
    "owners": OWNERS,
    "due_date": DUE_DATE,
}


def _snapshot(activity: Activity, version: int):
    """The activity as it was at `version` (what the export showed), and when that version was
    made; None if its history no longer says."""
    record = activity.history.filter(version=version).order_by("-history_date", "-history_id").first()
    if record is None:
        return None
    through = apps.get_model("activities", "HistoricalActivity_owners")  # the owners, as of the record
    owners = set(through.objects.filter(history=record).values_list("user_id", flat=True))
    return _State(record.status, record.status_since, owners, record.due_date), record.history_date


def _user_names(rows: list[ParsedRow], activities) -> dict[int, object]:
    """{pk: user} of everyone the preview names: the file's owners and the activities' own."""
    pks = {pk for row in rows for pk in (row.owners or [])}
    for activity in activities:
        pks |= activity.owner_ids
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=pks)}


def _shown_status(code: str) -> str:
    return str(dict(Status.choices).get(code, code))


def _shown_date(day: datetime.date | None) -> str:
    # "28 Nov 2017": the active language's short date.
    return date_format(day, "SHORT_DATE_FORMAT") if day else _("none")


def _shown_people(pks, users: dict) -> str:
    names = sorted((_person(users[pk]) for pk in pks if pk in users), key=str.casefold)
    return ", ".join(names) or _("none")


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _change(column: str, old: str, new: str) -> Change:
    """A change of the field of `column` (a key), labelled with its header."""
    return Change(header(column), old, new, column)


def _changes(current: _State, apply: dict, users: dict, effective_on, records_change: bool) -> list[Change]:
    changes = []
    if apply["status"] != current.status:
        changes.append(_change(STATUS, _shown_status(current.status), _shown_status(apply["status"])))
    if records_change:
        changes.append(Change(_("Takes effect on"), "", _shown_date(effective_on), STATUS_SINCE))
    if apply["note"]:
        changes.append(_change(NOTE, "", apply["note"]))
    if apply["owners"] is not UNCHANGED:
        changes.append(
            _change(
                OWNERS,
                _shown_people(current.owners, users),
                _shown_people([u.pk for u in apply["owners"]], users),
            )
        )
    if apply["due_date"] is not UNCHANGED:
        changes.append(_change(DUE_DATE, _shown_date(current.due_date), _shown_date(apply["due_date"])))
    return changes


def _since(state: _State) -> str:
    """ "On hold (since 1 Dec 2017)"."""
    status = _shown_status(state.status)
    if not state.status_since:
        return status
    return _("%(status)s (since %(date)s)") % {"status": status, "date": _shown_date(state.status_since)}


def _their_changes(before: _State | None, now: _State, users: dict) -> list[Change]:
    """What the tracker changed since the export, field by field (or, when the history of the
    exported version is gone, how the activity stands now)."""
    if before is None:
        return [
            _change(STATUS, "", _shown_status(now.status)),
            _change(OWNERS, "", _shown_people(now.owners, users)),
            _change(DUE_DATE, "", _shown_date(now.due_date)),
        ]
    missing = (before.owners | now.owners) - set(users)
    if missing:
        users = {**users, **{user.pk: user for user in get_user_model().objects.filter(pk__in=missing)}}
    changes = []
    if before.status != now.status or before.status_since != now.status_since:
        changes.append(_change(STATUS, _since(before), _since(now)))
    if before.owners != now.owners:
        changes.append(_change(OWNERS, _shown_people(before.owners, users), _shown_people(now.owners, users)))
    if before.due_date != now.due_date:
        changes.append(_change(DUE_DATE, _shown_date(before.due_date), _shown_date(now.due_date)))
    return changes


# 4. Applying it -----------------------------------------------------------------------------


class StaleImport(Exception):
    """The tracker changed between the preview and the confirmation: nothing was applied."""


def apply_import(*, preview: Preview, seen: str, by, chosen: set[int], meeting=None) -> list[Progress]:
    """Apply every change of the preview, and the conflicts whose activity is in `chosen`, all
    or nothing, through `record_progress`: each becomes history attributed to `by`, marked as
    imported from the file (and agreed at `meeting`, if given). Raises `StaleImport` if
    anything changed since the preview that `seen` fingerprints (`Preview.fingerprint`), and
    `ValueError` if the preview cannot be confirmed; writes nothing then."""
    if not preview.can_confirm:
        raise ValueError("This preview cannot be confirmed.")
    if seen != preview.fingerprint:
        raise StaleImport
    applied = []
    seen_versions = {row.activity.pk: row.version for row in preview.rows if row.activity is not None}
    try:
        with transaction.atomic():
            # Every activity of the file stays as the preview saw it until the import is written.
            locked = Activity.objects.select_for_update().filter(pk__in=seen_versions)
            if dict(locked.values_list("pk", "version")) != seen_versions:
                raise StaleImport
            for row in preview.rows:
                if row.kind == CHANGE or (
                    row.kind == CONFLICT and row.can_apply and row.activity.pk in chosen
                ):
                    applied.append(
                        record_progress(
                            activity=row.activity,
                            by=by,
                            expected_version=row.version,
                            meeting=meeting,
                            via=Via.IMPORT,
                            source=preview.name,
                            **row.apply,
                        )
                    )
            audit(
                "activities_imported",
                user=by,
                when_committed=True,
                source=preview.name,
                activities=[progress.activity.pk for progress in applied],
                meeting=meeting.pk if meeting else None,
            )
    except (StaleEdit, ValidationError):
        # Someone changed an activity, or who may own one, since the preview.
        raise StaleImport from None
    return applied
