"""A backup restored into an empty database gives back identical data."""

import io
import json

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from activities.models import Activity, Status
from tests.conftest import ensure_roles, member_of
from tests.factories import MeetingFactory, record_status
from workplan.backup import data_models


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
    MeetingFactory(plan=plan, is_public=True, activities=[activity])
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
