"""Password reset by email, through a real SMTP server: the same answer for any address, a limit
per address and per client, links that expire and work once."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.smtp import html, links, point_mail_at, text
from workplan.models import PasswordResetRequest

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "violet anchors drift slowly"


@pytest.fixture
def person(django_user_model):
    return django_user_model.objects.create_user(
        "amina", "amina@example.org", "an old password 123", first_name="Amina", last_name="Diallo"
    )


def ask(client, address, **extra):
    return client.post(reverse("password_reset"), {"email": address}, **extra)


def reset_link(message) -> str:
    return next(link for link in links(text(message)) if "/accounts/password/reset/" in link)


def test_the_sign_in_page_links_to_password_reset(client):
    response = client.get(reverse("login"))
    assert reverse("password_reset") in response.content.decode()
    page = client.get(reverse("password_reset"))
    assert page.status_code == HTTPStatus.OK
    assert "Reset your password" in page.content.decode()


def test_a_known_address_receives_a_link_that_sets_a_new_password_once(client, person, smtp_server):
    response = ask(client, "Amina@example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("password_reset_done")
    [message] = smtp_server.messages
    assert message["To"] == "amina@example.org"
    assert "CBD-CMS Joint Work Plan" in message["Subject"]
    link = reset_link(message)
    assert link.startswith("https://workplan.example.org/accounts/password/reset/")
    assert link in html(message)
    assert "amina" in text(message)  # the username, which people forget too

    path = link.removeprefix("https://workplan.example.org")
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    signed_in = client.post(reverse("login"), {"username": "amina", "password": NEW_PASSWORD})
    assert signed_in.status_code == HTTPStatus.FOUND
    client.post(reverse("logout"))

    again = client.get(path, follow=True)
    assert "This link does not work" in again.content.decode()
    assert "used already" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_message(client, person, smtp_server):
    known = ask(client, "amina@example.org")
    unknown = ask(client, "nobody@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m["To"] for m in smtp_server.messages] == ["amina@example.org"]
    page = client.get(reverse("password_reset_done")).content.decode()
    assert "If an account has that email address" in page


def test_a_link_that_is_wrong_or_expired_gets_a_clear_page(client, person, smtp_server, settings):
    ask(client, "amina@example.org")
    path = reset_link(smtp_server.messages[0]).removeprefix("https://workplan.example.org")
    tampered = path.rstrip("/")[:-3] + "abc/"
    assert "This link does not work" in client.get(tampered, follow=True).content.decode()
    settings.PASSWORD_RESET_TIMEOUT = -1
    page = client.get(path, follow=True).content.decode()
    assert "This link does not work" in page
    assert "expired" in page
    person.refresh_from_db()
    assert person.check_password("an old password 123")


def test_requests_are_limited_per_address(client, person, smtp_server, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        assert ask(client, "amina@example.org").status_code == HTTPStatus.FOUND
    refused = ask(client, "amina@example.org")
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many requests" in refused.content.decode()
    assert len(smtp_server.messages) == 2
    # Unknown addresses count alike: the limit tells nobody which addresses have accounts.
    for _ in range(2):
        ask(client, "nobody@example.org", REMOTE_ADDR="10.0.0.9")
    assert ask(client, "nobody@example.org", REMOTE_ADDR="10.0.0.9").status_code == 429


def test_requests_are_limited_per_client(client, person, smtp_server, settings):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 3
    for n in range(3):
        assert ask(client, f"someone{n}@example.org").status_code == HTTPStatus.FOUND
    assert ask(client, "amina@example.org").status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert smtp_server.messages == []
    # Another client is not held back.
    assert ask(client, "amina@example.org", REMOTE_ADDR="10.1.2.3").status_code == HTTPStatus.FOUND
    assert len(smtp_server.messages) == 1
    assert PasswordResetRequest.objects.count() == 4


def test_a_mail_server_that_is_down_does_not_break_the_page(client, person, settings):
    from tests.smtp import free_port

    point_mail_at(settings, free_port())
    response = ask(client, "amina@example.org")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("password_reset_done")


def test_an_account_without_a_usable_password_gets_no_reset(client, smtp_server):
    get_user_model().objects.create_user("ghost", "ghost@example.org", None)
    ask(client, "ghost@example.org")
    assert smtp_server.messages == []


def test_a_site_that_requires_sign_in_still_lets_people_reset_accept_and_unsubscribe(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "django.contrib.auth.middleware.LoginRequiredMiddleware"]
    for url in [
        reverse("password_reset"),
        reverse("password_reset_done"),
        reverse("password_reset_complete"),
        reverse("password_reset_confirm", args=["MQ", "not-a-token"]),
        reverse("invitation", args=["MQ", "not-a-token"]),
    ]:
        assert client.get(url).status_code == HTTPStatus.OK, url
    assert client.get(reverse("notifications:unsubscribe", args=["not-a-token"])).status_code == 400
    feed = client.get(reverse("notifications:plan-feed"))
    assert feed.status_code == HTTPStatus.FOUND and feed.url.startswith(reverse("login"))


def test_a_mail_server_that_never_answers_does_not_stall_the_page(client, person, settings):
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections and never says a word
    try:
        point_mail_at(settings, silent.getsockname()[1])
        settings.EMAIL_TIMEOUT = 1
        started = time.monotonic()
        response = ask(client, "amina@example.org")
        assert response.status_code == HTTPStatus.FOUND
        assert time.monotonic() - started < 5
    finally:
        silent.close()
