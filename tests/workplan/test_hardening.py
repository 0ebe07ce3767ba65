"""Issue 13: what an independent hostile test found, each with a test that failed before."""

import csv
import io
from http import HTTPStatus
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Status
from targets.models import Framework
from tests.conftest import member_of
from tests.factories import UserFactory, record_status

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_security_headers(response, where):
    for name, value in HEADERS.items():
        assert response.get(name) == value, (where, name, response.get(name))
    policy = response.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, where


def test_every_kind_of_response_carries_the_same_security_headers(client, plan):
    answers = {
        "page": client.get(reverse("activities:list")),
        "not found": client.get("/no-such-page/"),
        "static file": client.get("/static/css/site.css"),
        "API answer": client.get("/api/activities/"),
        "bad host": client.get("/", HTTP_HOST="evil.example"),
        "health check": client.get("/healthz"),
    }
    assert answers["bad host"].status_code == HTTPStatus.BAD_REQUEST
    assert answers["static file"].status_code == HTTPStatus.OK
    for where, response in answers.items():
        assert_security_headers(response, where)
        response.close()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/activities/activity/?status__exact=%00",
        "/admin/activities/activity/?q=%00",
        "/?q=a%00b",
        "/?status=%00",
        "/api/activities/?q=%00",
        "/accounts/login/?next=%00",
    ],
)
def test_a_nul_character_anywhere_is_a_bad_request_not_a_server_error(db, admin_client, url):
    assert admin_client.get(url).status_code == HTTPStatus.BAD_REQUEST


def test_a_nul_character_in_a_form_is_a_bad_request_and_changes_nothing(client, plan):
    activity = Activity.objects.get(plan=plan, number=11)
    client.force_login(member_of("Secretariat staff", "staff"))
    response = client.post(
        reverse("activities:update-progress", args=[activity.pk]),
        {"status": "planned", "effective_on": "2017-01-01", "note": "a\x00b", "version": activity.version},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not activity.status_changes.exists()


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_username_of_any_length_is_a_failed_sign_in_not_a_server_error(db, url):
    client = Client()
    for length in (151, 256, 1000):
        response = client.post(url, {"username": "u" * length, "password": "wrong password here"})
        assert response.status_code == HTTPStatus.OK, length
        errors = response.context["form"].non_field_errors()
        assert [error.code for error in errors.as_data()] == ["invalid_login"], length
        assert "_auth_user_id" not in client.session


def test_wrong_current_passwords_count_with_the_sign_in_lockout(db, client, settings):
    user = UserFactory(username="walter")
    user.set_password("the right passphrase 1")
    user.save()
    client.force_login(user)
    url = reverse("password_change")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            url,
            {"old_password": "a wrong guess", "new_password1": "x" * 14, "new_password2": "x" * 14},
        )
    refused = client.post(
        url,
        {"old_password": "the right passphrase 1", "new_password1": "y" * 14, "new_password2": "y" * 14},
    )
    assert refused.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.TOO_MANY_REQUESTS)
    user.refresh_from_db()
    assert user.check_password("the right passphrase 1")
    # The sign-in page is locked for that person too.
    other = Client()
    response = other.post(reverse("login"), {"username": "walter", "password": "the right passphrase 1"})
    assert "_auth_user_id" not in other.session
    assert response.status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.TOO_MANY_REQUESTS)


@pytest.mark.parametrize(
    "model", ["activities/activity", "activities/meeting", "targets/target", "targets/framework"]
)
def test_admin_history_pages_open_and_offer_no_revert(admin_client, plan, model):
    from django.apps import apps

    app_label, model_name = model.split("/")
    Model = apps.get_model(app_label, model_name)
    if model_name == "meeting":
        from tests.factories import MeetingFactory

        obj = MeetingFactory(plan=plan)
    else:
        obj = Model.objects.order_by("pk").first()
    if model_name == "activity":
        record_status(obj, Status.PLANNED)
    history = admin_client.get(f"/admin/{model}/{obj.pk}/history/")
    assert history.status_code == HTTPStatus.OK
    record = obj.history.first()
    url = f"/admin/{model}/{obj.pk}/history/{record.history_id}/"
    assert admin_client.get(url).status_code < 500
    before = obj.history.count()
    response = admin_client.post(url, {})
    assert response.status_code < 500
    assert obj.history.count() == before


def test_every_cell_of_the_coverage_download_is_safe_to_open(client, plan):
    framework = Framework.objects.get_by_natural_key("cms")
    framework.target_label = "=HYPERLINK(1)"
    framework.save()
    rows = list(
        csv.reader(io.StringIO(b"".join(client.get("/coverage.csv").streaming_content).decode("utf-8-sig")))
    )
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK(1)" in rows[0][0] or any(cell.startswith("'=HYPERLINK(1)") for cell in cells)


@pytest.mark.parametrize("value", ["null", "0", "-1", "abc", "201", "1.5", "", "١٢"])
def test_a_page_size_that_is_not_a_whole_number_from_1_to_200_is_a_400_that_says_why(client, plan, value):
    for path in ("/api/activities/", "/api/targets/", "/api/rows/", "/api/meetings/"):
        response = client.get(path, {"page_size": value})
        assert response.status_code == HTTPStatus.BAD_REQUEST, (path, value)
        assert "page_size" in response.json()
    assert client.get("/api/activities/", {"page_size": "5"}).json()["results"].__len__() == 5


def test_the_403_and_500_error_pages_carry_the_security_headers(plan):
    focal = Client()
    focal.force_login(member_of("Focal points", "focal"))
    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(member_of("Secretariat staff", "staff"))
    failing = Client(raise_request_exception=False)
    with mock.patch("activities.models.PlanQuerySet.current", side_effect=RuntimeError("boom")):
        server_error = failing.get("/")
    answers = {
        "forbidden": focal.get("/meetings/new/"),
        "CSRF failure": csrf_checked.post(reverse("logout")),
        "server error": server_error,
    }

    assert answers["forbidden"].status_code == HTTPStatus.FORBIDDEN
    assert answers["CSRF failure"].status_code == HTTPStatus.FORBIDDEN
    assert server_error.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in server_error.text
    for where, response in answers.items():
        assert_security_headers(response, where)
