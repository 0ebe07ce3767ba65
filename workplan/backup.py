"""A complete, versioned backup of the application's data, and its restore into an empty database.

The backup is read in one snapshot, so a site in use gives a consistent file. A restore refuses,
with one sentence that says why and nothing written, a file it cannot read, one of another
application or schema, one with a NUL character (which PostgreSQL cannot store), and one that
is not consistent in itself: a status that is not its history's, a version behind its own
history, a record pointing at one that is not there.
"""

import datetime
import json
from pathlib import Path

import django
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Coalesce
from django.test.utils import override_settings

from activities.models import Activity, Status, StatusChange

FORMAT = "cbd-cms-workplan-backup"
FORMAT_VERSION = 1
DATA_APPS = ["targets", "activities", "notifications"]
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
    models_ = [Group, get_user_model()]
    for label in DATA_APPS:
        models_ += list(apps.get_app_config(label).get_models())
    return models_


def write_backup(path: Path, *, with_passwords: bool = False) -> int:
    """Write every row of the application's data to `path`; return how many. Hits the database.

    Everything is read in one transaction that sees one snapshot of the database: on PostgreSQL
    at REPEATABLE READ, on SQLite under the write lock, so changes made meanwhile are either all
    in the backup or not at all. Called inside a transaction, it reads within that one.
    """
    objects = []
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # Inside a caller's transaction (a test's, say) the snapshot is that transaction's.
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
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
        migrations = _applied_migrations()
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "django": django.get_version(),
        "migrations": migrations,
        "with_passwords": with_passwords,
        "objects": objects,
    }
    path.write_text(
        json.dumps(document, cls=ExactJSONEncoder, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return len(objects)


def restore_backup(path: Path) -> int:
    """Load a backup into a database that holds no data yet; return how many rows.

    Raises BackupError, having written nothing, when the file cannot be restored as it is.
    """
    document = _read(path)
    current = _applied_migrations()
    if document["migrations"] != current:
        raise BackupError(
            "The backup was made at another database schema; migrate this database to the same "
            f"version first. Backup: {document['migrations']}; here: {current}."
        )
    if any(model._default_manager.exists() for model in data_models() if model is not Group):
        raise BackupError("Restore needs an empty database: create a new one and run `manage.py migrate`.")
    _refuse_nul(document["objects"])
    known = {model._meta.label_lower for model in data_models()}
    try:
        # The backup holds the history itself: restoring must not add records of its own.
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            count, seen = 0, set()
            for index, obj in enumerate(document["objects"], 1):
                if (
                    not isinstance(obj, dict)
                    or obj.get("model") not in known
                    or not isinstance(obj.get("fields"), dict)
                ):
                    raise BackupError(f"Record {index} of the backup is not a record of this application.")
                # Groups are keyed by name (their natural key), everything else by its id.
                key = (obj["model"], json.dumps(obj.get("pk", obj["fields"].get("name"))))
                if key in seen:
                    raise BackupError(
                        f"Record {index} of the backup ({obj['model']} {key[1]}) appears twice."
                    )
                seen.add(key)
            for obj in serializers.deserialize("python", document["objects"], handle_forward_references=True):
                obj.save()
                count += 1
            connection.check_constraints()
            problems = inconsistencies()
            if problems:
                raise BackupError(f"The backup is not consistent, so nothing was restored: {problems[0]}")
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(
                    no_style(), [m for m in data_models() if m is not Group]
                ):
                    cursor.execute(sql)
    except BackupError:
        raise
    except (
        DeserializationError,
        DatabaseError,
        ValidationError,
        FieldDoesNotExist,
        LookupError,
        TypeError,
        ValueError,
        AttributeError,
    ) as error:
        reason = str(error).splitlines()[0][:300] if str(error) else type(error).__name__
        raise BackupError(f"The backup cannot be restored, so nothing was: {reason}") from error
    return count


def inconsistencies(limit: int = 5) -> list[str]:
    """What in the data contradicts itself, in words (empty when nothing does). Hits the database.

    An activity's status and the date it took effect are those of its latest status change
    (by date, then as recorded); no record's version is behind its own change history.
    """
    problems = []
    latest = StatusChange.objects.filter(activity=models.OuterRef("pk")).latest_first()
    derived = Activity.objects.annotate(
        derived_status=Coalesce(
            models.Subquery(latest.values("new_status")[:1]), models.Value(Status.NOT_REPORTED)
        ),
        derived_since=models.Subquery(latest.values("effective_on")[:1]),
    )
    for activity in derived.exclude(status=models.F("derived_status"))[:limit]:
        problems.append(
            f"activity {activity.pk} has the status {activity.status!r} but its history says "
            f"{activity.derived_status!r}."
        )
    for pk, since, derived_since in derived.values_list("pk", "status_since", "derived_since"):
        if since != derived_since and len(problems) < limit:
            problems.append(
                f"activity {pk}'s status took effect on {since or 'no date'} but its history says "
                f"{derived_since or 'no date'}."
            )
    for model in data_models():
        history = getattr(model, "history", None)
        if history is None or not any(field.name == "version" for field in model._meta.fields):
            continue
        newest = (
            history.model.objects.filter(id=models.OuterRef("pk")).order_by("-version").values("version")[:1]
        )
        behind = model._default_manager.annotate(recorded=models.Subquery(newest)).filter(
            recorded__gt=models.F("version")
        )
        for record in behind[:limit]:
            problems.append(
                f"{model._meta.verbose_name} {record.pk} is at version {record.version} but its "
                f"history reaches version {record.recorded}."
            )
    return problems[:limit]


def _read(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise BackupError(f"Cannot read {path}: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup of this application.")
    if document.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is backup format {document.get('format_version')}; this version reads {FORMAT_VERSION}."
        )
    for key, kind in (("migrations", dict), ("objects", list)):
        if not isinstance(document.get(key), kind):
            raise BackupError(f"{path} is incomplete: it has no list of {key}.")
    return document


def _refuse_nul(objects) -> None:
    """PostgreSQL cannot store a NUL character; SQLite can. A backup holding one is refused on both."""

    def walk(value, where):
        if isinstance(value, str):
            if "\x00" in value:
                raise BackupError(
                    f"The backup holds a NUL character ({where}), which the database cannot store."
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, where)
                walk(item, f"{where}, {key}" if isinstance(key, str) else where)
        elif isinstance(value, list):
            for item in value:
                walk(item, where)

    for index, obj in enumerate(objects, 1):
        label = obj.get("model", "?") if isinstance(obj, dict) else "?"
        walk(obj, f"record {index}, {label}")


def _applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in DATA_APPS + ["auth"]:
            latest[app] = max(latest.get(app, ""), name)
    return latest
