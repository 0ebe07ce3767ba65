"""Arbitrary input, as every role: never a server error, and refused input changes nothing."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import Activity, Meeting
from tests.conftest import member_of
from tests.factories import MeetingFactory
from workplan.backup import data_models

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ROLES = [None, "Focal points", "Secretariat staff", "admin"]
FILTER_KEYS = ["cms", "aichi", "status", "lead", "owner", "q", "sort", "page", "kind"]
text = st.text(max_size=300)
values = st.one_of(
    text, st.integers(-(10**12), 10**12).map(str), st.sampled_from(["", "0", "1", "11", "-1", "1e9", "null"])
)
queries = st.lists(st.tuples(st.one_of(st.sampled_from(FILTER_KEYS), text), values), max_size=8)
forms = st.dictionaries(
    st.one_of(
        st.sampled_from(
            [
                "status",
                "effective_on",
                "note",
                "owners",
                "version",
                "kind",
                "date",
                "place",
                "participants",
                "notes",
                "is_public",
                "activities",
                "seen_version",
                "username",
                "password",
            ]
        ),
        text,
    ),
    values,
    max_size=12,
)


def client_for(role, django_user_model) -> Client:
    client = Client()
    if role == "admin":
        client.force_login(
            django_user_model.objects.get_or_create(
                username="root", defaults={"is_superuser": True, "is_staff": True}
            )[0]
        )
    elif role:
        client.force_login(member_of(role, role.split()[0].lower()))
    return client


def database_state() -> dict:
    """Count and content of every table of the application's data."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in data_models()
    }


@pytest.fixture
def pages(plan):
    meeting = MeetingFactory(plan=plan, is_public=True)
    activity = Activity.objects.get(plan=plan, number=14)
    return {
        "list": reverse("activities:list"),
        "meetings": reverse("activities:meeting-list"),
        "targets": reverse("target-list"),
        "coverage": reverse("coverage"),
        "activity": activity.get_absolute_url(),
        "progress": reverse("activities:update-progress", args=[activity.pk]),
        "meeting-new": reverse("activities:meeting-create"),
        "meeting-edit": reverse("activities:meeting-edit", args=[meeting.pk]),
        "login": reverse("login"),
    }


@pytest.mark.parametrize("role", ROLES)
def test_any_query_string_on_any_list_gets_a_page_or_a_4xx(pages, role, django_user_model):
    client = client_for(role, django_user_model)
    before = database_state()

    @FUZZ
    @given(query=queries, page=st.sampled_from(["list", "meetings", "targets", "coverage"]))
    def check(query, page):
        response = client.get(pages[page], query)
        assert response.status_code < 500

    check()
    assert database_state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("form", ["progress", "meeting-new", "meeting-edit", "login"])
def test_any_form_data_gets_a_form_error_or_a_4xx_and_changes_nothing_when_refused(
    pages, role, form, django_user_model
):
    client = client_for(role, django_user_model)

    @FUZZ
    @given(data=forms)
    def check(data):
        before = database_state()
        response = client.post(pages[form], data)
        assert response.status_code < 500
        if response.status_code != HTTPStatus.FOUND or form == "login":
            # Refused, or a sign-in attempt (which never changes the plan): the data is as it was.
            assert database_state() == before

    check()


@pytest.mark.parametrize(
    "path",
    [
        "/activities/0/",
        "/activities/99999999999999999999/",
        "/activities/abc/",
        "/targets/aichi/0/",
        "/targets/%00/1/",
        "/meetings/999999/",
    ],
)
def test_unknown_ids_and_wrong_types_are_not_found(client, plan, path):
    client.force_login(member_of("Secretariat staff", "staff"))

    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("note", "x" * 2001),
        ("effective_on", "2017-02-30"),
        ("effective_on", "2017/31/12"),
        ("version", "1" * 30),
        ("owners", "x"),
    ],
)
def test_oversized_fields_and_invalid_dates_are_form_errors(client, plan, field, value):
    client.force_login(member_of("Secretariat staff", "staff"))
    activity = Activity.objects.get(plan=plan, number=5)
    data = {"status": "planned", "effective_on": "2017-01-01", "note": "", "version": 0, field: value}

    response = client.post(reverse("activities:update-progress", args=[activity.pk]), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not activity.status_changes.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("place", "x" * 201), ("date", "2017-13-01"), ("kind", "party"), ("activities", "abc")],
)
def test_oversized_or_invalid_meeting_fields_are_form_errors(client, plan, field, value):
    client.force_login(member_of("Secretariat staff", "staff"))
    data = {"kind": "annual", "date": "2017-01-01", "place": "Bonn", field: value}

    response = client.post(reverse("activities:meeting-create"), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "[::1", "a" * 300])
def test_unknown_host_headers_are_refused(client, plan, host):
    assert client.get("/", headers={"host": host}).status_code == HTTPStatus.BAD_REQUEST
