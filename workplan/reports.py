"""Figures for the dashboard, the comparison between two dates and the report. Each is a few queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Prefetch

from activities.models import Activity, Lead, Meeting, MeetingKind, Plan, Status, StatusChange
from targets.models import Target

BAR_COLOURS = {
    Status.NOT_REPORTED: "#8a94a1",
    Status.PLANNED: "#d9a520",
    Status.IN_PROGRESS: "#2f7cc2",
    Status.COMPLETED: "#2e8a4f",
    Status.ON_HOLD: "#d9822b",
    Status.DISCONTINUED: "#b8474e",
}


@dataclass
class Bar:
    value: str
    label: str
    count: int
    percent: float
    colour: str = "#0b4f6c"
    offset: float = 0  # where the bar starts in a stacked bar, in percent


def bars(counts: dict, choices, total: int, colours=None) -> list[Bar]:
    result, offset = [], 0.0
    for value, label in choices:
        count = counts.get(value, 0)
        percent = 100 * count / total if total else 0
        result.append(Bar(value, label, count, percent, (colours or {}).get(value, "#0b4f6c"), offset))
        offset += percent
    return result


def dashboard(plan: Plan, day: datetime.date | None, reader) -> dict:
    """The dashboard's figures as of `day` (today when None), meetings as `reader` may see them."""
    activities = Activity.objects.filter(plan=plan).with_status_on(day)
    by_status = dict(activities.values_list("status_shown").annotate(n=Count("pk")).order_by())
    total = sum(by_status.values())
    by_lead = dict(activities.values_list("lead").annotate(n=Count("pk")).order_by())
    rollup: dict[tuple[str, int], dict[str, int]] = {}
    for slug, number, status, n in (
        activities.filter(targets__isnull=False)
        .values_list("targets__framework__slug", "targets__number", "status_shown")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rollup.setdefault((slug, number), {})[status] = n
    frameworks: dict = {}
    targets = Target.objects.with_framework().filter(framework__plans=plan)
    for target in targets.order_by("framework__position", "number"):
        counts = rollup.get((target.framework.slug, target.number), {})
        served = sum(counts.values())
        rows = frameworks.setdefault(target.framework, [])
        rows.append((target, served, bars(counts, Status.choices, served, BAR_COLOURS)))
    last_annual = (
        Meeting.objects.visible_to(reader)
        .filter(plan=plan, kind=MeetingKind.ANNUAL, date__lte=day or datetime.date.today())
        .order_by("-date")
        .first()
    )
    stale = Activity.objects.filter(plan=plan).order_by("number")
    if last_annual:
        stale = stale.not_updated_since(last_annual.date)
    overdue = (
        Activity.objects.filter(plan=plan)
        .with_status_on(day)
        .with_overdue(day, "status_shown")
        .filter(overdue=True)
        .order_by("due_date", "number")
    )
    return {
        "overdue": list(overdue),
        "total": total,
        "by_status": bars(by_status, Status.choices, total, BAR_COLOURS),
        "by_lead": bars(by_lead, Lead.choices, total),
        "frameworks": list(frameworks.items()),
        "last_annual": last_annual,
        "stale": list(stale) if last_annual else [],
    }


def default_report_date(plan: Plan) -> tuple[datetime.date, str]:
    """The date a report shows by default, and why ("plan_end" or "latest_change"): the end of
    the plan period, or the latest status change of its activities if that is earlier. Hits the
    database."""
    end = datetime.date(plan.end_year, 12, 31)
    latest = StatusChange.objects.filter(activity__plan=plan).aggregate(latest=Max("effective_on"))["latest"]
    if latest is not None and latest < end:
        return latest, "latest_change"
    return end, "plan_end"


def default_comparison_dates(plan: Plan, reader) -> tuple[datetime.date, datetime.date]:
    """The last two annual meetings `reader` may see, or the plan's start and today."""
    dates = list(
        Meeting.objects.visible_to(reader)
        .filter(plan=plan, kind=MeetingKind.ANNUAL)
        .order_by("-date")
        .values_list("date", flat=True)[:2]
    )
    if len(dates) == 2:
        return dates[1], dates[0]
    return datetime.date(plan.start_year, 1, 1), datetime.date.today()


def changes_between(plan: Plan, start: datetime.date, end: datetime.date, reader) -> list[Activity]:
    """Activities whose status moved between the two dates, with the changes and their notes
    as `reader` may read them."""
    in_range = StatusChange.objects.filter(effective_on__gt=start, effective_on__lte=end)
    activities = (
        Activity.objects.filter(plan=plan)
        .with_status_on(start, name="status_before")
        .with_status_on(end, name="status_after")
        .filter(Exists(in_range.filter(activity=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "status_changes",
                in_range.visible_to(reader)
                .select_related("changed_by", "meeting")
                .order_by("effective_on", "pk"),
                to_attr="changes_in_range",
            )
        )
        .order_by("number")
    )
    return list(activities)
