"""The plan period drawn as a timeline: one lane per activity, grouped by plan row, a bar per
period between status changes, due dates, and the coordination meetings across every lane.

Drawn on the server as SVG (no build step, no script); `timeline()` returns what the template
draws and the table beside it. Four queries whatever the number of activities or changes: the
activities, their rows, their status changes, the meetings.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from activities.models import Activity, Meeting, Plan, PlanRow, Status, StatusChange
from workplan.reports import BAR_COLOURS

# The drawing's geometry, in SVG user units.
WIDTH = 1000
LABEL_WIDTH = 270  # the activity numbers and titles, left of the chart
RIGHT_MARGIN = 12
AXIS_HEIGHT = 44  # year labels and meeting dates above the lanes
LANE = 24
GROUP = 26  # a plan row's heading


@dataclass
class Period:
    status: str
    label: str
    start: datetime.date
    end: datetime.date  # the day after the last day it held, or the end of the drawing
    ongoing: bool  # still the status at the end of the drawing
    x: float = 0
    width: float = 0

    @property
    def colour(self) -> str:
        return BAR_COLOURS[self.status]

    @property
    def words(self) -> str:
        start = date_format(self.start, "SHORT_DATE_FORMAT")
        if self.ongoing:
            return _("%(status)s since %(start)s") % {"status": self.label, "start": start}
        last = date_format(self.end - datetime.timedelta(days=1), "SHORT_DATE_FORMAT")
        return _("%(status)s from %(start)s to %(end)s") % {"status": self.label, "start": start, "end": last}


@dataclass
class Lane:
    activity: Activity
    periods: list[Period]
    overdue: bool
    also_under: list[int] = field(default_factory=list)  # the other rows it stands under
    y: float = 0
    due_x: float | None = None


@dataclass
class Group:
    heading: str
    lanes: list[Lane]
    y: float = 0


@dataclass
class Marker:
    meeting: Meeting
    x: float
    label_y: float


@dataclass
class Tick:
    label: str
    x: float


def drawing_period(plan: Plan) -> tuple[datetime.date, datetime.date]:
    """The plan's years, first day to the day after the last."""
    return datetime.date(plan.start_year, 1, 1), datetime.date(plan.end_year + 1, 1, 1)


def periods_of(changes: list[StatusChange], start: datetime.date, end: datetime.date) -> list[Period]:
    """The statuses an activity held within [start, end), from its changes in date order."""
    labels = dict(Status.choices)
    periods: list[Period] = []
    status, since = Status.NOT_REPORTED, start
    for change in changes:
        day = max(change.effective_on, start)
        if day >= end:
            break
        if day > since:
            periods.append(Period(status, labels[status], since, day, False))
        status, since = change.new_status, day
    periods.append(Period(status, labels[status], since, end, True))
    return periods


def timeline(plan: Plan, activities, reader, today: datetime.date | None = None) -> dict:
    """The timeline of `activities` (the list's filtered queryset, with `overdue`) as `reader`
    may see it."""
    today = today or timezone.localdate()
    start, end = drawing_period(plan)
    drawn_to = min(end, today + datetime.timedelta(days=1)) if today >= start else start
    chart = WIDTH - LABEL_WIDTH - RIGHT_MARGIN
    span = (end - start).days

    def x(day: datetime.date) -> float:
        offset = min(max((day - start).days, 0), span)
        return round(LABEL_WIDTH + chart * offset / span, 1)

    listed = list(
        activities.prefetch_related(
            Prefetch("rows", PlanRow.objects.order_by("position").with_target_labels())
        ).order_by("number")
    )
    changes: dict[int, list[StatusChange]] = {}
    for change in (
        StatusChange.objects.visible_to(reader)
        .filter(activity__in=[activity.pk for activity in listed])
        .order_by("effective_on", "pk")
    ):
        changes.setdefault(change.activity_id, []).append(change)

    groups: dict[int, Group] = {}
    for activity in listed:
        rows = list(activity.rows.all())
        periods = periods_of(changes.get(activity.pk, []), start, drawn_to)
        for period in periods:
            period.x, period.width = x(period.start), max(x(period.end) - x(period.start), 1)
        lane = Lane(activity, periods, bool(activity.overdue), [row.position for row in rows[1:]])
        if activity.due_date and start <= activity.due_date < end:
            lane.due_x = x(activity.due_date)
        if rows:
            row = rows[0]
            heading = _("Row %(position)s: %(targets)s") % {
                "position": row.position,
                "targets": ", ".join(row.target_labels),
            }
            key = row.position
        else:
            heading, key = _("Commitments of the opening paragraphs"), 0
        groups.setdefault(key, Group(heading, [])).lanes.append(lane)

    y = AXIS_HEIGHT
    ordered = [groups[key] for key in sorted(groups)]
    for group in ordered:
        group.y = y
        y += GROUP
        for lane in group.lanes:
            lane.y = y
            y += LANE
    height = y + 8

    meetings = list(
        Meeting.objects.visible_to(reader)
        .filter(plan=plan, date__gte=start, date__lt=end)
        .order_by("date", "pk")
    )
    markers = [Marker(meeting, x(meeting.date), 14 + 13 * (i % 2)) for i, meeting in enumerate(meetings)]
    ticks = []
    for year in range(plan.start_year, plan.end_year + 1):
        ticks.append(Tick(str(year), x(datetime.date(year, 1, 1))))
    return {
        "groups": ordered,
        "markers": markers,
        "ticks": ticks,
        "width": WIDTH,
        "height": height,
        "chart_left": LABEL_WIDTH,
        "chart_right": WIDTH - RIGHT_MARGIN,
        "axis_y": AXIS_HEIGHT - 4,
        "today_x": x(today) if start <= today < end else None,
        "today": today,
        "legend": [(value, label, BAR_COLOURS[value]) for value, label in Status.choices],
        "count": len(listed),
        "meetings": meetings,
    }
