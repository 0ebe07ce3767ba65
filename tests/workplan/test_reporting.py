"""Dashboard, the plan as of a date, comparison, meeting reviews and exports."""

import csv
import datetime
import io
from http import HTTPStatus

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.models import Activity, MeetingKind, ReviewItem, Status, Via
from targets.models import Target
from tests.conftest import member_of
from tests.factories import ActivityFactory, MeetingFactory, UserFactory, record_status
from tests.forms import form_data
from tests.spreadsheets import header_row


def activity(plan, number):
    return Activity.objects.get(plan=plan, number=number)


@pytest.fixture
def progress(plan):
    staff = UserFactory(username="amina", first_name="Amina", last_name="Diallo")
    record_status(
        activity(plan, 11),
        Status.PLANNED,
        by=staff,
        note="Task force",
        effective_on=datetime.date(2016, 6, 1),
    )
    record_status(
        activity(plan, 11),
        Status.COMPLETED,
        by=staff,
        note="Guidelines out",
        effective_on=datetime.date(2018, 3, 1),
    )
    record_status(
        activity(plan, 20),
        Status.IN_PROGRESS,
        by=staff,
        note="Workshop",
        effective_on=datetime.date(2017, 5, 1),
    )
    return staff


def test_dashboard_counts_agree_with_the_list_filters(client, plan, progress):
    response = client.get(reverse("dashboard"))

    by_status = {bar.value: bar.count for bar in response.context["by_status"]}
    for value, count in by_status.items():
        listed = client.get(reverse("activities:list"), {"status": value}).context["page"].paginator.count
        assert listed == count, value
    assert sum(by_status.values()) == 28
    rows = dict(response.context["frameworks"])
    aichi = next(rows_ for framework, rows_ in response.context["frameworks"] if framework.slug == "aichi")
    served = {target.number: n for target, n, _ in aichi}
    assert served[11] == client.get(reverse("activities:list"), {"aichi": 11}).context["page"].paginator.count
    assert served[16] == 0
    assert rows  # both frameworks are there


def test_the_dashboard_marks_activities_not_updated_since_the_last_annual_meeting(client, plan, progress):
    MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), is_public=True)
    assert client.get(reverse("dashboard")).context["stale"] == []  # no meeting an anonymous reader may see
    client.force_login(member_of("Focal points", "focal"))

    response = client.get(reverse("dashboard"))

    stale = {a.number for a in response.context["stale"]}
    assert 11 not in stale and 20 not in stale  # updated since (recorded today)
    assert len(stale) == 26


def test_as_of_a_date_before_a_change_shows_the_old_status(client, plan, progress):
    url = reverse("activities:list")

    at_end_2017 = client.get(url, {"as_of": "2017-12-31", "cms": 5}).context["page"].object_list
    assert {a.number: a.status_shown for a in at_end_2017}[11] == Status.PLANNED
    assert client.get(url, {"as_of": "2016-01-01", "status": "planned"}).context["page"].paginator.count == 0
    assert [
        a.number for a in client.get(url, {"as_of": "2017-12-31", "status": "planned"}).context["page"]
    ] == [11]
    assert [a.number for a in client.get(url, {"status": "completed"}).context["page"]] == [11]
    dashboard = client.get(reverse("dashboard"), {"as_of": "2016-12-31"}).context
    assert {bar.value: bar.count for bar in dashboard["by_status"]}[Status.PLANNED] == 1
    matrix = client.get(reverse("coverage"), {"as_of": "2016-12-31"}).context["matrix"]
    cell = next(cells for target, _, cells in matrix if target.number == 5)[3]
    assert {a.number: a.status_shown for a in cell.activities}[11] == Status.PLANNED


@pytest.mark.parametrize(
    "path", ["/?as_of=yesterday", "/dashboard/?as_of=2017-02-30", "/coverage/?as_of=x", "/report/?as_of=1"]
)
def test_a_bad_as_of_date_is_a_form_error(client, plan, path):
    assert client.get(path).status_code == HTTPStatus.BAD_REQUEST


def test_comparison_lists_what_moved_between_two_dates_with_notes(client, plan, progress):
    response = client.get(reverse("compare"), {"start": "2016-12-31", "end": "2018-12-31"})

    moved = {a.number: (a.status_before, a.status_after) for a in response.context["activities"]}
    assert moved == {11: (Status.PLANNED, Status.COMPLETED), 20: (Status.NOT_REPORTED, Status.IN_PROGRESS)}
    assert "Guidelines out" in response.text and "Workshop" in response.text
    assert "Task force" not in response.text  # before the first date


def test_comparison_defaults_to_the_last_two_annual_meetings_the_reader_may_see(client, plan, progress):
    MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2016, 11, 15))
    MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28))
    assert client.get(reverse("compare")).context["start"] == datetime.date(plan.start_year, 1, 1)
    client.force_login(member_of("Secretariat staff", "staff"))

    response = client.get(reverse("compare"))

    assert (response.context["start"], response.context["end"]) == (
        datetime.date(2016, 11, 15),
        datetime.date(2017, 11, 28),
    )
    assert [a.number for a in response.context["activities"]] == [20]


def test_reversed_comparison_dates_are_a_form_error(client, plan):
    assert (
        client.get(reverse("compare"), {"start": "2018-01-01", "end": "2016-01-01"}).status_code
        == HTTPStatus.BAD_REQUEST
    )


def review_data(plan, meeting, **agreed):
    """A review with a row for every activity of the plan, as if staff had added them all."""
    data = {"meeting_version": meeting.version, "row": [a.pk for a in Activity.objects.filter(plan=plan)]}
    for item in Activity.objects.filter(plan=plan):
        status = agreed.get(f"a{item.number}", item.status)
        data.update(
            {
                f"a{item.pk}-agreed_status": status,
                f"a{item.pk}-note": "",
                f"a{item.pk}-next_step": "",
                f"a{item.pk}-version": item.version,
            }
        )
    return data


def test_a_meeting_review_applies_its_statuses_attributed_to_the_meeting(client, plan):
    client.force_login(member_of("Secretariat staff", "staff"))
    meeting = MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28))
    data = review_data(plan, meeting, a3="completed", a14="in_progress")
    data[f"a{activity(plan, 14).pk}-next_step"] = "Draft a joint statement"

    response = client.post(reverse("activities:meeting-review", args=[meeting.pk]), data, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert activity(plan, 3).status == Status.COMPLETED
    change = activity(plan, 14).status_changes.get()
    assert (change.meeting, change.effective_on, change.new_status, change.via) == (
        meeting,
        meeting.date,
        Status.IN_PROGRESS,
        Via.REVIEW,
    )
    assert ReviewItem.objects.filter(meeting=meeting).count() == 28
    assert "Draft a joint statement" in response.text  # the minutes
    assert "Status changes it made" in response.text


def test_a_review_with_a_conflicting_change_saves_nothing(client, plan):
    client.force_login(member_of("Secretariat staff", "staff"))
    meeting = MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28))
    data = review_data(plan, meeting, a3="completed", a14="in_progress")
    record_status(
        activity(plan, 14), Status.ON_HOLD, by=None, note="Meanwhile", effective_on=datetime.date(2017, 6, 1)
    )

    response = client.post(reverse("activities:meeting-review", args=[meeting.pk]), data)

    assert response.status_code == HTTPStatus.CONFLICT
    assert "Someone else changed" in response.text
    assert activity(plan, 3).status == Status.NOT_REPORTED
    assert activity(plan, 14).status == Status.ON_HOLD
    assert not ReviewItem.objects.exists()


def test_only_staff_review_and_only_annual_meetings(client, plan):
    meeting = MeetingFactory(plan=plan, kind=MeetingKind.ANNUAL)
    call = MeetingFactory(plan=plan, kind=MeetingKind.TELECONFERENCE)
    client.force_login(member_of("Focal points", "focal"))
    assert (
        client.post(
            reverse("activities:meeting-review", args=[meeting.pk]), review_data(plan, meeting)
        ).status_code
        == 403
    )
    client.force_login(member_of("Secretariat staff", "staff"))
    assert client.get(reverse("activities:meeting-review", args=[call.pk])).status_code == HTTPStatus.FOUND
    assert not ReviewItem.objects.exists()


def listed(client, query):
    return [
        [str(a.number), a.title]
        for a in client.get(reverse("activities:list"), query).context["page"].paginator.object_list
    ]


@pytest.mark.parametrize(
    "query", [{}, {"aichi": ["11", "12"]}, {"cms": "5", "sort": "-status"}, {"q": "marine"}]
)
def test_csv_and_xlsx_rows_equal_the_filtered_pages_rows(client, plan, progress, query):
    expected = listed(client, query)

    csv_rows = list(
        csv.reader(
            io.StringIO(
                b"".join(
                    client.get(reverse("activities:export", args=["csv"]), query).streaming_content
                ).decode("utf-8-sig")
            )
        )
    )
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("activities:export", args=["xlsx"]), query).content)
    )
    sheet = workbook["Activities"]
    xlsx_rows = [
        [str(cell) if cell is not None else "" for cell in row]
        for row in sheet.iter_rows(min_row=header_row(sheet), values_only=True)
    ]

    assert csv_rows[0] == xlsx_rows[0] and csv_rows[0][:2] == ["Number", "Title"]
    assert [row[:2] for row in csv_rows[1:]] == expected
    assert [row[:2] for row in xlsx_rows[1:]] == expected


def test_exports_neutralise_formulas(client, plan):
    ActivityFactory(
        plan=plan,
        number=99,
        title='=HYPERLINK("http://evil.example")',
        text="+1",
        targets=[Target.objects.get_by_natural_key("aichi", 11)],
    )

    content = b"".join(
        client.get(reverse("activities:export", args=["csv"]), {"aichi": 11}).streaming_content
    ).decode("utf-8-sig")

    assert "'=HYPERLINK" in content and "'+1" in content
    assert "\n99,=HYPERLINK" not in content


def test_exports_refuse_bad_filters_and_unknown_formats(client, plan):
    assert (
        client.get(reverse("activities:export", args=["csv"]), {"aichi": 99}).status_code
        == HTTPStatus.BAD_REQUEST
    )
    assert client.get("/activities.pdf").status_code == HTTPStatus.NOT_FOUND


def test_coverage_matrix_downloads_as_csv(client, plan):
    rows = list(
        csv.reader(
            io.StringIO(b"".join(client.get(reverse("coverage-csv")).streaming_content).decode("utf-8-sig"))
        )
    )

    assert rows[0][:2] == ["Migratory Species Target", "Aichi Target 1"]
    cms5 = next(row for row in rows if row[0] == "Migratory Species Target 5")
    assert cms5[4] == cms5[7] == "11; 12; 13; 14"
    assert len(rows) == 17


def test_the_report_shows_the_whole_plan_as_of_a_date(client, plan, progress):
    response = client.get(reverse("report"), {"as_of": "2017-12-31"})

    assert response.status_code == HTTPStatus.OK
    assert "as of 31 December 2017" in response.text
    for item in Activity.objects.filter(plan=plan):
        assert item.title in response.text


def test_a_review_starts_from_the_activities_the_meeting_discussed(client, plan):
    client.force_login(member_of("Secretariat staff", "staff"))
    discussed = [activity(plan, 3), activity(plan, 14)]
    meeting = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), activities=discussed
    )

    response = client.get(reverse("activities:meeting-review", args=[meeting.pk]))

    assert [a.number for a, _ in response.context["rows"]] == [3, 14]
    assert len(response.context["others"]) == 26
    assert "Add other activities to the review (26 not in it)" in response.text


def test_adding_activities_to_a_review_keeps_what_was_typed_and_saves_nothing(client, plan):
    client.force_login(member_of("Secretariat staff", "staff"))
    meeting = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), activities=[activity(plan, 3)]
    )
    url = reverse("activities:meeting-review", args=[meeting.pk])
    data = form_data(client.get(url))
    data[f"a{activity(plan, 3).pk}-note"] = "Report presented"

    response = client.post(url, {**data, "add": [activity(plan, 20).pk], "add_rows": "1"})

    assert response.status_code == HTTPStatus.OK
    assert [a.number for a, _ in response.context["rows"]] == [3, 20]
    assert "Report presented" in response.text
    assert not ReviewItem.objects.exists()
    # Saving then reviews both, and the meeting is recorded as having discussed both.
    again = form_data(response)
    again[f"a{activity(plan, 20).pk}-agreed_status"] = "completed"
    assert client.post(url, again).status_code == HTTPStatus.FOUND
    assert sorted(ReviewItem.objects.values_list("activity__number", flat=True)) == [3, 20]
    assert sorted(meeting.activities.values_list("number", flat=True)) == [3, 20]


def test_the_minutes_show_the_reviewed_rows_and_the_confirmation_counts_in_words(client, plan):
    client.force_login(member_of("Secretariat staff", "staff"))
    discussed = [activity(plan, n) for n in (3, 9, 14, 20)]
    meeting = MeetingFactory(
        plan=plan, kind=MeetingKind.ANNUAL, date=datetime.date(2017, 11, 28), activities=discussed
    )
    url = reverse("activities:meeting-review", args=[meeting.pk])
    data = form_data(client.get(url))
    for number in (3, 9, 14):
        data[f"a{activity(plan, number).pk}-agreed_status"] = "in_progress"

    response = client.post(url, data, follow=True)

    assert "Saved the review: 3 statuses changed." in response.text
    minutes = response.context["meeting"].review_items.all()
    assert [item.activity.number for item in minutes] == [3, 9, 14, 20]
    assert activity(plan, 4).title not in response.text
