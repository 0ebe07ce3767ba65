"""A backup restored into an empty database gives back identical data."""

import io
import json
from http import HTTPStatus

import pytest
from django.contrib.auth.management.commands import changepassword
from django.core import serializers
from django.core.management import CommandError, call_command
from django.urls import reverse

from activities.models import Activity, Status, StatusChange
from notifications.models import EmailPreferences, Follow, Frequency, SentReminder
from tests.conftest import ensure_roles, member_of
from tests.factories import MeetingFactory, record_status
from workplan.backup import data_models
from workplan.models import PasswordResetRequest


def snapshot() -> list:
    rows = []
    for model in data_models():
        natural = model.__name__ in ("Group", "User")
        for row in serializers.serialize(
            "python", model._default_manager.order_by("pk"), use_natural_foreign_keys=natural
        ):
            row["fields"].pop("password", None)
            if model.__name__ == "Group":
                row.pop("pk")
            rows.append(row)
    return rows


@pytest.fixture
def recorded(plan):
    staff = member_of("Secretariat staff", "staff")
    activity = Activity.objects.get(plan=plan, number=14)
    activity.owners.add(staff)
    record_status(activity, Status.IN_PROGRESS, by=staff, note="Started")
    meeting = MeetingFactory(plan=plan, is_public=True, activities=[activity])
    # What people follow and chose by email is data too.
    Follow.objects.create(user=staff, activity=activity, frequency=Frequency.IMMEDIATE, last_change_id=1)
    Follow.objects.create(user=staff, plan=plan)
    EmailPreferences.objects.create(user=staff, reminders=False)
    SentReminder.objects.create(user=staff, activity=activity, meeting=meeting, days_before=7)
    return staff


def empty_the_database():
    call_command("flush", interactive=False, verbosity=0)
    ensure_roles()  # what `migrate` gives a new database


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_identically_into_an_empty_database(recorded, tmp_path):
    before = snapshot()
    backup = tmp_path / "backup.json"
    call_command("backup_data", str(backup), stdout=io.StringIO())
    empty_the_database()
    assert not Activity.objects.exists()

    call_command("restore_data", str(backup), stdout=io.StringIO())

    after = snapshot()
    assert [row for row in after if row not in before] == []
    assert after == before
    restored = Activity.objects.get(number=14)
    assert restored.history.exists()
    assert restored.status_changes.get().note == "Started"
    assert Follow.objects.count() == 2 and SentReminder.objects.count() == 1
    assert EmailPreferences.objects.get().reminders is False


@pytest.mark.django_db(transaction=True)
def test_a_backup_leaves_out_password_hashes_unless_asked(recorded, tmp_path, django_user_model):
    recorded.set_password("a long enough passphrase")
    recorded.save()
    without, with_hashes = tmp_path / "plain.json", tmp_path / "hashes.json"
    call_command("backup_data", str(without), stdout=io.StringIO())
    call_command("backup_data", str(with_hashes), "--with-passwords", stdout=io.StringIO())

    assert "md5$" not in without.read_text()
    assert "md5$" in with_hashes.read_text()
    empty_the_database()
    call_command("restore_data", str(with_hashes), stdout=io.StringIO())
    assert django_user_model.objects.get(username="staff").check_password("a long enough passphrase")


def test_restoring_into_a_database_with_data_is_refused(recorded, tmp_path):
    backup = tmp_path / "backup.json"
    call_command("backup_data", str(backup), stdout=io.StringIO())

    with pytest.raises(CommandError, match="empty database"):
        call_command("restore_data", str(backup), stdout=io.StringIO())


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something else"}))

    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore_data", str(other), stdout=io.StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("restore_data", str(tmp_path / "missing.json"), stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_statuses_change_is_consistent_and_restores(recorded, tmp_path, plan):
    """Another thread records status changes while the backup reads; the backup is one snapshot."""
    import threading
    import time

    from django.db import OperationalError, connection

    from activities.services import record_progress
    from workplan.backup import inconsistencies

    activities = list(Activity.objects.filter(plan=plan).order_by("number")[:10])
    stop = threading.Event()
    written = []

    def post_changes():
        try:
            statuses = [Status.PLANNED, Status.IN_PROGRESS, Status.ON_HOLD]
            i = 0
            while not stop.is_set() and i < 60:
                activity = Activity.objects.get(pk=activities[i % len(activities)].pk)
                try:
                    record_progress(
                        activity=activity, by=None, expected_version=activity.version, status=statuses[i % 3]
                    )
                except OperationalError:  # SQLite's in-memory test database: the backup holds the lock
                    time.sleep(0.01)
                    continue
                written.append(i)
                i += 1
        finally:
            connection.close()

    worker = threading.Thread(target=post_changes)
    worker.start()
    backups = []
    try:
        for n in range(3):
            backup = tmp_path / f"backup-{n}.json"
            call_command("backup_data", str(backup), stdout=io.StringIO())
            backups.append(backup)
    finally:
        stop.set()
        worker.join()
    assert written  # changes were made while backing up
    for backup in backups:
        empty_the_database()
        call_command("restore_data", str(backup), stdout=io.StringIO())
        assert inconsistencies() == []


def corrupt(tmp_path, good: dict, kind: str):
    """A copy of a good backup, damaged in one of the ways files get damaged."""
    document = json.loads(json.dumps(good))
    path = tmp_path / f"{kind}.json"
    objects = document["objects"]
    activity = next(o for o in objects if o["model"] == "activities.activity")
    change = next(o for o in objects if o["model"] == "activities.statuschange")
    if kind == "empty file":
        path.write_text("")
        return path
    if kind == "truncated":
        path.write_text(json.dumps(document)[:5000])
        return path
    if kind == "not utf-8":
        path.write_bytes(b"\xff\xfe" + json.dumps(document).encode("utf-16-le"))
        return path
    if kind == "a list":
        document = [document]
    elif kind == "no migrations":
        del document["migrations"]
    elif kind == "objects not a list":
        document["objects"] = {"a": 1}
    elif kind == "unknown model":
        objects.append({"model": "nosuch.model", "pk": 1, "fields": {}})
    elif kind == "record not a dict":
        objects.append("oops")
    elif kind == "unknown field":
        activity["fields"]["no_such_field"] = 1
    elif kind == "wrong type":
        activity["fields"]["number"] = {"a": "dict"}
    elif kind == "bad date":
        change["fields"]["effective_on"] = "2017-02-30"
    elif kind == "missing reference":
        change["fields"]["activity"] = 999999
    elif kind == "duplicate key":
        objects.append(dict(activity))
    elif kind == "nul character":
        activity["fields"]["title"] = "A\x00B"
    elif kind == "status against history":
        activity["fields"]["status"] = "discontinued"
    elif kind == "version behind history":
        changed = max(
            (o for o in objects if o["model"] == "activities.activity"), key=lambda o: o["fields"]["version"]
        )
        assert changed["fields"]["version"] > 0
        changed["fields"]["version"] = 0
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


CORRUPTIONS = [
    "empty file",
    "truncated",
    "not utf-8",
    "a list",
    "no migrations",
    "objects not a list",
    "unknown model",
    "record not a dict",
    "unknown field",
    "wrong type",
    "bad date",
    "missing reference",
    "duplicate key",
    "nul character",
    "status against history",
    "version behind history",
]


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_damaged_backup_is_refused_in_one_sentence_with_nothing_written(recorded, tmp_path):
    good = tmp_path / "good.json"
    call_command("backup_data", str(good), stdout=io.StringIO())
    document = json.loads(good.read_text(encoding="utf-8"))
    empty_the_database()
    for kind in CORRUPTIONS:
        path = corrupt(tmp_path, document, kind)
        try:
            call_command("restore_data", str(path), stdout=io.StringIO())
        except CommandError as refused:
            message = str(refused)
        else:
            pytest.fail(f"A backup with {kind} was restored.")
        assert "\n" not in message and "Traceback" not in message, kind
        assert not Activity.objects.exists(), kind
        assert not StatusChange.objects.exists(), kind
    # The good one still restores.
    call_command("restore_data", str(good), stdout=io.StringIO())
    assert Activity.objects.count() == 28


def test_restore_data_exits_non_zero_with_one_line_on_a_damaged_file(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    env = {
        **__import__("os").environ,
        "DEBUG": "true",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    result = subprocess.run(
        [sys.executable, "manage.py", "restore_data", str(bad)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "Cannot read" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("change", ["older", "newer", "missing app"])
@pytest.mark.django_db(transaction=True)
def test_a_backup_made_at_another_schema_version_is_refused_with_nothing_written(recorded, tmp_path, change):
    backup = tmp_path / "backup.json"
    call_command("backup_data", str(backup), stdout=io.StringIO())
    document = json.loads(backup.read_text(encoding="utf-8"))
    migrations = document["migrations"]
    assert "activities" in migrations
    if change == "older":
        migrations["activities"] = "0001_initial"
    elif change == "newer":
        migrations["activities"] = "9999_not_written_yet"
    else:
        del migrations["notifications"]
    backup.write_text(json.dumps(document), encoding="utf-8")
    empty_the_database()

    with pytest.raises(CommandError) as refused:
        call_command("restore_data", str(backup), stdout=io.StringIO())

    message = str(refused.value)
    assert "another database schema" in message and "migrate" in message
    assert "\n" not in message and "Traceback" not in message
    assert not Activity.objects.exists()
    assert not StatusChange.objects.exists()


def test_restore_data_exits_non_zero_on_a_backup_of_another_schema(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DEBUG": "true",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    backup = tmp_path / "backup.json"

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True
        )

    assert manage("migrate", "-v0").returncode == 0
    assert manage("backup_data", str(backup)).returncode == 0
    document = json.loads(backup.read_text(encoding="utf-8"))
    document["migrations"]["activities"] = "0001_initial"
    backup.write_text(json.dumps(document), encoding="utf-8")

    result = manage("restore_data", str(backup))

    assert result.returncode != 0
    assert "another database schema" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.django_db(transaction=True)
def test_a_user_restored_without_passwords_cannot_sign_in_with_the_old_one(
    recorded, tmp_path, django_user_model, client, monkeypatch
):
    recorded.set_password("a long enough passphrase")
    recorded.save()
    backup = tmp_path / "plain.json"
    call_command("backup_data", str(backup), stdout=io.StringIO())
    empty_the_database()

    call_command("restore_data", str(backup), stdout=io.StringIO())

    restored = django_user_model.objects.get(username="staff")
    assert not restored.has_usable_password()
    old_password = {"username": "staff", "password": "a long enough passphrase"}
    response = client.post(reverse("login"), old_password, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == HTTPStatus.OK  # the form again, with its error
    assert "_auth_user_id" not in client.session
    # Once an admin sets a password for them with `manage.py changepassword staff`, they sign in.
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": "a new long passphrase")
    call_command("changepassword", "staff", stdout=io.StringIO())
    response = client.post(
        reverse("login"), {"username": "staff", "password": "a new long passphrase"}, REMOTE_ADDR="10.0.0.3"
    )
    assert response.status_code == HTTPStatus.FOUND


def test_a_backup_is_marked_and_holds_the_data_but_not_password_reset_requests(recorded, tmp_path):
    PasswordResetRequest.objects.create(email="forgetful@example.org", client="10.0.0.5")
    backup = tmp_path / "backup.json"
    call_command("backup_data", str(backup), stdout=io.StringIO())

    document = json.loads(backup.read_text(encoding="utf-8"))
    kinds = {record["model"] for record in document["objects"]}

    assert (document["format"], document["format_version"]) == ("cbd-cms-workplan-backup", 1)
    assert document["migrations"]["activities"] and document["migrations"]["auth"]
    assert {
        "targets.target",
        "activities.plan",
        "activities.activity",
        "activities.statuschange",
        "activities.historicalactivity",
        "activities.meeting",
        "auth.user",
        "auth.group",
        "notifications.follow",
        "notifications.emailpreferences",
        "notifications.sentreminder",
    } <= kinds
    assert "workplan.passwordresetrequest" not in kinds
    assert "forgetful@example.org" not in backup.read_text(encoding="utf-8")
