import datetime
from dataclasses import replace

from django.db.models import Prefetch
from django.utils import timezone

from activities.models import Activity, Lead, Plan, PlanRow, Status
from core.downloads import DATE, DATETIME, INTEGER, LONG_TEXT, Column, Sheet
from core.expressions import split
from targets.models import Target


def target_lists(targets, frameworks) -> dict[str, list[int]]:
    """{framework.list_name: [numbers]} for each of `frameworks`, from `targets` (read
    `with_framework()`): how the API and export_plan list what a row or an activity serves.
    A target of a framework outside the list gets its own list after them."""
    lists = {framework.list_name: [] for framework in frameworks}
    for target in sorted(targets, key=lambda t: (t.framework.position, t.number)):
        lists.setdefault(target.framework.list_name, []).append(target.number)
    return lists


def plan_as_data(plan: Plan) -> dict:
    """The plan as plain data, in the shape `manage.py export_plan` prints. Hits the database."""
    frameworks = list(plan.frameworks.order_by("position", "name"))
    targets = Target.objects.with_framework().filter(framework__in=frameworks)
    rows = (
        PlanRow.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("targets", Target.objects.with_framework()),
            Prefetch("activity_links", to_attr="ordered_links"),
        )
        .order_by("position")
    )
    activities = (
        Activity.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("targets", Target.objects.with_framework()),
            "owners",
            "references",
            "rows",
        )
        .order_by("number")
    )

    return {
        "plan": {
            "title": plan.title,
            "slug": plan.slug,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "secretariats": [secretariat.name for secretariat in plan.secretariats.all()],
        },
        "targets": [
            {
                "framework": target.framework.slug,
                "number": target.number,
                "label": str(target),
                "goal": target.goal.code if target.goal else "",
                "short_title": target.short_title,
                "text": target.text,
            }
            for target in targets
        ],
        "rows": [
            {
                "position": row.position,
                **target_lists(row.targets.all(), frameworks),
                "activities": [link.activity_id for link in row.ordered_links],
            }
            for row in rows
        ],
        "activities": [
            {
                "id": activity.pk,
                "number": activity.number,
                "title": activity.title,
                "text": activity.text,
                "lead": activity.lead,
                "status": activity.status,
                **target_lists(activity.targets.all(), frameworks),
                "rows": sorted(row.position for row in activity.rows.all()),
                "owners": [owner.get_full_name() or owner.get_username() for owner in activity.owners.all()],
                "due_date": activity.due_date.isoformat() if activity.due_date else None,
                "references": [reference.name for reference in activity.references.all()],
            }
            for activity in activities
        ],
    }


# The columns of the activity list's downloads, CSV and Excel alike; an import reads the same
# ones back (activities/imports.py), so their headers are the file's contract.
NUMBER, TITLE, TEXT = "Number", "Title", "Text"
STATUS, STATUS_SINCE, NOTE, OWNERS, DUE_DATE = "Status", "Status took effect on", "Note", "Owners", "Due date"
LEAD, UPDATED, ID, VERSION = "Lead", "Last update (UTC)", "ID", "Version"
EDITABLE = (STATUS, STATUS_SINCE, NOTE, OWNERS, DUE_DATE)


def export_columns(frameworks) -> list[Column]:
    """The columns of the activity list's downloads: a column of target numbers per framework,
    the columns staff edit for an import, and, hidden, what an import recognises a row by."""
    return [
        Column(NUMBER, INTEGER),
        Column(TITLE),
        Column(TEXT, LONG_TEXT),
        *(Column(framework.targets_name) for framework in frameworks),
        Column(
            STATUS,
            editable=True,
            choices=tuple(str(label) for label in Status.labels),
            note="The activity's status. Choose a new one from the list to record a change.",
        ),
        Column(
            STATUS_SINCE,
            DATE,
            editable=True,
            note="The date the status took effect. For a new status, the date it took effect "
            "(left as it is, the import uses the day of the import).",
        ),
        Column(
            NOTE, editable=True, note="A note recorded with the change, in the status history.", min_width=40
        ),
        Column(
            OWNERS,
            editable=True,
            note="Secretariat staff responsible for it: full names or usernames, separated by commas.",
            min_width=24,
        ),
        Column(DUE_DATE, DATE, editable=True, note="Within the plan period; empty for none."),
        Column(LEAD),
        Column(UPDATED, DATETIME),
        Column(ID, INTEGER, hidden=True, note="Keep: the import recognises the activity by it."),
        Column(VERSION, INTEGER, hidden=True, note="Keep: the import notices later changes by it."),
    ]


def activity_rows(activities, frameworks, *, as_of: datetime.date | None = None):
    """`export_columns(frameworks)` for each activity of a `for_export(frameworks)` queryset, as
    the list page shows it (status as of its date). An export of past statuses (`as_of`)
    leaves out the date the current status took effect and the version: it is no file to
    import back."""
    labels = dict(Status.choices)
    leads = dict(Lead.choices)
    current = as_of is None
    for activity in activities:
        updated = activity.updated_at
        yield [
            activity.number,
            activity.title,
            activity.text,
            *(
                ", ".join(str(n) for n in sorted(int(n) for n in split(getattr(activity, f"targets_{f.pk}"))))
                for f in frameworks
            ),
            str(labels.get(getattr(activity, "status_shown", activity.status))),
            activity.status_since if current else None,
            "",
            ", ".join(activity.owner_names),
            activity.due_date,
            str(leads.get(activity.lead, activity.lead)),
            timezone.localtime(updated, datetime.UTC).replace(tzinfo=None) if updated else None,
            activity.pk,
            activity.version if current else None,
        ]


def target_sheet(targets) -> Sheet:
    """The official text of each of `targets` (read `with_framework()`), one row each."""
    return Sheet(
        title="Targets",
        columns=[
            Column("Framework"),
            Column("Target"),
            Column(NUMBER, INTEGER),
            Column("Short title"),
            Column("Official text", LONG_TEXT),
        ],
        rows=(
            [target.framework.name, str(target), target.number, target.short_title, target.text]
            for target in sorted(targets, key=lambda t: (t.framework.position, t.framework.name, t.number))
        ),
        notes=["The targets' official texts", "As the frameworks that adopted them word them."],
    )


def activity_sheets(
    *, plan: Plan, activities, frameworks, targets, filters: list[str], as_of, exported_at, import_url: str
) -> list[Sheet]:
    """The activity list's workbook: the activities, with the date and filters of the export
    noted above them, then the targets' official texts."""
    when = timezone.localtime(exported_at, datetime.UTC)
    notes = [
        f"{plan.title}: joint activities",
        f"Exported on {when.day} {when:%B %Y at %H:%M} UTC. "
        + (f"Filters: {'; '.join(filters)}." if filters else "No filter: every activity of the plan."),
    ]
    if as_of is None:
        legend = (
            "To update activities, change the columns with this colour (" + ", ".join(EDITABLE) + ") "
            f"and import the file at {import_url} (secretariat staff). Other columns are not "
            "imported; keep the hidden ID and Version columns."
        )
    else:
        notes.append(
            f"Statuses as they stood on {as_of:%d %B %Y}, from the status history. "
            "This file shows past statuses: it cannot be imported back."
        )
        legend = ""
    columns = export_columns(frameworks)
    if as_of is not None:
        columns = [replace(column, editable=False, choices=()) for column in columns]
    return [
        Sheet(
            title="Activities",
            columns=columns,
            rows=activity_rows(activities, frameworks, as_of=as_of),
            notes=notes,
            legend=legend,
        ),
        target_sheet(targets),
    ]
