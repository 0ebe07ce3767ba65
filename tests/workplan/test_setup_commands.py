import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_create_admin_makes_one_superuser_with_a_password_shown_once():
    out = io.StringIO()
    call_command("create_admin", stdout=out)

    admin = get_user_model().objects.get(is_superuser=True)
    password = out.getvalue().split("password ")[1].split(" ")[0]
    assert admin.check_password(password)
    assert len(password) >= 16

    again = io.StringIO()
    call_command("create_admin", stdout=again)
    assert get_user_model().objects.count() == 1
    assert password not in again.getvalue()


def test_two_admins_created_on_two_machines_get_different_passwords():
    passwords = []
    for _ in range(2):
        out = io.StringIO()
        call_command("create_admin", stdout=out)
        passwords.append(out.getvalue().split("password ")[1].split(" ")[0])
        get_user_model().objects.all().delete()

    assert passwords[0] != passwords[1]


def test_migrations_and_the_plan_create_no_account(plan):
    assert not get_user_model().objects.exists()
