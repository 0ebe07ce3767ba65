import datetime
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Meeting, Status, StatusChange
from core.pagination import PAGE_SIZE
from targets.models import Target
from tests.conftest import member_of
from tests.factories import ActivityFactory, MeetingFactory, UserFactory, record_status
from workplan.coverage import CELL_LIMIT

ROLES = [None, "focal", "staff", "admin"]


def numbers(response) -> list[int]:
    return [activity.number for activity in response.context["page"].object_list]


@pytest.fixture
def meetings(plan):
    activity = Activity.objects.get(plan=plan, number=3)
    return {
        "public": MeetingFactory(plan=plan, is_public=True, notes="Public notes", activities=[activity]),
        "private": MeetingFactory(
            plan=plan, is_public=False, notes="Secretariats only notes", activities=[activity]
        ),
    }


def page_urls(plan, meetings):
    activity = Activity.objects.get(plan=plan, number=14)
    return {
        "list": reverse("activities:list"),
        "detail": activity.get_absolute_url(),
        "targets": reverse("target-list"),
        "target": Target.objects.get_by_natural_key("aichi", 11).get_absolute_url(),
        "coverage": reverse("coverage"),
        "meetings": reverse("activities:meeting-list"),
        "public meeting": meetings["public"].get_absolute_url(),
        "private meeting": meetings["private"].get_absolute_url(),
        "new meeting": reverse("activities:meeting-create"),
        "edit meeting": reverse("activities:meeting-edit", args=[meetings["private"].pk]),
        "login": reverse("login"),
    }


OK, LOGIN, FORBIDDEN, NOT_FOUND = HTTPStatus.OK, HTTPStatus.FOUND, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND
EXPECTED = {
    #                  anonymous  focal      staff  admin
    "list": [OK, OK, OK, OK],
    "detail": [OK, OK, OK, OK],
    "targets": [OK, OK, OK, OK],
    "target": [OK, OK, OK, OK],
    "coverage": [OK, OK, OK, OK],
    "meetings": [LOGIN, OK, OK, OK],
    "public meeting": [LOGIN, OK, OK, OK],
    "private meeting": [LOGIN, NOT_FOUND, OK, OK],
    "new meeting": [LOGIN, FORBIDDEN, OK, OK],
    "edit meeting": [LOGIN, FORBIDDEN, OK, OK],
    "login": [OK, LOGIN, LOGIN, LOGIN],
}


@pytest.mark.parametrize(("role_index", "role"), list(enumerate(ROLES)))
@pytest.mark.parametrize("page", EXPECTED)
def test_every_page_answers_each_role_as_expected(client_as, plan, meetings, page, role_index, role):
    client = client_as(role)

    response = client.get(page_urls(plan, meetings)[page])

    assert response.status_code == EXPECTED[page][role_index]
    if response.status_code == LOGIN and page != "login":
        assert response.url.startswith(reverse("login"))


def progress_data(activity, **changes):
    data = {
        "status": Status.IN_PROGRESS,
        "effective_on": timezone.localdate().isoformat(),
        "note": "Task force met",
        "version": activity.version,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("role", "expected"), [(None, LOGIN), ("focal", FORBIDDEN)])
def test_a_status_update_by_someone_not_allowed_changes_nothing(client_as, plan, role, expected):
    activity = Activity.objects.get(plan=plan, number=11)
    client = client_as(role)

    response = client.post(reverse("activities:update-progress", args=[activity.pk]), progress_data(activity))

    assert response.status_code == expected
    activity.refresh_from_db()
    assert (activity.status, activity.version) == (Status.NOT_REPORTED, 0)
    assert not StatusChange.objects.exists()


def test_a_get_to_the_status_update_url_does_nothing(client_as, plan):
    activity = Activity.objects.get(plan=plan, number=11)

    response = client_as("staff").get(
        reverse("activities:update-progress", args=[activity.pk]), progress_data(activity)
    )

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not StatusChange.objects.exists()


def test_staff_update_a_status_with_a_note_and_see_it_in_the_history(client_as, plan):
    activity = Activity.objects.get(plan=plan, number=11)
    client = client_as("staff")
    owner = member_of("Secretariat staff", "ana")
    owner.first_name, owner.last_name = "Ana", "Moreno"
    owner.save()

    response = client.post(
        reverse("activities:update-progress", args=[activity.pk]),
        progress_data(activity, effective_on="2017-03-01", owners=[owner.pk]),
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    activity.refresh_from_db()
    assert activity.status == Status.IN_PROGRESS
    assert list(activity.owners.all()) == [owner]
    change = activity.status_changes.get()
    assert (change.old_status, change.new_status, change.note) == (
        Status.NOT_REPORTED,
        Status.IN_PROGRESS,
        "Task force met",
    )
    assert change.effective_on == datetime.date(2017, 3, 1)
    assert change.changed_by.username == "staff"
    assert "status now in progress" in response.text
    assert "Task force met" in response.text


def test_a_stale_status_update_is_refused_and_shows_the_other_change(client_as, plan):
    activity = Activity.objects.get(plan=plan, number=12)
    opened = progress_data(activity)  # both people opened the page at this version
    first = UserFactory(username="first", first_name="Maria", last_name="Lopez")
    record_status(activity, Status.PLANNED, by=first, note="Side event booked")

    response = client_as("staff").post(
        reverse("activities:update-progress", args=[activity.pk]), {**opened, "status": Status.ON_HOLD}
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert "Someone else changed this activity" in response.text
    assert "Maria Lopez" in response.text
    assert "Side event booked" in response.text
    activity.refresh_from_db()
    assert activity.status == Status.PLANNED
    assert activity.status_changes.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "finished-ish"}, "status"),
        ({"effective_on": "2099-01-01"}, "effective_on"),
        ({"effective_on": "2015-12-31"}, "effective_on"),
        ({"effective_on": "yesterday"}, "effective_on"),
        ({"version": "x"}, "version"),
        ({"owners": ["999999"]}, "owners"),
    ],
)
def test_a_bad_status_update_is_a_form_error_and_changes_nothing(client_as, plan, changes, field):
    activity = Activity.objects.get(plan=plan, number=12)

    response = client_as("staff").post(
        reverse("activities:update-progress", args=[activity.pk]), progress_data(activity, **changes)
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.context["form"].errors
    activity.refresh_from_db()
    assert (activity.status, activity.version) == (Status.NOT_REPORTED, 0)


def test_a_status_update_for_an_unknown_activity_is_not_found(client_as, plan):
    response = client_as("staff").post(reverse("activities:update-progress", args=[99999]), {})

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cms=5", [11, 12, 13, 14]),
        ("aichi=12", [14, 18, 19]),
        ("aichi=11", [19, 20, 21, 22]),
        ("aichi=11&aichi=12", [14, 18, 19, 20, 21, 22]),
        ("cms=8&aichi=11", [19]),
        ("aichi=11&q=EBSA", [22]),
        ("q=marine+debris", [13]),
        ("cms=3", []),
        ("aichi=16", []),
    ],
)
def test_filters_give_exactly_the_plans_activities(client, plan, query, expected):
    response = client.get(f"{reverse('activities:list')}?{query}")

    assert response.status_code == HTTPStatus.OK
    assert numbers(response) == expected
    assert f"{len(expected)} activit" in response.text


def test_status_owner_and_lead_filters_combine_with_targets(client, plan):
    owner = UserFactory(username="owner")
    for number in (11, 12):
        record_status(Activity.objects.get(plan=plan, number=number), Status.IN_PROGRESS, by=owner)
    Activity.objects.get(plan=plan, number=12).owners.add(owner)

    url = reverse("activities:list")
    assert numbers(client.get(url, {"cms": 5, "status": "in_progress"})) == [11, 12]
    assert numbers(client.get(url, {"cms": 5, "status": "in_progress", "owner": owner.pk})) == [12]
    assert numbers(client.get(url, {"cms": 5, "lead": "CBD"})) == []


def test_the_list_sorts_by_status_target_and_last_update(client, plan):
    record_status(Activity.objects.get(plan=plan, number=20), Status.COMPLETED, by=None)
    record_status(Activity.objects.get(plan=plan, number=5), Status.PLANNED, by=None)
    url = reverse("activities:list")

    assert numbers(client.get(url, {"sort": "-updated"}))[:2] == [5, 20]
    assert numbers(client.get(url, {"sort": "updated"}))[:3] == [1, 2, 3]  # never updated: oldest
    assert numbers(client.get(url, {"sort": "updated", "page": 2}))[-2:] == [20, 5]
    assert numbers(client.get(url, {"sort": "-status"}))[0] == 20
    by_target = numbers(client.get(url, {"sort": "-target", "aichi": [11, 12]}))
    assert by_target == [20, 21, 22, 18, 19, 14]
    every = numbers(client.get(url, {"sort": "target"})) + numbers(
        client.get(url, {"sort": "target", "page": 2})
    )
    cross_cutting = set(Activity.objects.filter(plan=plan).outside_rows().values_list("number", flat=True))
    assert set(every[-len(cross_cutting) :]) == cross_cutting  # serving no target: last, on every database


@pytest.mark.parametrize(
    "query",
    [
        "aichi=99",
        "cms=abc",
        "status=bogus",
        "lead=nobody",
        "owner=abc",
        "owner=0",
        "owner=99999999999999999999",
        "sort=password",
        "aichi=11&cms=%27%20OR%201%3D1--",
        "q=" + "x" * 500,
    ],
)
def test_a_filter_value_that_makes_no_sense_is_a_form_error(client, plan, query):
    response = client.get(f"{reverse('activities:list')}?{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.context["filter"].errors
    assert "Some filters could not be used" in response.text


def test_someone_who_owns_nothing_lists_nothing(client, plan):
    response = client.get(reverse("activities:list"), {"owner": 999999})
    assert response.status_code == HTTPStatus.OK
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0"])
def test_a_page_number_that_makes_no_sense_shows_a_page(client, plan, page):
    response = client.get(reverse("activities:list"), {"page": page})

    assert response.status_code == HTTPStatus.OK
    assert response.context["page"].object_list


def test_the_list_is_paginated_and_keeps_the_filters(client, plan):
    response = client.get(reverse("activities:list"), {"sort": "status"})

    assert len(response.context["page"].object_list) == 25
    assert 'href="?sort=status&amp;page=2"' in response.text
    assert (
        len(client.get(reverse("activities:list"), {"sort": "status", "page": 2}).context["page"].object_list)
        == 3
    )


def test_every_filter_has_a_label_people_understand(client, plan):
    form = client.get(reverse("activities:list")).context["filter"].form

    assert [field.label for field in form] == [
        "Migratory Species Targets",
        "Aichi Targets",
        "Status",
        "Lead",
        "Owner",
        "Words in the title or text",
        "Status as of",
        "Overdue",
        "Sort by",
    ]


def test_each_row_shows_targets_with_their_text_status_and_owners(client, plan):
    activity = Activity.objects.get(plan=plan, number=22)
    activity.owners.add(UserFactory(first_name="Kim", last_name="Ng"))

    response = client.get(reverse("activities:list"), {"aichi": 11})

    assert "CMS 10" in response.text and "Aichi 11" in response.text
    assert Target.objects.get_by_natural_key("aichi", 11).text in response.text
    row = re.search(
        rf'<tr>(?:(?!</tr>).)*href="{activity.get_absolute_url()}".*?</tr>', response.text, re.S
    ).group(0)
    assert "Kim Ng" in row
    assert 'class="status status-not_reported">Not yet reported' in row  # its status, not the filter's


def test_the_activity_page_shows_what_the_plan_says_and_what_was_recorded(client_as, plan, meetings):
    activity = Activity.objects.get(plan=plan, number=3)
    record_status(
        activity,
        Status.IN_PROGRESS,
        by=UserFactory(first_name="Li", last_name="Wei"),
        note="2016 meeting held",
    )

    anonymous = client_as(None).get(activity.get_absolute_url())
    assert activity.text in anonymous.text
    assert "cross-cutting commitment" in anonymous.text
    assert "Li Wei" in anonymous.text and "2016 meeting held" in anonymous.text
    assert "Update progress" not in anonymous.text
    assert str(meetings["public"]) not in anonymous.text

    cpw = client_as(None).get(Activity.objects.get(plan=plan, number=14).get_absolute_url())
    assert "Row 4: Migratory Species Target 5, Aichi Target 4, Aichi Target 7" in cpw.text
    assert "Collaborative Partnership on Sustainable Wildlife Management" in cpw.text
    assert Target.objects.get_by_natural_key("aichi", 12).text in cpw.text


def test_meetings_show_on_activity_pages_to_those_who_may_read_them(client_as, plan, meetings):
    url = Activity.objects.get(plan=plan, number=3).get_absolute_url()

    focal = client_as("focal").get(url)
    assert meetings["public"].get_absolute_url() in focal.text
    assert meetings["private"].get_absolute_url() not in focal.text


def test_staff_see_every_meeting_and_its_notes(client_as, plan, meetings):
    client = client_as("staff")

    assert "Secretariats only notes" in client.get(meetings["private"].get_absolute_url()).text
    listed = client.get(reverse("activities:meeting-list")).context["page"].object_list
    assert set(listed) == set(meetings.values())


def test_focal_points_see_public_meetings_only(client_as, plan, meetings):
    client = client_as("focal")

    listed = client.get(reverse("activities:meeting-list")).context["page"].object_list
    assert list(listed) == [meetings["public"]]
    assert "Public notes" in client.get(meetings["public"].get_absolute_url()).text


def test_meetings_list_filters_by_kind_and_refuses_an_unknown_kind(client_as, plan, meetings):
    client = client_as("staff")
    MeetingFactory(plan=plan, kind="teleconference")

    assert [
        m.kind
        for m in client.get(reverse("activities:meeting-list"), {"kind": "teleconference"}).context["page"]
    ] == ["teleconference"]
    assert (
        client.get(reverse("activities:meeting-list"), {"kind": "party"}).status_code
        == HTTPStatus.BAD_REQUEST
    )


def meeting_data(plan, **changes):
    data = {
        "kind": "annual",
        "date": "2017-11-28",
        "place": "Bonn",
        "participants": "A. Person\nB. Person",
        "notes": "First paragraph.\n\nSecond <script>alert(1)</script> paragraph.",
        "is_public": "",
        "activities": [a.pk for a in Activity.objects.filter(plan=plan, number__in=[3, 14])],
        "seen_version": 0,
    }
    data.update(changes)
    return data


def test_staff_record_a_meeting_and_it_appears_on_the_activities_discussed(client_as, plan):
    client = client_as("staff")

    response = client.post(reverse("activities:meeting-create"), meeting_data(plan), follow=True)

    assert response.status_code == HTTPStatus.OK
    meeting = Meeting.objects.get()
    assert meeting.plan == plan
    assert "<p>First paragraph.</p>" in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    assert "<script>alert" not in response.text
    activity_page = client.get(Activity.objects.get(plan=plan, number=14).get_absolute_url())
    assert meeting.get_absolute_url() in activity_page.text


def test_staff_edit_a_meeting(client_as, plan, meetings):
    meeting = meetings["private"]

    response = client_as("staff").post(
        reverse("activities:meeting-edit", args=[meeting.pk]),
        meeting_data(plan, notes="Corrected", is_public="on"),
    )

    assert response.status_code == HTTPStatus.FOUND
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.is_public) == ("Corrected", True)


@pytest.mark.parametrize(("role", "expected"), [(None, LOGIN), ("focal", FORBIDDEN)])
def test_recording_or_editing_a_meeting_when_not_allowed_changes_nothing(
    client_as, plan, meetings, role, expected
):
    client = client_as(role)
    meeting = meetings["public"]

    created = client.post(reverse("activities:meeting-create"), meeting_data(plan))
    edited = client.post(
        reverse("activities:meeting-edit", args=[meeting.pk]), meeting_data(plan, notes="Hacked")
    )

    assert created.status_code == edited.status_code == expected
    assert Meeting.objects.count() == 2
    meeting.refresh_from_db()
    assert meeting.notes == "Public notes"


@pytest.mark.parametrize(
    "changes", [{"date": "not a date"}, {"kind": "party"}, {"date": "1900-01-01"}, {"activities": ["999999"]}]
)
def test_a_bad_meeting_is_a_form_error_and_saves_nothing(client_as, plan, changes):
    response = client_as("staff").post(reverse("activities:meeting-create"), meeting_data(plan, **changes))

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Meeting.objects.exists()


def test_targets_page_counts_activities_and_marks_targets_with_none(client, plan):
    response = client.get(reverse("target-list"))

    targets = {
        (target.framework.slug, target.number): target
        for framework in response.context["frameworks"]
        for target in framework.targets.all()
    }
    assert targets[("cms", 5)].activity_count == 4
    assert targets[("aichi", 12)].activity_count == 3
    assert [key for key, target in targets.items() if not target.activity_count] == [
        ("cms", 3),
        ("cms", 9),
        ("aichi", 16),
    ]
    assert "Strategic Goal C" in response.text


def test_target_page_shows_its_text_its_pairs_and_its_activities(client, plan):
    target = Target.objects.get_by_natural_key("cms", 5)

    response = client.get(target.get_absolute_url())

    assert target.text in response.text
    assert [str(t) for t in response.context["paired"]] == ["Aichi Target 4", "Aichi Target 7"]
    assert [a.number for a in response.context["page"]] == [11, 12, 13, 14]


def test_a_target_page_shows_its_activities_a_page_at_a_time(client, plan):
    target = Target.objects.get_by_natural_key("aichi", 16)
    added = [ActivityFactory(plan=plan, targets=[target]) for _ in range(PAGE_SIZE + 5)]

    first = client.get(target.get_absolute_url())
    second = client.get(target.get_absolute_url(), {"page": 2})

    assert f"{len(added)} joint activities" in first.text
    shown = [a.pk for a in first.context["page"]] + [a.pk for a in second.context["page"]]
    assert shown == [a.pk for a in added]
    assert 'rel="next"' in first.text


def test_a_long_list_offers_a_few_page_links_around_the_current_one(client, plan, monkeypatch):
    monkeypatch.setattr("core.pagination.PAGE_SIZE", 1)

    response = client.get(reverse("activities:list"), {"page": 14})

    assert [a.number for a in response.context["page"]] == [14]
    assert '<span aria-current="page">14</span>' in response.text
    assert 'href="?page=28"' in response.text
    assert 'href="?page=5"' not in response.text
    assert response.text.count('<span class="gap muted">…</span>') == 2


def test_an_unknown_target_is_not_found(client, plan):
    assert client.get("/targets/aichi/99/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/targets/gbf/1/").status_code == HTTPStatus.NOT_FOUND


def test_coverage_matrix_lists_the_activities_serving_both_targets_and_marks_the_plans_pairs(client, plan):
    response = client.get(reverse("coverage"))

    cells = {
        (row.number, cell.column.number): cell
        for row, _, row_cells in response.context["matrix"]
        for cell in row_cells
    }

    def listed(cms, aichi):
        return [a.number for a in cells[(cms, aichi)].activities]

    assert listed(5, 4) == listed(5, 7) == [11, 12, 13, 14]
    assert listed(8, 12) == [14, 18, 19]
    assert cells[(5, 4)].paired and cells[(8, 12)].paired
    # Activity 14 stands under rows 4 (CMS 5) and 7 (Aichi 12): it serves both, though no row pairs them.
    assert listed(5, 12) == [14] and not cells[(5, 12)].paired
    assert listed(5, 16) == [] and not cells[(5, 16)].paired
    assert [str(t) for t in response.context["uncovered"]] == [
        "Migratory Species Target 3",
        "Migratory Species Target 9",
        "Aichi Target 16",
    ]


def test_an_activity_added_outside_the_rows_appears_under_its_targets_pair(client, plan):
    added = ActivityFactory(
        plan=plan,
        targets=[Target.objects.get_by_natural_key("cms", 3), Target.objects.get_by_natural_key("aichi", 16)],
    )

    response = client.get(reverse("coverage"))

    assert added.get_absolute_url() in response.text
    assert [str(t) for t in response.context["uncovered"]] == ["Migratory Species Target 9"]


def test_a_crowded_coverage_cell_shows_its_count_and_links_to_the_filtered_list(client, plan):
    pair = [Target.objects.get_by_natural_key("cms", 3), Target.objects.get_by_natural_key("aichi", 16)]
    added = [ActivityFactory(plan=plan, targets=pair) for _ in range(CELL_LIMIT + 1)]

    response = client.get(reverse("coverage"))

    cell = next(cells for row, _, cells in response.context["matrix"] if row.number == 3)[15]
    assert (cell.count, cell.activities) == (CELL_LIMIT + 1, [])
    assert 'href="/?cms=3&amp;aichi=16"' in response.text
    listed = client.get(cell.list_url).context["page"].paginator.count
    assert listed == len(added)
    as_of = client.get(reverse("coverage"), {"as_of": "2017-01-01"})
    assert 'href="/?cms=3&amp;aichi=16&amp;as_of=2017-01-01"' in as_of.text
    download = b"".join(client.get(reverse("coverage-csv")).streaming_content).decode("utf-8-sig")
    assert "; ".join(str(activity.number) for activity in added) in download


def test_every_page_can_require_sign_in(client, plan, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]

    for url in [reverse("activities:list"), reverse("target-list"), reverse("coverage")]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response.url.startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == HTTPStatus.OK


def test_sign_in_and_out_with_the_sites_pages(client, plan, django_user_model):
    django_user_model.objects.create_user("maria", password="a long enough passphrase")

    wrong = client.post(reverse("login"), {"username": "maria", "password": "nope"})
    assert "do not match" in wrong.text
    signed_in = client.post(
        reverse("login"), {"username": "maria", "password": "a long enough passphrase"}, follow=True
    )
    assert "Signed in as" in signed_in.text
    signed_out = client.post(reverse("logout"), follow=True)
    assert "Sign in" in signed_out.text and "Signed in as" not in signed_out.text
