from django.db.models import Prefetch

from activities.models import Activity, Lead, Plan, PlanRow, Status
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


def export_columns(frameworks) -> list[str]:
    """The header of the activity list's downloads: a column of target numbers per framework."""
    return [
        "Number",
        "Title",
        "Text",
        *(framework.targets_name for framework in frameworks),
        "Status",
        "Lead",
        "Owners",
        "Due date",
        "Last update (UTC)",
    ]


def activity_rows(activities, frameworks):
    """`export_columns(frameworks)` for each activity of a `for_export(frameworks)` queryset, as
    the list page shows it (status as of its date)."""
    labels = dict(Status.choices)
    leads = dict(Lead.choices)
    for activity in activities:
        yield [
            activity.number,
            activity.title,
            activity.text,
            *(
                ", ".join(str(n) for n in sorted(int(n) for n in split(getattr(activity, f"targets_{f.pk}"))))
                for f in frameworks
            ),
            labels.get(getattr(activity, "status_shown", activity.status)),
            leads.get(activity.lead, activity.lead),
            ", ".join(activity.owner_names),
            activity.due_date.isoformat() if activity.due_date else "",
            activity.updated_at.strftime("%Y-%m-%d %H:%M") if activity.updated_at else "",
        ]
