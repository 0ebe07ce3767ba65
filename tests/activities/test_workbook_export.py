"""The activity list's Excel download is a workbook made for people to read and edit."""

import datetime

from django.urls import reverse

from activities.models import Activity, Status
from targets.models import Target
from tests.conftest import member_of
from tests.factories import ActivityFactory, UserFactory, record_status
from tests.spreadsheets import columns, exported, exported_csv, header_row, records, row_of

EDITABLE = ["Status", "Status took effect on", "Note", "Owners", "Due date"]


def test_the_table_has_a_frozen_header_a_filter_and_fitting_widths(client, plan):
    sheet = exported(client)["Activities"]
    header = header_row(sheet)
    names = columns(sheet)
    last = max(names.values())

    assert sheet.freeze_panes == f"C{header + 1}"
    assert sheet.auto_filter.ref == f"A{header}:{sheet.cell(header, last).column_letter}{header + 28}"
    widths = {
        name: sheet.column_dimensions[sheet.cell(header, index).column_letter].width
        for name, index in names.items()
    }
    assert widths["Text"] == 70
    longest_title = max(len(a.title) for a in Activity.objects.filter(plan=plan))
    assert widths["Title"] == min(longest_title + 2, 45)
    assert 8 <= widths["Number"] <= 12
    assert widths["Note"] >= 40 and widths["Owners"] >= 24  # room to type in
    text = sheet.cell(row_of(sheet, 5), names["Text"])
    assert text.alignment.wrap_text


def test_numbers_are_numbers_and_dates_are_dates(client, plan):
    activity = Activity.objects.get(plan=plan, number=5)
    record_status(activity, Status.IN_PROGRESS, effective_on=datetime.date(2017, 3, 1))
    Activity.objects.filter(pk=activity.pk).update(due_date=datetime.date(2018, 6, 30))
    sheet = exported(client)["Activities"]
    row = {name: sheet.cell(row_of(sheet, 5), index) for name, index in columns(sheet).items()}

    assert row["Number"].value == 5 and row["Number"].data_type == "n"
    assert row["Status took effect on"].value == datetime.datetime(2017, 3, 1)
    assert row["Status took effect on"].is_date
    assert row["Due date"].value == datetime.datetime(2018, 6, 30) and row["Due date"].is_date
    assert row["Last update (UTC)"].is_date
    assert row["ID"].value == activity.pk
    assert row["Version"].value == Activity.objects.get(pk=activity.pk).version


def test_editable_columns_are_marked_and_status_has_a_drop_down(client, plan):
    workbook = exported(client)
    sheet = workbook["Activities"]
    header = header_row(sheet)
    names = columns(sheet)
    marked = {
        name for name, index in names.items() if sheet.cell(header, index).fill.fgColor.rgb == "00FFF2B3"
    }

    assert marked == set(EDITABLE)
    assert all(sheet.cell(header, names[name]).comment for name in EDITABLE)
    status = sheet.cell(header, names["Status"]).column_letter
    (validation,) = [v for v in sheet.data_validations.dataValidation if status in str(v.sqref)]
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(str(label) for label in Status.labels) + '"'
    assert str(validation.sqref).startswith(f"{status}{header + 1}:")


def test_id_and_version_columns_are_hidden(client, plan):
    sheet = exported(client)["Activities"]
    names = columns(sheet)
    header = header_row(sheet)

    for name in ("ID", "Version"):
        assert sheet.column_dimensions[sheet.cell(header, names[name]).column_letter].hidden
    assert not sheet.column_dimensions[sheet.cell(header, names["Status"]).column_letter].hidden


def test_the_first_sheet_notes_the_date_and_filters_of_the_export(client, plan):
    owner = UserFactory(first_name="Amina", last_name="Diallo")
    Activity.objects.get(plan=plan, number=12).owners.add(owner)
    sheet = exported(
        client, {"aichi": ["11", "12"], "status": "not_reported", "owner": owner.pk, "q": "=cmd"}
    )["Activities"]
    notes = [
        row[0] for row in sheet.iter_rows(max_row=header_row(sheet) - 1, values_only=True) if row and row[0]
    ]
    said = " ".join(notes)

    assert notes[0] == f"{plan.title}: joint activities"
    assert "Exported on" in said and str(datetime.datetime.now(datetime.UTC).year) in said
    assert "Aichi Targets: 11, 12" in said
    assert "Status: Not yet reported" in said
    assert "Owner: Amina Diallo" in said
    assert "Words in the title or text: “=cmd”" in said
    assert "Other columns are not imported" in said
    unfiltered = exported(client)["Activities"]
    assert "No filter" in unfiltered.cell(2, 1).value


def test_the_second_sheet_has_the_official_text_of_every_target_of_the_plans_frameworks(client, plan):
    workbook = exported(client)
    targets = Target.objects.filter(framework__plans=plan).select_related("framework")

    assert workbook.sheetnames == ["Activities", "Targets"]
    rows = records(workbook["Targets"])
    assert len(rows) == targets.count() == 36
    by_label = {row["Target"]: row for row in rows}
    for target in targets:
        row = by_label[str(target)]
        assert row["Official text"] == target.text
        assert row["Framework"] == target.framework.name
        assert row["Number"] == target.number


def test_every_cell_a_spreadsheet_would_run_is_escaped(client, plan):
    ActivityFactory(
        plan=plan,
        number=99,
        title='=HYPERLINK("http://evil.example")',
        text="@SUM(1)",
        targets=[Target.objects.get_by_natural_key("aichi", 11)],
    )
    workbook = exported(client, {"aichi": "11"})
    sheet = workbook["Activities"]
    row = {name: sheet.cell(row_of(sheet, 99), index) for name, index in columns(sheet).items()}

    assert row["Title"].value == '\'=HYPERLINK("http://evil.example")' and row["Title"].data_type == "s"
    assert row["Text"].value == "'@SUM(1)"
    formulas = [
        cell.coordinate
        for sheet in workbook
        for line in sheet.iter_rows()
        for cell in line
        if cell.data_type == "f"
    ]
    assert formulas == []


def test_the_csv_has_the_same_columns_as_the_workbook(client, plan):
    rows = exported_csv(client)
    sheet = exported(client)["Activities"]

    assert rows[0] == list(columns(sheet))
    assert rows[0][-2:] == ["ID", "Version"]
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    activity = Activity.objects.get(plan=plan, number=3)
    assert by_number["3"]["ID"] == str(activity.pk) and by_number["3"]["Version"] == str(activity.version)
    assert by_number["3"]["Status took effect on"] == "" and by_number["3"]["Note"] == ""


def test_an_export_of_past_statuses_says_so_and_carries_no_version(client, plan):
    activity = Activity.objects.get(plan=plan, number=7)
    record_status(activity, Status.PLANNED, effective_on=datetime.date(2016, 5, 1))
    record_status(activity, Status.COMPLETED, effective_on=datetime.date(2018, 5, 1))
    sheet = exported(client, {"as_of": "2017-01-01"})["Activities"]
    row = next(row for row in records(sheet) if row["Number"] == 7)

    assert row["Status"] == "Planned" and row["Version"] is None and row["Status took effect on"] is None
    notes = " ".join(
        str(cell.value) for line in sheet.iter_rows(max_row=header_row(sheet)) for cell in line if cell.value
    )
    assert "cannot be imported back" in notes


def test_the_list_links_staff_to_the_import(client, plan):
    assert reverse("activities:import") not in client.get(reverse("activities:list")).text
    client.force_login(member_of("Focal points", "focal"))
    assert reverse("activities:import") not in client.get(reverse("activities:list")).text
    client.force_login(member_of("Secretariat staff", "staff"))
    assert reverse("activities:import") in client.get(reverse("activities:list")).text
