"""Atom feeds of status changes: the plan's, a target's and an activity's. Public information
only: the changes as a reader who is not signed in sees them (`StatusChange.objects.visible_to`)."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from activities.models import Activity, Plan, StatusChange
from targets.models import Target

LIMIT = 50


@method_decorator(require_safe, name="__call__")
class ChangesFeed(Feed):
    feed_type = Atom1Feed

    def changes(self, obj):
        raise NotImplementedError

    def items(self, obj):
        return (
            self.changes(obj)
            .visible_to(AnonymousUser())
            .select_related("activity", "changed_by")
            .order_by("-recorded_at", "-pk")[:LIMIT]
        )

    def item_title(self, change):
        return _("Activity %(number)s, %(title)s: %(old)s → %(new)s") % {
            "number": change.activity.number,
            "title": change.activity.title,
            "old": change.get_old_status_display(),
            "new": change.get_new_status_display(),
        }

    def item_description(self, change):
        took_effect = _("Took effect on %(date)s.") % {"date": date_format(change.effective_on)}
        return f"{change.note}\n\n{took_effect}" if change.note else took_effect

    def item_link(self, change):
        return change.activity.get_absolute_url()

    def item_guid(self, change):
        return f"{change.activity.get_absolute_url()}#status-change-{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.recorded_at

    def item_author_name(self, change):
        who = change.changed_by
        return (who.get_full_name() or who.get_username()) if who else None


class PlanChangesFeed(ChangesFeed):
    def get_object(self, request):
        return Plan.objects.current_or_404()

    def title(self, plan):
        return _("Status changes: %(plan)s") % {"plan": plan.title}

    def link(self, plan):
        return reverse("activities:list")

    def subtitle(self, plan):
        return _("Every change of an activity's status in the joint work plan.")

    def changes(self, plan):
        return StatusChange.objects.filter(activity__plan=plan)


class TargetChangesFeed(ChangesFeed):
    def get_object(self, request, framework: str, number: int):
        return get_object_or_404(Target.objects.with_framework(), framework__slug=framework, number=number)

    def title(self, target):
        return _("Status changes: activities serving %(target)s") % {"target": target}

    def link(self, target):
        return target.get_absolute_url()

    def subtitle(self, target):
        return _("Every change of the status of an activity that serves %(target)s.") % {"target": target}

    def changes(self, target):
        return StatusChange.objects.filter(activity__targets=target)


class ActivityChangesFeed(ChangesFeed):
    def get_object(self, request, pk: int):
        return get_object_or_404(Activity, pk=pk)

    def title(self, activity):
        return _("Status changes: Activity %(number)s, %(title)s") % {
            "number": activity.number,
            "title": activity.title,
        }

    def link(self, activity):
        return activity.get_absolute_url()

    def subtitle(self, activity):
        return _("Every change of this activity's status.")

    def changes(self, activity):
        return StatusChange.objects.filter(activity=activity)
