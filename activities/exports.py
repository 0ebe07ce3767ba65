from django.db.models import Prefetch

from activities.models import Activity, Lead, Plan, PlanRow, Status
from core.expressions import split
from targets.models import Target

# Keys that name each framework's target lists in the export; other frameworks get "<slug>_targets".
TARGET_LIST_KEYS = {"cms": "migratory_species_targets", "aichi": "aichi_targets"}


def target_list_key(framework_slug: str) -> str:
    return TARGET_LIST_KEYS.get(framework_slug, f"{framework_slug}_targets")


def plan_as_data(plan: Plan) -> dict:
    """The plan as plain data, in the shape `manage.py export_plan` prints. Hits the database."""
    frameworks = list(plan.frameworks.all())
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

    def target_lists(linked_targets) -> dict:
        lists = {target_list_key(framework.slug): [] for framework in frameworks}
        for target in sorted(linked_targets, key=lambda t: (t.framework.position, t.number)):
            lists.setdefault(target_list_key(target.framework.slug), []).append(target.number)
        return lists

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
                **target_lists(row.targets.all()),
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
                **target_lists(activity.targets.all()),
                "rows": sorted(row.position for row in activity.rows.all()),
                "owners": [owner.get_full_name() or owner.get_username() for owner in activity.owners.all()],
                "due_date": activity.due_date.isoformat() if activity.due_date else None,
                "references": [reference.name for reference in activity.references.all()],
            }
            for activity in activities
        ],
    }


COLUMNS = [
    "Number",
    "Title",
    "Text",
    "Migratory Species Targets",
    "Aichi Targets",
    "Status",
    "Lead",
    "Owners",
    "Due date",
    "Last update (UTC)",
]


def activity_rows(activities):
    """COLUMNS for each activity of a `for_export()` queryset, as the list page shows it
    (status as of its date)."""
    labels = dict(Status.choices)
    leads = dict(Lead.choices)
    for activity in activities:
        yield [
            activity.number,
            activity.title,
            activity.text,
            ", ".join(str(n) for n in sorted(int(n) for n in split(activity.cms_numbers))),
            ", ".join(str(n) for n in sorted(int(n) for n in split(activity.aichi_numbers))),
            labels.get(getattr(activity, "status_shown", activity.status)),
            leads.get(activity.lead, activity.lead),
            ", ".join(activity.owner_names),
            activity.due_date.isoformat() if activity.due_date else "",
            activity.updated_at.strftime("%Y-%m-%d %H:%M") if activity.updated_at else "",
        ]
