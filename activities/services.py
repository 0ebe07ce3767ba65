from django.db import transaction
from django.utils import timezone

from activities.models import (
    Activity,
    ActivityTarget,
    Plan,
    PlanRow,
    Reference,
    ReviewItem,
    RowActivity,
    RowTarget,
    Secretariat,
    StaleEdit,
)
from activities.signals import refreshed_once
from targets.models import Framework, Target
from targets.services import upsert


@transaction.atomic
def load_plan(*, data: dict) -> Plan:
    """Create or update a plan's wording, rows and targets from fixture data, by natural key.

    Only what the document says is written: title, texts, rows, targets and references.
    What the secretariats record later (status, owners, due dates, history) is left as it
    is, so running it again on a live database changes nothing the users entered.
    """
    plan_data = data["plan"]
    plan = upsert(
        Plan,
        lookup={"slug": plan_data["slug"]},
        values={
            "title": plan_data["title"],
            "start_year": plan_data["start_year"],
            "end_year": plan_data["end_year"],
            "footnote": plan_data.get("footnote", ""),
        },
    )
    plan.secretariats.set(
        upsert(Secretariat, lookup={"code": s["code"]}, values={"name": s["name"]})
        for s in plan_data["secretariats"]
    )
    plan.frameworks.set(Framework.objects.filter(slug__in=plan_data["frameworks"]))

    references = {
        ref["code"]: upsert(
            Reference,
            lookup={"code": ref["code"]},
            values={key: ref.get(key) or "" for key in ("kind", "name", "title", "url", "note")},
        )
        for ref in data["references"]
    }

    activities = {}
    for item in data["activities"]:
        activity = upsert(
            Activity,
            lookup={"plan": plan, "number": item["number"]},
            values={"title": item["title"], "text": item["text"]},
            create_values={"lead": item["lead"]},
        )
        activity.references.set(references[code] for code in item["references"])
        activities[item["number"]] = activity

    targets = {(target.framework.slug, target.number): target for target in Target.objects.with_framework()}
    served = {number: set() for number in activities}
    for row_data in data["rows"]:
        row, _ = PlanRow.objects.get_or_create(plan=plan, position=row_data["position"])
        row_targets = [
            targets[(slug, number)] for slug, numbers in row_data["targets"].items() for number in numbers
        ]
        _sync_links(RowTarget, {"row": row}, "target", row_targets)
        for position, number in enumerate(row_data["activities"], 1):
            upsert(
                RowActivity,
                lookup={"row": row, "activity": activities[number]},
                values={"position": position},
            )
            served[number].update(row_targets)
    with refreshed_once():
        for number, activity in activities.items():
            _sync_links(ActivityTarget, {"activity": activity}, "target", served[number])
    return plan


def _sync_links(through, owner: dict, field: str, wanted) -> None:
    """Make the links of `owner` in a through table exactly `wanted`, touching no others."""
    wanted = {obj.pk: obj for obj in wanted}
    existing = through.objects.filter(**owner)
    existing.exclude(**{f"{field}__in": wanted}).delete()
    present = set(existing.values_list(f"{field}_id", flat=True))
    for pk, obj in wanted.items():
        if pk not in present:
            through.objects.create(**owner, **{field: obj})


def update_progress(
    *,
    activity: Activity,
    by,
    expected_version: int,
    status: str,
    note: str = "",
    effective_on=None,
    owners=None,
) -> Activity:
    """Apply a status update and owner change from the activity page, in one transaction.

    Raises `StaleEdit` (and changes nothing) if anyone changed the activity since
    `expected_version`. A status change or a note becomes a history record.
    """
    with transaction.atomic():
        if status != activity.status or note:
            activity.set_status(
                status, by=by, note=note, effective_on=effective_on, expected_version=expected_version
            )
        else:
            activity.bump_version(expected_version)
            activity.save(update_fields=["version", "updated_at"])
        if owners is not None:
            activity.owners.set(owners)
    return activity


def apply_review(*, meeting, by, rows) -> list:
    """Save a meeting's review and apply the agreed statuses, all or nothing.

    `rows` are (activity, cleaned data) pairs. A status that differs from the activity's
    becomes a history record attributed to the meeting, taking effect on its date. Raises
    `StaleEdit` (and saves nothing) if anyone changed one of the activities since the review
    was opened. Returns the status changes made.
    """
    changes = []
    with transaction.atomic():
        for activity, data in rows:
            upsert(
                ReviewItem,
                lookup={"meeting": meeting, "activity": activity},
                values={key: data[key] for key in ("agreed_status", "note", "next_step")},
            )
            if data["agreed_status"] != activity.status:
                changes.append(
                    activity.set_status(
                        data["agreed_status"],
                        by=by,
                        note=data["note"],
                        effective_on=min(meeting.date, timezone.localdate()),
                        meeting=meeting,
                        expected_version=data["version"],
                    )
                )
            elif activity.version != data["version"]:
                raise StaleEdit(activity)
    return changes
