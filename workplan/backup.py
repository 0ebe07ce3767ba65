"""A complete, versioned backup of the application's data, and its restore into an empty database."""

import datetime
import json
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings

FORMAT = "cbd-cms-workplan-backup"
FORMAT_VERSION = 1
DATA_APPS = ["targets", "activities"]
UNUSABLE_PASSWORD = "!"  # Django reads a password starting with "!" as "cannot sign in".


class BackupError(Exception):
    pass


class ExactJSONEncoder(DjangoJSONEncoder):
    """Keeps microseconds, which Django's encoder cuts to milliseconds."""

    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


def data_models() -> list[type]:
    """Every model whose rows are the application's data, in an order that loads cleanly."""
    models = [Group, get_user_model()]
    for label in DATA_APPS:
        models += list(apps.get_app_config(label).get_models())
    return models


def write_backup(path: Path, *, with_passwords: bool = False) -> int:
    """Write every row of the application's data to `path`; return how many. Hits the database."""
    objects = []
    for model in data_models():
        natural = model in (Group, get_user_model())
        rows = serializers.serialize(
            "python",
            model._default_manager.order_by("pk"),
            use_natural_foreign_keys=natural,
            use_natural_primary_keys=model is Group,
        )
        if model is get_user_model() and not with_passwords:
            for row in rows:
                row["fields"]["password"] = UNUSABLE_PASSWORD
        objects += rows
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "django": django.get_version(),
        "migrations": _applied_migrations(),
        "with_passwords": with_passwords,
        "objects": objects,
    }
    path.write_text(
        json.dumps(document, cls=ExactJSONEncoder, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return len(objects)


def restore_backup(path: Path) -> int:
    """Load a backup into a database that holds no data yet; return how many rows."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"Cannot read {path}: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup of this application.")
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is backup format {document.get('format_version')}; this version reads {FORMAT_VERSION}."
        )
    current = _applied_migrations()
    if document["migrations"] != current:
        raise BackupError(
            "The backup was made at another database schema; migrate this database to the same "
            f"version first. Backup: {document['migrations']}; here: {current}."
        )
    if any(model._default_manager.exists() for model in data_models() if model is not Group):
        raise BackupError("Restore needs an empty database: create a new one and run `manage.py migrate`.")
    # The backup holds the history itself: restoring must not add records of its own.
    with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
        count = 0
        for obj in serializers.deserialize("python", document["objects"], handle_forward_references=True):
            obj.save()
            count += 1
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [m for m in data_models() if m is not Group]
            ):
                cursor.execute(sql)
    return count


def _applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in DATA_APPS + ["auth"]:
            latest[app] = max(latest.get(app, ""), name)
    return latest
