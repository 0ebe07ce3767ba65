"""Staff take the list's workbook to the annual meeting and bring it back: export, edit the file
(as Excel would, with openpyxl), upload, preview, confirm, in a real browser."""

import datetime
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from activities.models import Activity, MeetingKind, Status, Via
from tests.browser.conftest import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import MeetingFactory, record_status
from tests.spreadsheets import edit, records

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_export_the_list_edit_it_and_import_it_back_after_a_preview(
    live_server, live_plan, make_user, new_page, tmp_path
):
    amina, _ = make_user("amina", "Secretariat staff", first_name="Amina", last_name="Diallo")
    maria, password = make_user("maria", "Secretariat staff", first_name="Maria", last_name="Lopez")
    meeting = MeetingFactory(
        plan=live_plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), place="Bonn"
    )
    page = new_page()
    sign_in(page, live_server.url, "maria", password)

    page.goto(live_server.url + "/?aichi=11&aichi=12")
    with page.expect_download() as download:
        page.get_by_role("link", name="Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    numbers = [row["Number"] for row in records(workbook["Activities"])]
    listed = Activity.objects.filter(targets__framework__slug="aichi", targets__number__in=[11, 12])
    assert numbers == sorted(set(listed.values_list("number", flat=True)))
    first, second, third = numbers[:3]
    edit(
        workbook,
        first,
        {
            "Status": "Completed",
            "Status took effect on": datetime.datetime(2017, 11, 28),
            "Note": "Report presented at the annual meeting",
        },
    )
    edit(
        workbook, second, {"Owners": "Amina Diallo, Maria Lopez", "Due date": datetime.datetime(2018, 6, 30)}
    )
    edit(workbook, third, {"Status": "In progress"})
    file = tmp_path / "annual-meeting-2017.xlsx"
    workbook.save(file)
    # Meanwhile a colleague records a change to the third activity in the tracker.
    record_status(
        Activity.objects.get(plan=live_plan, number=third), Status.ON_HOLD, by=amina, note="Waiting for funds"
    )

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Import a spreadsheet").click()
    page.get_by_label("Workbook or CSV file").set_input_files(file)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of the import")
    changes = page.get_by_role("table", name="What confirming will change")
    expect(changes).to_contain_text("Not yet reported → Completed")
    expect(changes).to_contain_text("Report presented at the annual meeting")
    expect(changes).to_contain_text("none → Amina Diallo, Maria Lopez")
    conflicts = page.get_by_role("table", name="Activities changed in the tracker and in the file")
    expect(conflicts).to_contain_text("Waiting for funds")
    expect(conflicts).to_contain_text("On hold → In progress")
    tick = page.get_by_label(f"Apply my file's values to activity {third}")
    expect(tick).not_to_be_checked()
    expect(page.get_by_role("link", name=f"{len(numbers) - 3} unchanged")).to_be_visible()
    screenshot(page, "import-preview-staff-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, "import-preview-staff-phone")
    page.set_viewport_size(DESKTOP)
    assert Activity.objects.get(plan=live_plan, number=first).status == Status.NOT_REPORTED

    page.get_by_label("Agreed at a meeting (optional)").select_option(label=str(meeting))
    page.get_by_role("button", name="Apply the changes").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Imported annual-meeting-2017.xlsx: 2 activities updated."
    )
    completed = Activity.objects.get(plan=live_plan, number=first)
    assert (completed.status, completed.status_since) == (Status.COMPLETED, datetime.date(2017, 11, 28))
    change = completed.status_changes.get()
    assert (change.via, change.source, change.changed_by, change.meeting) == (
        Via.IMPORT,
        "annual-meeting-2017.xlsx",
        maria,
        meeting,
    )
    owned = Activity.objects.get(plan=live_plan, number=second)
    assert set(owned.owners.all()) == {amina, maria} and owned.due_date == datetime.date(2018, 6, 30)
    assert Activity.objects.get(plan=live_plan, number=third).status == Status.ON_HOLD  # not ticked

    page.goto(live_server.url + completed.get_absolute_url())
    history = page.get_by_role("region", name="Status history")
    expect(history).to_contain_text("imported from annual-meeting-2017.xlsx")
    expect(history).to_contain_text("Report presented at the annual meeting")
