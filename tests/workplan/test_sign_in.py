"""Sign-in, sessions and passwords."""

import datetime
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "a long enough passphrase"


@pytest.fixture
def maria(db, django_user_model):
    return django_user_model.objects.create_user("maria", password=PASSWORD)


def sign_in(client, password=PASSWORD, address="10.0.0.1", username="maria"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_failures_lock_that_username_from_that_address(client, maria, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "wrong").status_code == HTTPStatus.OK
    assert sign_in(client, "wrong").status_code == HTTPStatus.TOO_MANY_REQUESTS

    locked = sign_in(client)  # the right password, too late

    assert locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed sign-ins" in locked.text
    assert "_auth_user_id" not in client.session
    assert sign_in(Client(), address="10.0.0.2").status_code == HTTPStatus.FOUND  # another address


def test_an_admin_unlocks_a_locked_username(client, maria, admin_client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")
    attempt = AccessAttempt.objects.get(username="maria")

    admin_client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})

    assert sign_in(client).status_code == HTTPStatus.FOUND


def test_the_reset_command_also_unlocks(client, maria, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "wrong")

    call_command("axes_reset_username", "maria")

    assert sign_in(client).status_code == HTTPStatus.FOUND


@pytest.mark.parametrize("password", ["short", "password1234", "qwertyuiop123"])
def test_weak_passwords_are_refused(maria, password):
    with pytest.raises(ValidationError):
        validate_password(password, maria)


def test_a_long_passphrase_without_digits_or_symbols_is_accepted(maria):
    passphrase = "migratory birds cross the sahara"
    form = SetPasswordForm(maria, {"new_password1": passphrase, "new_password2": passphrase})
    assert form.is_valid(), form.errors
    form.save()
    maria.refresh_from_db()
    assert maria.check_password(passphrase)


def test_signing_in_rotates_the_session(client, maria):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key

    sign_in(client)

    assert client.session.session_key != before


def test_signing_out_ends_the_session_on_the_server(client, maria):
    sign_in(client)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))

    replay = Client()
    replay.cookies["sessionid"] = cookie
    response = replay.get(reverse("activities:meeting-list"))

    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))


def test_a_deactivated_users_session_stops_at_once(client, maria):
    sign_in(client)
    maria.is_active = False
    maria.save()

    response = client.get(reverse("activities:meeting-list"))

    assert response.status_code == HTTPStatus.FOUND


def test_changing_the_password_ends_other_sessions(maria):
    here, elsewhere = Client(), Client()
    sign_in(here)
    sign_in(elsewhere, address="10.0.0.9")

    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase",
            "new_password2": "a new long passphrase",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert here.get(reverse("password_change")).status_code == HTTPStatus.OK
    assert elsewhere.get(reverse("password_change")).status_code == HTTPStatus.FOUND


def test_a_failed_sign_in_is_logged_with_username_address_and_time(client, maria, caplog):
    with caplog.at_level("INFO", logger="workplan.audit"):
        sign_in(client, "wrong", address="192.0.2.7")

    record = next(r for r in caplog.records if r.msg == "sign_in_failed")
    assert (record.username, record.address) == ("maria", "192.0.2.7")


def _locked_since(minutes: float, seconds: float = 0):
    """Moves maria's failed attempts back in time, as if the lock had been set that long ago."""
    attempt_time = timezone.now() - datetime.timedelta(minutes=minutes, seconds=seconds)
    assert AccessAttempt.objects.filter(username="maria").update(attempt_time=attempt_time) == 1


def test_five_failures_lock_the_pair_for_fifteen_minutes(client, maria):
    for _ in range(4):
        assert sign_in(client, "wrong").status_code == HTTPStatus.OK
    assert sign_in(client, "wrong").status_code == HTTPStatus.TOO_MANY_REQUESTS  # the fifth

    _locked_since(minutes=14, seconds=50)
    still_locked = sign_in(client)

    assert still_locked.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed sign-ins" in still_locked.text
    assert "_auth_user_id" not in client.session

    _locked_since(minutes=15, seconds=1)
    after = sign_in(client)

    assert after.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(maria.pk)
