import io
import os
import tempfile
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import override_settings
from django.test.client import ClientHandler
from django.utils import translation

from activities.models import Plan
from tests.factories import UserFactory


@pytest.fixture(autouse=True, scope="session")
def _test_settings(django_test_environment):
    """Production settings, but plain HTTP, fast password hashing and unhashed static names.

    Session-scoped, so it is in force before the live server starts (its static files
    handler serves files by their source names).
    """
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


# Every test client builds its middleware afresh, and WhiteNoise's reads every static file to do
# so (a sixth of a second). Clients share the chain built under the same settings instead.
_middleware_chains: dict[int, dict] = {}
_load_middleware = ClientHandler.load_middleware


def _shared_load_middleware(self, is_async=False):
    key = (id(settings._wrapped), is_async)
    if key not in _middleware_chains:
        _load_middleware(self, is_async)
        _middleware_chains[key] = {
            name: getattr(self, name)
            for name in ("_view_middleware", "_template_response_middleware", "_exception_middleware")
        } | {"_middleware_chain": self._middleware_chain}
        _middleware_chains[key]["_settings"] = settings._wrapped  # kept alive: its id stays unique
    else:
        for name, value in _middleware_chains[key].items():
            if name != "_settings":
                setattr(self, name, value)


ClientHandler.load_middleware = _shared_load_middleware


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request activates its language for the thread: the next test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, the test database is a file, as in production: concurrent connections (the
    live server's, a test's threads) then lock and wait as they would there, instead of failing
    on the shared in-memory database's table locks."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get("NAME"):
        folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
        suffix = os.environ.get("PYTEST_XDIST_WORKER", "main")
        database.setdefault("TEST", {})["NAME"] = str(
            folder / f"workplan-test-{os.getpid()}-{suffix}.sqlite3"
        )


def ensure_roles():
    """The groups that the migrations create, made again if a transactional test emptied the tables."""
    if Group.objects.count() < 2:
        import_module("activities.migrations.0002_roles").create_roles(django_apps, None)


PLAN_SLUG = "cbd-cms-2016-2018"


def load_plan_once():
    """The roles and the 2016-2018 plan, loaded as `manage.py load_plan` loads them, unless a
    transactional test emptied the tables (then again)."""
    ensure_roles()
    if not Plan.objects.filter(slug=PLAN_SLUG).exists():
        call_command("load_plan", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The plan is loaded once for the session: each test runs in a transaction rolled back at
    its end, so every test starts from the loaded plan. (pytest-django runs the tests that
    empty the tables, the transactional ones, after all the others.)"""
    with django_db_blocker.unblock():
        load_plan_once()


@pytest.fixture
def plan(db) -> Plan:
    """The 2016-2018 plan, loaded from fixtures/ as `manage.py load_plan` loads it."""
    load_plan_once()
    return Plan.objects.get(slug=PLAN_SLUG)


def member_of(group_name: str, username: str):
    ensure_roles()
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def client_as(client, django_user_model):
    """A test client signed in as the given role: None, "focal", "staff" or "admin"."""

    def sign_in(role):
        if role == "focal":
            client.force_login(member_of("Focal points", "focal"))
        elif role == "staff":
            client.force_login(member_of("Secretariat staff", "staff"))
        elif role == "admin":
            client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", None))
        return client

    return sign_in


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that empty the tables (transactional ones: the browser's, the live server's) run
    after all the others, as pytest-django orders them, whatever other plugins did since:
    then the plan loaded for the session serves every other test."""

    def empties_tables(item) -> bool:
        marker = item.get_closest_marker("django_db")
        transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args[:1] == (True,))))
        fixtures = getattr(item, "fixturenames", [])
        return transactional or "transactional_db" in fixtures or "live_server" in fixtures

    items.sort(key=empties_tables)


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that the site sends through; its `messages` are what arrived."""
    from tests import smtp

    settings.SITE_URL = "https://workplan.example.org"
    inbox, controller = smtp.start(settings)
    yield inbox
    controller.stop()
