"""Invitations: an admin creates an account without a password and sends an invitation from
Django admin; the person chooses their own password from the link, once."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.smtp import html, links, point_mail_at, text

pytestmark = pytest.mark.django_db

PASSWORD = "seven quiet herons at dawn"
SITE = "https://workplan.example.org"


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", None, first_name="Root")
    )
    return client


def invite(client, *users):
    return client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_invitation", "_selected_action": [user.pk for user in users]},
        follow=True,
    )


def test_an_admin_creates_an_account_without_typing_a_password_and_invites_the_person(
    admin_client, smtp_server
):
    # Django admin's add form lets the admin leave password sign-in off.
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "maria", "usable_password": "false", "password1": "", "password2": ""},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    maria = get_user_model().objects.get(username="maria")
    assert not maria.has_usable_password()
    maria.email, maria.first_name = "maria@example.org", "Maria"
    maria.save()

    page = invite(admin_client, maria).content.decode()
    assert "Invitation sent to maria" in page
    [message] = smtp_server.messages
    assert message["To"] == "maria@example.org"
    assert "invited" in message["Subject"]
    link = next(link for link in links(text(message)) if "/accounts/welcome/" in link)
    assert link.startswith(SITE)
    assert link in html(message)
    assert "maria" in text(message)

    admin_client.post(reverse("logout"))
    path = link.removeprefix(SITE)
    form = admin_client.get(path, follow=True)
    assert "Welcome, Maria" in form.content.decode()
    done = admin_client.post(
        form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert done["Location"] == reverse("password_reset_complete")
    signed_in = admin_client.post(reverse("login"), {"username": "maria", "password": PASSWORD})
    assert signed_in.status_code == HTTPStatus.FOUND
    admin_client.post(reverse("logout"))

    again = admin_client.get(path, follow=True).content.decode()
    assert "This invitation does not work" in again


def test_accounts_without_an_address_are_not_invited_and_the_admin_is_told(
    admin_client, smtp_server, django_user_model
):
    with_address = django_user_model.objects.create_user("a", "a@example.org", None)
    without = django_user_model.objects.create_user("b", "", None)
    page = invite(admin_client, with_address, without).content.decode()
    assert "Invitation sent to a" in page
    assert "Not invited (no email address, or the account is inactive): b" in page
    assert [m["To"] for m in smtp_server.messages] == ["a@example.org"]


def test_an_invitation_link_that_is_wrong_or_expired_gets_a_clear_page(
    admin_client, smtp_server, django_user_model, settings, client
):
    person = django_user_model.objects.create_user("c", "c@example.org", None)
    invite(admin_client, person)
    path = links(text(smtp_server.messages[0]))[0].removeprefix(SITE)
    assert "/accounts/welcome/" in path
    tampered = path.rstrip("/")[:-2] + "zz/"
    assert "This invitation does not work" in client.get(tampered, follow=True).content.decode()
    settings.INVITATION_DAYS = -1
    assert "This invitation does not work" in client.get(path, follow=True).content.decode()
    # A password reset token is not an invitation, nor the other way round.
    settings.INVITATION_DAYS = 14
    reset_path = path.replace("/accounts/welcome/", "/accounts/password/reset/")
    assert "This link does not work" in client.get(reset_path, follow=True).content.decode()


def test_a_mail_server_that_is_down_is_reported_to_the_admin(admin_client, django_user_model, settings):
    from tests.smtp import free_port

    point_mail_at(settings, free_port())
    person = django_user_model.objects.create_user("d", "d@example.org", None)
    page = invite(admin_client, person)
    assert page.status_code == HTTPStatus.OK
    assert "The mail server failed" in page.content.decode()


def test_only_admins_can_invite(client, django_user_model, smtp_server):
    from tests.conftest import member_of

    staff = member_of("Secretariat staff", "staff")
    client.force_login(staff)
    person = django_user_model.objects.create_user("e", "e@example.org", None)
    response = invite(client, person)
    assert smtp_server.messages == []
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FORBIDDEN)
