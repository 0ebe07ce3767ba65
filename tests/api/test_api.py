"""The read-only JSON API: it answers as its OpenAPI schema says, and agrees with export_plan."""

import io
import json
from http import HTTPStatus

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.stateful import run_state_machine_as_test
from rest_framework.authtoken.models import Token

from activities.models import Activity, Status
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status


@pytest.fixture
def api_schema(plan):
    MeetingFactory(plan=plan, is_public=True, activities=list(Activity.objects.filter(plan=plan)[:3]))
    MeetingFactory(plan=plan, is_public=False, notes="Secretariats only")
    # As Django's test client does: a request must not close the test's database connection.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


@pytest.fixture
def staff_token(db):
    return {
        "Authorization": f"Token {Token.objects.create(user=member_of('Secretariat staff', 'api-staff')).key}"
    }


def test_every_documented_endpoint_answers_as_its_schema_says_with_every_check(api_schema, staff_token):
    """Schemathesis with all its checks, positive data acceptance included: every value the
    schema allows is accepted, every answer matches the schema, as anonymous and as staff."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 8  # a list and a detail for each of the four resources

    for operation in operations:
        for headers in ({}, staff_token):
            check_operation(operation, headers)


def check_operation(operation, headers):
    @given(case=operation.as_strategy())
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    def answers_as_documented(case):
        case.call_and_validate(headers=headers)

    answers_as_documented()


def test_the_schema_links_each_list_to_its_details_and_the_links_lead_there(api_schema, staff_token, client):
    """Each list links to the detail of its first item; following every link, as staff, reaches
    a detail that answers as documented (schemathesis's stateful run, all checks)."""

    class Staff(api_schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": staff_token}

    run_state_machine_as_test(
        Staff,
        settings=settings(
            max_examples=10, stateful_step_count=3, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
    # Then, with Django's test client (which reconnects what the schemathesis run disconnected):
    schema = client.get("/api/schema/?format=json").json()
    followed = set()
    for methods in schema["paths"].values():
        links = methods.get("get", {}).get("responses", {}).get("200", {}).get("links", {})
        for link in links.values():
            detail = next(
                (path, op)
                for path, ops in schema["paths"].items()
                for op in ops.values()
                if op.get("operationId") == link["operationId"]
            )
            list_path = next(
                path for path, ops in schema["paths"].items() if ops.get("get") is methods.get("get")
            )
            ((name, expression),) = link["parameters"].items()
            first = client.get(list_path, headers=staff_token).json()["results"][0]
            url = detail[0].replace("{" + name + "}", str(first[expression.rsplit("/", 1)[1]]))
            assert client.get(url, headers=staff_token).status_code == 200, url
            followed.add(detail[0])
    assert followed == {
        "/api/activities/{id}/",
        "/api/targets/{id}/",
        "/api/rows/{position}/",
        "/api/meetings/{id}/",
    }


def test_the_schema_is_valid_openapi_without_warnings(plan, tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", file=str(schema))  # exits non-zero if not
    text = schema.read_text()
    assert "openapi: 3" in text
    for path in ("/api/activities/", "/api/meetings/{id}/", "/api/rows/{position}/", "/api/targets/{id}/"):
        assert f"  {path}:" in text, path


def test_activities_filter_exactly_like_the_list_page(client, plan):
    for query in ["cms=5", "aichi=11&aichi=12", "aichi=11&q=EBSA", "status=not_reported&cms=8"]:
        api = client.get(f"/api/activities/?{query}&page_size=200").json()
        page = client.get(f"/?{query}").context["page"].paginator.object_list
        assert api["results"], query  # something to compare
        assert [item["number"] for item in api["results"]] == [a.number for a in page], query


def test_an_invalid_filter_is_a_400_with_a_clear_message(client, plan):
    response = client.get("/api/activities/?aichi=99&status=finished")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert set(response.json()) == {"aichi", "status"}
    assert "99 is not one of the available choices" in response.json()["aichi"][0]


def test_fields_agree_with_export_plan(client, plan):
    record_status(Activity.objects.get(plan=plan, number=14), Status.PLANNED, by=None)
    out = io.StringIO()
    call_command("export_plan", stdout=out)
    exported = json.loads(out.getvalue())

    api_activities = client.get("/api/activities/?page_size=200").json()["results"]
    api_rows = client.get("/api/rows/").json()["results"]
    keys = [
        "id",
        "number",
        "title",
        "text",
        "lead",
        "status",
        "migratory_species_targets",
        "aichi_targets",
        "owners",
        "references",
    ]
    assert [{k: a[k] for k in keys} for a in api_activities] == [
        {k: a[k] for k in keys} for a in exported["activities"]
    ]
    assert api_rows == [
        {k: r[k] for k in ("position", "migratory_species_targets", "aichi_targets", "activities")}
        for r in exported["rows"]
    ]


def test_the_api_reads_meetings_by_the_pages_rule_with_a_session_or_a_token(client, plan):
    MeetingFactory(plan=plan, is_public=True, notes="Public")
    hidden = MeetingFactory(plan=plan, is_public=False, notes="Secretariats only")

    def notes(**headers):
        return [m["notes"] for m in client.get("/api/meetings/", headers=headers).json()["results"]]

    assert notes() == []
    client.force_login(member_of("Focal points", "focal"))
    assert notes() == ["Public"]
    assert client.get(f"/api/meetings/{hidden.pk}/").status_code == HTTPStatus.NOT_FOUND
    client.logout()
    token = Token.objects.create(user=member_of("Secretariat staff", "staff"))
    assert sorted(notes(Authorization=f"Token {token.key}")) == ["Public", "Secretariats only"]
    assert client.get("/api/meetings/", headers={"Authorization": "Token wrong"}).status_code == 401


def test_the_api_is_read_only(client, plan):
    activity = Activity.objects.get(plan=plan, number=4)

    for method in (client.post, client.put, client.patch, client.delete):
        assert (
            method(f"/api/activities/{activity.pk}/", {"status": "completed"}).status_code
            == HTTPStatus.METHOD_NOT_ALLOWED
        )
    activity.refresh_from_db()
    assert activity.status == Status.NOT_REPORTED
