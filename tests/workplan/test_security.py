"""Production security: headers, error pages, escaping, CSRF, health check, audit logs, settings."""

import json
import logging
import os
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Status, StatusChange
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/coverage/", "/admin/login/", "/no-such-page/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, plan, path):
    response = client.get(path, secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"


def test_plain_http_is_redirected_to_https_in_production(client, plan, settings):
    settings.SECURE_SSL_REDIRECT = True

    response = Client().get("/", headers={"host": "localhost"})

    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response.url.startswith("https://")


def test_pages_for_signed_in_people_are_not_cached(client, plan):
    assert "no-store" not in client.get("/").get("Cache-Control", "")
    client.force_login(member_of("Focal points", "focal"))

    assert "no-store" in client.get("/")["Cache-Control"]
    assert "private" in client.get("/coverage/")["Cache-Control"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/no-such-page/", 404),
        ("/activities/999999/", 404),
        ("/targets/cms/999/", 404),
        ("/meetings/new/", 403),
    ],
)
def test_error_pages_are_in_the_sites_look_and_reveal_nothing(client, plan, path, status):
    client.force_login(member_of("Focal points", "focal"))

    response = client.get(path)

    assert response.status_code == status
    assert "CBD-CMS Joint Work Plan" in response.text
    for secret in ("Traceback", "SELECT", "settings", "Django", "DEBUG"):
        assert secret not in response.text


def test_an_unknown_host_gets_the_400_page(client, plan):
    response = client.get("/", headers={"host": "evil.example"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "could not be understood" in response.text
    assert "CBD-CMS Joint Work Plan" in response.text  # in the site's look


def test_a_server_error_shows_the_500_page_without_details(client, plan):
    client.raise_request_exception = False
    with mock.patch("activities.models.PlanQuerySet.current", side_effect=RuntimeError("secret detail")):
        response = client.get("/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in response.text
    assert "CBD-CMS Joint Work Plan" in response.text  # in the site's look
    assert "secret detail" not in response.text and "Traceback" not in response.text


def test_a_post_without_csrf_token_is_refused_logged_and_changes_nothing(plan, caplog):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_of("Secretariat staff", "staff"))
    activity = Activity.objects.get(plan=plan, number=4)

    with caplog.at_level("INFO", logger="workplan.audit"):
        response = client.post(
            reverse("activities:update-progress", args=[activity.pk]),
            {"status": "completed", "effective_on": "2017-01-01", "version": 0},
        )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "could not be accepted" in response.text
    assert not StatusChange.objects.exists()
    assert any(r.msg == "request_refused" and r.reason == "csrf" for r in caplog.records)


@pytest.mark.parametrize("url_name", ["logout", "activities:update-progress"])
def test_a_get_to_a_write_url_does_nothing(client, plan, url_name):
    client.force_login(member_of("Secretariat staff", "staff"))
    args = [Activity.objects.get(plan=plan, number=4).pk] if "progress" in url_name else []

    response = client.get(reverse(url_name, args=args))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "_auth_user_id" in client.session
    assert not StatusChange.objects.exists()


MARKUP = '<script>alert("x")</script>"onmouseover="alert(1)'


def test_user_text_is_escaped_everywhere(client, plan):
    activity = Activity.objects.get(plan=plan, number=4)
    activity.title = MARKUP
    activity.save()
    staff = member_of("Secretariat staff", "staff")
    record_status(activity, Status.PLANNED, by=staff, note=MARKUP)
    meeting = MeetingFactory(
        plan=plan, notes=MARKUP, place=MARKUP, participants=MARKUP, activities=[activity]
    )
    client.force_login(staff)

    for url in [
        "/",
        activity.get_absolute_url(),
        meeting.get_absolute_url(),
        "/coverage/",
        "/targets/cms/1/",
    ]:
        text = client.get(url).text
        assert "<script>alert" not in text, url
        assert '"onmouseover="' not in text, url
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text, url


def test_health_check_answers_ok_and_says_nothing_else(client, plan):
    response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_reports_a_database_that_does_not_answer(client, db):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json() == {"status": "unavailable"}


def json_lines(caplog, event):
    formatter = logging.getLogger().handlers[0].formatter
    return [json.loads(formatter.format(r)) for r in caplog.records if getattr(r, "event", None) == event]


def test_status_changes_and_refused_requests_are_logged_as_json(
    client, plan, caplog, django_capture_on_commit_callbacks
):
    activity = Activity.objects.get(plan=plan, number=4)
    client.force_login(member_of("Secretariat staff", "staff"))
    with caplog.at_level("INFO", logger="workplan.audit"), django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("activities:update-progress", args=[activity.pk]),
            {"status": "completed", "effective_on": "2017-01-01", "version": 0},
            REMOTE_ADDR="192.0.2.10",
        )
        client.force_login(member_of("Focal points", "focal"))
        client.get(reverse("activities:meeting-create"), REMOTE_ADDR="192.0.2.11")

    [changed] = json_lines(caplog, "status_changed")
    assert (changed["user"], changed["address"], changed["new_status"]) == (
        "staff",
        "192.0.2.10",
        "completed",
    )
    assert changed["timestamp"].endswith("+00:00")
    [refused] = json_lines(caplog, "request_refused")
    assert (refused["user"], refused["address"], refused["reason"]) == ("focal", "192.0.2.11", "permission")


def run_manage(*args, **env):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which a deployment must not have.
    unset = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DEBUG": "false", "ENV_FILE": "/dev/null", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    checked = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 30 + "-not-a-real-key-" + "y" * 30,
        ALLOWED_HOSTS="workplan.example.org",
    )

    assert checked.returncode == 0, checked.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [({"ALLOWED_HOSTS": "workplan.example.org"}, "SECRET_KEY"), ({"SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS")],
)
def test_production_refuses_to_start_without_its_secrets(env, message, tmp_path):
    started = run_manage("check", **env)

    assert started.returncode != 0
    assert message in started.stderr
