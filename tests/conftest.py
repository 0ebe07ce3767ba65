import io

import pytest
from django.core.management import call_command

from activities.models import Plan
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Tests speak plain HTTP to the test client; hashing passwords slowly only costs time.
    settings.SECURE_SSL_REDIRECT = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def plan(db) -> Plan:
    """The 2016-2018 plan, loaded from fixtures/ as `manage.py load_plan` loads it."""
    call_command("load_plan", stdout=io.StringIO())
    return Plan.objects.get(slug="cbd-cms-2016-2018")


@pytest.fixture
def signed_in_user(client, db):
    user = UserFactory(username="someone")
    client.force_login(user)
    return user
