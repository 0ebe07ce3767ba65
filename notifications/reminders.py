"""Reminders before the annual coordination meeting, for the owners of activities nobody has
updated since the last one. What `manage.py send_reminders` sends and the dashboard previews."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import ngettext

from activities.models import Activity, Meeting, MeetingKind
from notifications.mail import absolute, display_name, in_language_of, message, unsubscribe_url
from notifications.models import EmailPreferences, SentReminder


@dataclass
class Reminder:
    user: object
    activities: list = field(default_factory=list)


@dataclass
class Due:
    """The state of reminders on `today`: the next annual meeting, the step reached (days
    before it, one of REMINDER_DAYS; None when reminders have not started) and who is owed one."""

    today: datetime.date
    meeting: Meeting | None = None
    last_meeting: Meeting | None = None
    days_before: int | None = None
    reminders: list = field(default_factory=list)

    @property
    def days_left(self) -> int | None:
        return (self.meeting.date - self.today).days if self.meeting else None

    @property
    def first_day(self) -> datetime.date | None:
        """The day reminders start for the next meeting."""
        if not self.meeting or not settings.REMINDER_DAYS:
            return None
        return self.meeting.date - datetime.timedelta(days=max(settings.REMINDER_DAYS))


def due(today: datetime.date) -> Due:
    """Who would be reminded of what on `today`, leaving out what was sent already. Four queries."""
    state = Due(today)
    state.meeting = (
        Meeting.objects.filter(kind=MeetingKind.ANNUAL, date__gt=today)
        .select_related("plan")
        .order_by("date", "pk")
        .first()
    )
    if state.meeting is None:
        return state
    steps = [days for days in settings.REMINDER_DAYS if state.days_left <= days]
    if not steps:
        return state
    state.days_before = min(steps)
    state.last_meeting = (
        Meeting.objects.filter(plan=state.meeting.plan, kind=MeetingKind.ANNUAL, date__lte=today)
        .order_by("-date", "-pk")
        .first()
    )
    stale = Activity.objects.filter(plan=state.meeting.plan).not_updated_since(
        state.last_meeting.date if state.last_meeting else None
    )
    declined = EmailPreferences.objects.filter(user=OuterRef("user_id"), reminders=False)
    sent = SentReminder.objects.filter(
        user=OuterRef("user_id"),
        activity=OuterRef("activity_id"),
        meeting=state.meeting,
        days_before=state.days_before,
    )
    ownerships = (
        Activity.owners.through.objects.filter(activity__in=stale, user__is_active=True)
        .exclude(user__email="")
        .exclude(Exists(declined))
        .exclude(Exists(sent))
        .select_related("user", "activity")
        .order_by("user__last_name", "user__first_name", "user__username", "user_id", "activity__number")
    )
    by_user: dict[int, Reminder] = {}
    for ownership in ownerships:
        by_user.setdefault(ownership.user_id, Reminder(ownership.user)).activities.append(ownership.activity)
    state.reminders = list(by_user.values())
    return state


def message_for(state: Due, reminder: Reminder):
    with in_language_of(reminder.user):
        return _message_for(state, reminder)


def _message_for(state: Due, reminder: Reminder):
    activities = [
        {
            "activity": activity,
            "progress_url": absolute(activity.get_absolute_url() + "#update-heading"),
        }
        for activity in reminder.activities
    ]
    count = len(activities)
    subject = ngettext(
        "%(count)d activity to update before the annual meeting on %(date)s",
        "%(count)d activities to update before the annual meeting on %(date)s",
        count,
    ) % {"count": count, "date": date_format(state.meeting.date)}
    context = {
        "name": display_name(reminder.user),
        "activities": activities,
        "meeting": state.meeting,
        "last_meeting": state.last_meeting,
        "days_left": state.days_left,
        "dashboard_url": absolute(reverse("dashboard")),
    }
    return message(
        reminder.user.email,
        subject,
        "reminder",
        context,
        unsubscribe=unsubscribe_url("reminders", reminder.user.pk),
    )


def record_sent(state: Due, reminder: Reminder) -> None:
    SentReminder.objects.bulk_create(
        [
            SentReminder(
                user=reminder.user, activity=activity, meeting=state.meeting, days_before=state.days_before
            )
            for activity in reminder.activities
        ],
        ignore_conflicts=True,
    )
