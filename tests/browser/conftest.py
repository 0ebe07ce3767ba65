"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server."""

import os
import secrets
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from activities.models import Plan
from tests.conftest import PLAN_SLUG, load_plan_once

# Playwright's sync API runs an event loop; without this Django refuses ORM calls in the tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """End connections that the live server's keep-alive threads leave open.

    PostgreSQL refuses to drop the test database while any connection to it remains.
    """
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium).")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def live_plan(transactional_db, live_server) -> Plan:
    """The plan and the roles, in a database that the live server shares.

    A transactional test empties every table when it ends, the groups that the migrations
    created included, so the migration's own function makes them again.
    """
    load_plan_once()
    return Plan.objects.get(slug=PLAN_SLUG)


@pytest.fixture
def make_user(live_plan, django_user_model):
    """A user in a role, with a random password; returns (user, password)."""

    def make(username: str, role: str | None = None, **fields):
        password = secrets.token_urlsafe(16)
        if role == "admin":
            user = django_user_model.objects.create_superuser(
                username, f"{username}@example.org", password, **fields
            )
        else:
            user = django_user_model.objects.create_user(username, password=password, **fields)
            if role:
                user.groups.add(Group.objects.get(name=role))
        return user, password

    return make


def sign_in(page, base_url: str, username: str, password: str):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts (separate cookies), closed after the test."""
    contexts = []

    def open_page(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def screenshot(page, name: str):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def require(path: Path, how: str):
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: {how}")


def java() -> str:
    found = shutil.which("java")
    if not found:
        pytest.fail("Java is missing: install Debian's default-jre-headless.")
    return found
