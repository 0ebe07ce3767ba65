"""Every write to the plan's activities goes through one function here, whoever asks: the
activity page, Django admin, a meeting review, an import or a command.

- `record_progress`: status, the date it took effect, a note, owners, due date and the meeting
  that agreed it. Locks the activity's version, writes the history and the audit entry.
- `apply_review`: a meeting's review, all or nothing, through `record_progress`.
- `links_changed`: after rows, row targets or served targets change, keeps every activity
  serving its rows' targets and its sort key current.
- `load_plan`: the plan's own words from the fixtures.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    ActivityTarget,
    Meeting,
    Plan,
    PlanRow,
    Reference,
    ReviewItem,
    RowActivity,
    RowTarget,
    Secretariat,
    Status,
    StatusChange,
    Via,
    owner_candidates,
)
from core.audit import audit
from core.versioning import StaleEdit, lock_version
from targets.models import Framework, Target
from targets.services import upsert

UNCHANGED = object()  # a keyword left out: the value stays as it is


@dataclass
class Progress:
    """What one call of `record_progress` changed."""

    activity: Activity
    status_change: StatusChange | None = None
    old_status: str = ""
    owners_added: list = field(default_factory=list)  # users
    owners_removed: list = field(default_factory=list)  # their ids
    due_date_changed: bool = False

    @property
    def status_changed(self) -> bool:
        return self.status_change is not None and self.old_status != self.activity.status

    @property
    def owners_changed(self) -> bool:
        return bool(self.owners_added or self.owners_removed)

    def summary(self) -> str:
        """What was saved, in words: "status now completed; note added; owners changed"."""
        parts = []
        if self.status_changed:
            status = self.activity.get_status_display().lower()
            if self.status_change.note:
                parts.append(_("status now %(status)s, with a note") % {"status": status})
            else:
                parts.append(_("status now %(status)s") % {"status": status})
        elif self.status_change is not None:
            parts.append(_("note added"))
        if self.owners_changed:
            parts.append(_("owners changed"))
        if self.due_date_changed:
            due = self.activity.due_date
            parts.append(
                _("due date %(date)s") % {"date": date_format(due)} if due else _("due date cleared")
            )
        return "; ".join(parts) or _("nothing changed")


def progress_errors(
    activity: Activity,
    *,
    status: str,
    effective_on: datetime.date,
    owners=UNCHANGED,
    due_date=UNCHANGED,
    note: str = "",
    owner_ids: set[int] | None = None,
) -> dict[str, list[ValidationError]]:
    """Why this update of `activity` cannot be recorded, by field (empty when it can).

    The one set of rules for every editor; forms show them beside their fields. `owner_ids`
    are the activity's owners now, read when not given. Hits the database to read them and
    to check new owners.
    """
    errors: dict[str, list[ValidationError]] = {}

    def refuse(name, message, code):
        errors.setdefault(name, []).append(ValidationError(message, code=code))

    if status not in Status.values:
        refuse("status", _("Unknown status “%(status)s”.") % {"status": status}, "unknown_status")
    plan_start = datetime.date(activity.plan.start_year, 1, 1)
    if effective_on > timezone.localdate():
        refuse("effective_on", _("A status cannot take effect in the future."), "in_future")
    elif effective_on < plan_start:
        refuse(
            "effective_on",
            _("The date cannot be before the plan starts (%(date)s).") % {"date": date_format(plan_start)},
            "before_plan",
        )
    elif activity.status_since and effective_on < activity.status_since:
        refuse(
            "effective_on",
            _(
                "The current status (%(status)s) took effect on %(date)s; a change cannot take "
                "effect before it."
            )
            % {"status": activity.get_status_display().lower(), "date": date_format(activity.status_since)},
            "before_current",
        )
    if due_date is not UNCHANGED and due_date is not None and not activity.plan.covers(due_date):
        refuse("due_date", activity.plan.outside_period_message(), "outside_plan_period")
    if owners is not UNCHANGED and owner_ids is None:
        owner_ids = set(activity.owners.values_list("pk", flat=True))
    if owners is not UNCHANGED:
        new = {owner.pk for owner in owners} - owner_ids
        allowed = set(owner_candidates().filter(pk__in=new).values_list("pk", flat=True))  # staff
        for owner in owners:
            if owner.pk in new - allowed:
                refuse(
                    "owners",
                    _("%(name)s is not secretariat staff.")
                    % {"name": owner.get_full_name() or owner.get_username()},
                    "not_staff",
                )
    unchanged = (
        status == activity.status
        and not note
        and (owners is UNCHANGED or {o.pk for o in owners} == owner_ids)
        and (due_date is UNCHANGED or due_date == activity.due_date)
    )
    if unchanged and not errors:
        refuse(
            "__all__",
            _("Nothing to save: choose a new status, add a note, or change the owners or the due date."),
            "no_change",
        )
    return errors


def record_progress(
    *,
    activity: Activity,
    by,
    expected_version: int,
    status: str | None = None,
    effective_on: datetime.date | None = None,
    note: str = "",
    owners=UNCHANGED,
    due_date=UNCHANGED,
    meeting: Meeting | None = None,
    via: str = Via.WEB,
    source: str = "",
) -> Progress:
    """Record progress on `activity`, in one transaction. Writes to the database.

    A new status or a note becomes a status change (the history the current status derives
    from: see `StatusChangeQuerySet.LATEST_FIRST`), taking effect on `effective_on` (today by
    default), which may not be before the current status took effect. Raises `StaleEdit` if
    anyone changed the activity since `expected_version`, `ValidationError` (by field) if
    `progress_errors` finds a problem; either way nothing is written.
    """
    with transaction.atomic():
        # Read under the lock: what the update replaces.
        lock_version(activity, expected_version, read=("status", "status_since", "due_date"))
        owner_ids = set(activity.owners.values_list("pk", flat=True)) if owners is not UNCHANGED else None
        status = status or activity.status
        effective_on = effective_on or timezone.localdate()
        errors = progress_errors(
            activity,
            status=status,
            effective_on=effective_on,
            owners=owners,
            due_date=due_date,
            note=note,
            owner_ids=owner_ids,
        )
        if errors:
            raise ValidationError(errors)

        progress = Progress(activity=activity, old_status=activity.status)
        if status != activity.status or note:
            progress.status_change = StatusChange.objects.create(
                activity=activity,
                old_status=activity.status,
                new_status=status,
                changed_by=by,
                effective_on=effective_on,
                note=note,
                meeting=meeting,
                via=via,
                source=source,
            )
            activity.status, activity.status_since = status, effective_on
        if due_date is not UNCHANGED and due_date != activity.due_date:
            activity.due_date, progress.due_date_changed = due_date, True
        activity.updated_at = timezone.now()
        # A plain save, so the change history records it.
        activity.save(update_fields=["status", "status_since", "due_date", "version", "updated_at"])
        if owners is not UNCHANGED:
            wanted = {owner.pk: owner for owner in owners}
            progress.owners_added = [owner for pk, owner in wanted.items() if pk not in owner_ids]
            progress.owners_removed = sorted(owner_ids - set(wanted))
            if progress.owners_changed:
                activity.owners.set(owners)
        event = {
            "activity": activity.pk,
            "old_status": progress.old_status,
            "new_status": activity.status,
            "effective_on": effective_on.isoformat() if progress.status_change else None,
            "version": activity.version,
            "via": via,
            "meeting": meeting.pk if meeting else None,
            "owners_changed": progress.owners_changed,
            "due_date_changed": progress.due_date_changed,
        }
        name = "status_changed" if progress.status_changed else "progress_recorded"
        audit(name, user=by, when_committed=True, **event)
    return progress


def review_date(meeting: Meeting) -> datetime.date:
    """The date a status agreed at `meeting` takes effect: the meeting's, or today if it is later."""
    return min(meeting.date, timezone.localdate())


def apply_review(*, meeting: Meeting, by, expected_version: int, rows) -> list[Progress]:
    """Save a meeting's review and apply the agreed statuses, all or nothing.

    `rows` are (activity, cleaned data) pairs; an activity the meeting's record did not name
    as discussed is added to those it discussed. A status that differs from the activity's
    becomes a status change attributed to the meeting, taking effect on its date. Raises
    `StaleEdit` (for the meeting, or for an activity changed since the review was opened) and
    saves nothing. Returns what each status change did.
    """
    applied = []
    with transaction.atomic():
        lock_version(meeting, expected_version)
        meeting.save(update_fields=["version"])
        # What the review covers, the meeting discussed.
        discussed = set(meeting.activities.values_list("pk", flat=True))
        if missing := [activity for activity, _ in rows if activity.pk not in discussed]:
            meeting.activities.add(*missing)
        for activity, data in rows:
            upsert(
                ReviewItem,
                lookup={"meeting": meeting, "activity": activity},
                values={key: data[key] for key in ("agreed_status", "note", "next_step")},
            )
            if data["agreed_status"] != activity.status:
                applied.append(
                    record_progress(
                        activity=activity,
                        by=by,
                        expected_version=data["version"],
                        status=data["agreed_status"],
                        effective_on=review_date(meeting),
                        note=data["note"],
                        meeting=meeting,
                        via=Via.REVIEW,
                    )
                )
            elif activity.version != data["version"]:
                raise StaleEdit(activity)
    return applied


def links_changed(activity_ids=None, *, bump: bool = False) -> None:
    """Bring activities in step after a change to their rows, their rows' targets or the
    targets they serve (all activities when `activity_ids` is None). Writes to the database.

    An activity serves every target of every row it stands under: a missing link is added
    (with its history record). Sort keys are refreshed. With `bump`, each activity's version
    is raised, so an editor who opened it before is refused.
    """
    activities = (
        Activity.objects.all() if activity_ids is None else Activity.objects.filter(pk__in=activity_ids)
    )
    missing = (
        RowActivity.objects.filter(activity__in=activities)
        .annotate(target_id=models.F("row__rowtarget__target"))
        .filter(target_id__isnull=False)
        .exclude(
            models.Exists(
                ActivityTarget.objects.filter(
                    activity=models.OuterRef("activity"), target=models.OuterRef("target_id")
                )
            )
        )
        .values_list("activity_id", "target_id")
        .distinct()
    )
    for activity_id, target_id in list(missing):
        ActivityTarget.objects.create(activity_id=activity_id, target_id=target_id)
    activities.refresh_target_sort_key()
    if bump:
        for activity in activities.only("pk", "version"):
            activity.version += 1
            activity.save(update_fields=["version"])


@transaction.atomic
def load_plan(*, data: dict) -> Plan:
    """Create or update a plan's wording, rows and targets from fixture data, by natural key.

    Only what the document says is written: title, texts, rows, targets and references.
    What the secretariats record later (status, owners, due dates, history, targets linked
    in admin) is left as it is, so running it again on a live database changes nothing the
    users entered.
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
    plan.frameworks.add(*Framework.objects.filter(slug__in=plan_data["frameworks"]))

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
    links_changed([activity.pk for activity in activities.values()])
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
