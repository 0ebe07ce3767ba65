"""Messages about the status changes people follow: one per change, or a daily digest.

Each follow remembers the last change sent for it (`Follow.last_change_id`). A run reads the
changes after it, as the person may read them (`StatusChange.objects.visible_to`), sends, and
only then moves the mark: a mail server that fails leaves it where it was, for the next run."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import StatusChange
from notifications.mail import absolute, display_name, in_language_of, message, unsubscribe_url
from notifications.models import Follow, Frequency


@dataclass
class Pending:
    user: object
    follows: list = field(default_factory=list)
    changes: list = field(default_factory=list)


def pending(frequency: str) -> list[Pending]:
    """Who has changes waiting for messages of `frequency`, and which, oldest first."""
    ceiling = StatusChange.objects.aggregate(top=Max("pk"))["top"] or 0
    follows = (
        Follow.objects.filter(frequency=frequency, user__is_active=True, last_change_id__lt=ceiling)
        .exclude(user__email="")
        .select_related("user", "plan", "target__framework", "activity")
        .order_by("user_id", "pk")
    )
    by_user: dict[int, Pending] = {}
    wanted: dict[int, set[int]] = defaultdict(set)
    for follow in follows:
        entry = by_user.setdefault(follow.user_id, Pending(follow.user))
        entry.follows.append(follow)
        ids = (
            follow.changes()
            .filter(pk__gt=follow.last_change_id, pk__lte=ceiling)
            .values_list("pk", flat=True)
        )
        wanted[follow.user_id].update(ids)
    result = []
    for user_id, entry in by_user.items():
        if not wanted[user_id]:
            continue
        entry.changes = list(
            StatusChange.objects.filter(pk__in=wanted[user_id])
            .visible_to(entry.user)
            .select_related("activity", "changed_by", "meeting")
            .order_by("pk")
        )
        result.append(entry)
    return result


def _context(entry: Pending, changes: list) -> dict:
    return {
        "user": entry.user,
        "changes": [
            {
                "change": change,
                "activity_url": absolute(change.activity.get_absolute_url()),
                "who": display_name(change.changed_by) if change.changed_by else _("Someone"),
            }
            for change in changes
        ],
        "follows": [
            {"description": follow.description, "stop_url": unsubscribe_url("follow", follow.pk)}
            for follow in entry.follows
        ],
    }


def messages_for(entry: Pending, frequency: str) -> list[tuple[object, int]]:
    """The messages for one person, each with the last change it carries, in their language."""
    with in_language_of(entry.user):
        return _messages_for(entry, frequency)


def _messages_for(entry: Pending, frequency: str) -> list[tuple[object, int]]:
    stop_all = unsubscribe_url("updates", entry.user.pk, frequency)
    if frequency == Frequency.DAILY:
        count = len(entry.changes)
        subject = ngettext(
            "%(count)d status change in what you follow", "%(count)d status changes in what you follow", count
        ) % {"count": count}
        email = message(
            entry.user.email, subject, "digest", _context(entry, entry.changes), unsubscribe=stop_all
        )
        return [(email, entry.changes[-1].pk)]
    result = []
    for change in entry.changes:
        subject = _("Activity %(number)s: %(status)s") % {
            "number": change.activity.number,
            "status": change.get_new_status_display(),
        }
        email = message(entry.user.email, subject, "change", _context(entry, [change]), unsubscribe=stop_all)
        result.append((email, change.pk))
    return result


def mark_sent(entry: Pending, up_to: int) -> None:
    """Everything for this person up to change `up_to` has gone."""
    Follow.objects.filter(pk__in=[follow.pk for follow in entry.follows], last_change_id__lt=up_to).update(
        last_change_id=up_to
    )
