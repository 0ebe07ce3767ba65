"""The change history of an activity, as staff read it: every change to the activity itself,
its owners and citations (its own records), the targets it serves and the rows it stands under
(their link records), wherever the change was made."""

from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity, ActivityTarget, RowActivity

HIDDEN_FIELDS = ["version", "updated_at"]
# Many-to-many fields whose history is kept, and the related model's field in their through table.
M2M_FIELDS = {"owners": "user", "references": "reference"}
# Link tables whose records belong to the activity's history: (model, linked field, its label).
LINKS = [(ActivityTarget, "target"), (RowActivity, "row")]
# What happened to a link, by kind of link: whole phrases, so that each language words them.
LINK_VERBS = {
    ("target", "+"): gettext_lazy("added a target"),
    ("target", "-"): gettext_lazy("removed a target"),
    ("target", "~"): gettext_lazy("changed a target"),
    ("row", "+"): gettext_lazy("added a row"),
    ("row", "-"): gettext_lazy("removed a row"),
    ("row", "~"): gettext_lazy("changed a row"),
}
LINK_LABELS = {"target": gettext_lazy("target"), "row": gettext_lazy("row")}


@dataclass
class Entry:
    when: datetime
    who: object
    what: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


def activity_change_history(activity: Activity, limit: int = 20) -> list[Entry]:
    """The latest `limit` changes to the activity, its owners, citations, targets and rows.

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
                    (
                        Activity._meta.get_field(name).verbose_name,
                        ", ".join(sorted(before)) or _("none"),
                        ", ".join(sorted(after)) or _("none"),
                    )
                )
        if changes:
            entries.append(Entry(newer.history_date, newer.history_user, _("changed"), changes))
    for model, name in LINKS:
        entries += _link_entries(model, name, activity, limit)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]


def _link_entries(model, name: str, activity: Activity, limit: int) -> list[Entry]:
    """Added, removed and changed links of one kind, each change read against the link's
    previous record (a link whose target is changed in admin keeps its id)."""
    related = f"{name}__framework" if name == "target" else f"{name}__plan"
    records = list(
        model.history.filter(activity_id=activity.pk)
        .select_related("history_user", related)
        .order_by("history_date", "history_id")
    )[-(2 * limit) :]
    previous: dict[int, object] = {}
    entries = []
    label = LINK_LABELS[name]
    for record in records:
        shown = _link_label(record, name)
        if record.history_type == "+":
            entries.append(
                Entry(record.history_date, record.history_user, LINK_VERBS[name, "+"], [(label, "", shown)])
            )
        elif record.history_type == "-":
            entries.append(
                Entry(record.history_date, record.history_user, LINK_VERBS[name, "-"], [(label, "", shown)])
            )
        else:
            before = previous.get(record.id)
            old = _link_label(before, name) if before is not None else ""
            if old != shown:
                entries.append(
                    Entry(
                        record.history_date, record.history_user, LINK_VERBS[name, "~"], [(label, old, shown)]
                    )
                )
        previous[record.id] = record
    return entries


def _link_label(record, name: str) -> str:
    linked = getattr(record, name, None)
    if linked is None:
        return _("%(link)s %(id)s (since deleted)") % {
            "link": LINK_LABELS[name],
            "id": getattr(record, f"{name}_id"),
        }
    if name == "row":
        return _("Row %(position)s") % {"position": linked.position}
    return str(linked)


def _verb(history_type: str) -> str:
    return {"+": _("created it"), "-": _("deleted it")}.get(history_type, _("changed it"))


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
