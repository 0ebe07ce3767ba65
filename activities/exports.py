import datetime
from dataclasses import replace

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
# ones back (activities/imports.py). Each column has a stable key, the same in every language,
# and a header, written in the language of the page the file was downloaded from; an import
# recognises the headers of every one of the site's languages (`header_names`).
NUMBER, TITLE, TEXT = "number", "title", "text"
STATUS, STATUS_SINCE, NOTE, OWNERS, DUE_DATE = "status", "status_since", "note", "owners", "due_date"
LEAD, UPDATED, ID, VERSION = "lead", "updated", "id", "version"
EDITABLE = (STATUS, STATUS_SINCE, NOTE, OWNERS, DUE_DATE)

HEADERS = {
    NUMBER: gettext_lazy("Number"),
    TITLE: gettext_lazy("Title"),
    TEXT: gettext_lazy("Text"),
    STATUS: gettext_lazy("Status"),
    STATUS_SINCE: gettext_lazy("Status took effect on"),
    NOTE: gettext_lazy("Note"),
    OWNERS: gettext_lazy("Owners"),
    DUE_DATE: gettext_lazy("Due date"),
    LEAD: gettext_lazy("Lead"),
    UPDATED: gettext_lazy("Last update (UTC)"),
    ID: gettext_lazy("ID"),
    VERSION: gettext_lazy("Version"),
}

# The sheets' names, in the language of the download too.
ACTIVITIES_SHEET = gettext_lazy("Activities")
TARGETS_SHEET = gettext_lazy("Targets")


def header(key: str) -> str:
    """The header of the column `key` in the active language (any other text as it is)."""
    return str(HEADERS[key]) if key in HEADERS else key


def export_columns(frameworks) -> list[Column]:
    """The columns of the activity list's downloads, headed in the active language: a column of
    target numbers per framework, the columns staff edit for an import, and, hidden, what an
    import recognises a row by."""
    return [
        Column(header(NUMBER), INTEGER, key=NUMBER),
        Column(header(TITLE), key=TITLE),
        Column(header(TEXT), LONG_TEXT, key=TEXT),
        *(Column(str(framework.targets_name), key=framework.list_name) for framework in frameworks),
        Column(
            header(STATUS),
            editable=True,
            choices=tuple(str(label) for label in Status.labels),
            note=_("The activity's status. Choose a new one from the list to record a change."),
            key=STATUS,
        ),
        Column(
            header(STATUS_SINCE),
            DATE,
            editable=True,
            note=_(
                "The date the status took effect. For a new status, the date it took effect "
                "(left as it is, the import uses the day of the import)."
            ),
            key=STATUS_SINCE,
        ),
        Column(
            header(NOTE),
            editable=True,
            note=_("A note recorded with the change, in the status history."),
            min_width=40,
            key=NOTE,
        ),
        Column(
            header(OWNERS),
            editable=True,
            note=_("Secretariat staff responsible for it: full names or usernames, separated by commas."),
            min_width=24,
            key=OWNERS,
        ),
        Column(
            header(DUE_DATE),
            DATE,
            editable=True,
            note=_("Within the plan period; empty for none."),
            key=DUE_DATE,
        ),
        Column(header(LEAD), key=LEAD),
        Column(header(UPDATED), DATETIME, key=UPDATED),
        Column(
            header(ID),
            INTEGER,
            hidden=True,
            note=_("Keep: the import recognises the activity by it."),
            key=ID,
        ),
        Column(
            header(VERSION),
            INTEGER,
            hidden=True,
            note=_("Keep: the import notices later changes by it."),
            key=VERSION,
        ),
    ]


def activity_rows(activities, frameworks, *, as_of: datetime.date | None = None):
    """`export_columns(frameworks)` for each activity of a `for_export(frameworks)` queryset, as
    the list page shows it (status as of its date). An export of past statuses (`as_of`)
    leaves out the date the current status took effect and the version: it is no file to
    import back. Status and lead labels are in the language active when this is called (a CSV
    is streamed after the view returns)."""
    labels = {code: str(label) for code, label in Status.choices}
    leads = {code: str(label) for code, label in Lead.choices}
    return _activity_rows(activities, frameworks, labels, leads, as_of is None)


def _activity_rows(activities, frameworks, labels: dict, leads: dict, current: bool):
    for activity in activities:
        updated = activity.updated_at
        status = getattr(activity, "status_shown", activity.status)
        yield [
            activity.number,
            activity.title,
            activity.text,
            *(
                ", ".join(str(n) for n in sorted(int(n) for n in split(getattr(activity, f"targets_{f.pk}"))))
                for f in frameworks
            ),
            labels.get(status, status),
            activity.status_since if current else None,
            "",
            ", ".join(activity.owner_names),
            activity.due_date,
            leads.get(activity.lead, activity.lead),
            timezone.localtime(updated, datetime.UTC).replace(tzinfo=None) if updated else None,
            activity.pk,
            activity.version if current else None,
        ]


def target_sheet(targets) -> Sheet:
    """The official text of each of `targets` (read `with_framework()`), one row each, in the
    active language where an official text in it exists, else in English (the language column
    says which)."""
    rows = []
    for target in sorted(targets, key=lambda t: (t.framework.position, t.framework.name, t.number)):
        text = target.local_text
        rows.append(
            [
                str(target.framework.local_name),
                str(target),
                target.number,
                str(target.local_short_title),
                str(text),
                text.lang,
            ]
        )
    return Sheet(
        title=str(TARGETS_SHEET),
        columns=[
            Column(_("Framework")),
            Column(_("Target")),
            Column(header(NUMBER), INTEGER, key=NUMBER),
            Column(_("Short title")),
            Column(_("Official text"), LONG_TEXT),
            Column(
                _("Language"),
                note=_(
                    "The language of the official text: English where no official translation is available."
                ),
            ),
        ],
        rows=rows,
        notes=[_("The targets' official texts"), _("As the frameworks that adopted them word them.")],
    )


def activity_sheets(
    *, plan: Plan, activities, frameworks, targets, filters: list[str], as_of, exported_at, import_url: str
) -> list[Sheet]:
    """The activity list's workbook, in the active language: the activities, with the date and
    filters of the export noted above them, then the targets' official texts."""
    when = timezone.localtime(exported_at, datetime.UTC)
    exported = _("Exported on %(date)s at %(time)s UTC.") % {
        "date": date_format(when),
        "time": time_format(when, "H:i"),
    }
    scope = (
        _("Filters: %(filters)s.") % {"filters": "; ".join(map(str, filters))}
        if filters
        else _("No filter: every activity of the plan.")
    )
    notes = [_("%(plan)s: joint activities") % {"plan": plan.title}, f"{exported} {scope}"]
    if as_of is None:
        legend = _(
            "To update activities, change the columns with this colour (%(columns)s) and import the "
            "file at %(url)s (secretariat staff). Other columns are not imported; keep the hidden "
            "%(id)s and %(version)s columns."
        ) % {
            "columns": ", ".join(header(key) for key in EDITABLE),
            "url": import_url,
            "id": header(ID),
            "version": header(VERSION),
        }
    else:
        notes.append(
            _(
                "Statuses as they stood on %(date)s, from the status history. "
                "This file shows past statuses: it cannot be imported back."
            )
            % {"date": date_format(as_of)}
        )
        legend = ""
    columns = export_columns(frameworks)
    if as_of is not None:
        columns = [replace(column, editable=False, choices=()) for column in columns]
    return [
        Sheet(
            title=str(ACTIVITIES_SHEET),
            columns=columns,
            rows=activity_rows(activities, frameworks, as_of=as_of),
            notes=notes,
            legend=legend,
        ),
        target_sheet(targets),
    ]
