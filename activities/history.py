"""The change history of an activity, as staff read it on the activity page."""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps

from activities.models import Activity, ActivityTarget

HIDDEN_FIELDS = ["version", "updated_at"]
# Many-to-many fields whose history is kept, and the related model's field in their through table.
M2M_FIELDS = {"owners": "user", "references": "reference"}


@dataclass
class Entry:
    when: datetime
    who: object
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def activity_change_history(activity: Activity, limit: int = 20) -> list[Entry]:
    """The latest `limit` changes to the activity, its owners, citations and targets.

    Hits the database a fixed number of times, however long the history.
    """
    records = list(
        activity.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    m2m = {name: _m2m_values(name, records) for name in M2M_FIELDS}
    entries = []
    for newer, older in zip(records, records[1:] + [None], strict=True):
        if older is None:
            if len(records) <= limit:
                entries.append(Entry(newer.history_date, newer.history_user, _verb(newer.history_type)))
            continue
        delta = newer.diff_against(older, excluded_fields=HIDDEN_FIELDS + list(M2M_FIELDS))
        changes = [
            (
                Activity._meta.get_field(change.field).verbose_name,
                _shown(change.field, change.old),
                _shown(change.field, change.new),
            )
            for change in delta.changes
        ]
        for name, values in m2m.items():
            before, after = values.get(older.history_id, []), values.get(newer.history_id, [])
            if sorted(before) != sorted(after):
                changes.append(
                    (name, ", ".join(sorted(before)) or "none", ", ".join(sorted(after)) or "none")
                )
        if changes:
            entries.append(Entry(newer.history_date, newer.history_user, "changed", changes))
    links = (
        ActivityTarget.history.filter(activity_id=activity.pk)
        .select_related("history_user", "target__framework")
        .order_by("-history_date")[:limit]
    )
    for link in links:
        verb = {"+": "added a target", "-": "removed a target"}.get(link.history_type)
        if verb:
            entries.append(
                Entry(link.history_date, link.history_user, verb, [("target", "", str(link.target))])
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _verb(history_type: str) -> str:
    return {"+": "created it", "-": "deleted it"}.get(history_type, "changed it")


def _m2m_values(name: str, records) -> dict[int, list[str]]:
    """{history id: labels} of a many-to-many field, for all the records in one query."""
    through = apps.get_model("activities", f"HistoricalActivity_{name}")
    related_name = M2M_FIELDS[name]
    rows = through.objects.filter(history__in=[record.history_id for record in records]).select_related(
        related_name
    )
    values: dict[int, list[str]] = {}
    for row in rows:
        related = getattr(row, related_name)
        label = (related.get_full_name() or related.get_username()) if name == "owners" else str(related)
        values.setdefault(row.history_id, []).append(label)
    return values


def _shown(name: str, value) -> str:
    if name == "status":
        return dict(Activity._meta.get_field("status").choices).get(value, value)
    return "" if value is None else str(value)
