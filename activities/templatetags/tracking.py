"""Template tags for activities: statuses and targets, wherever they are shown."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from activities.models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """ "in_progress" → "In progress"."""
    return dict(Status.choices).get(value, value)


@register.simple_tag
def target_tags(targets, prefix) -> str:
    """The targets as tags, each with its official text as a tooltip. Python, not an include:
    a list page renders a hundred of them."""
    items = format_html_join(
        "",
        '<li class="tag-wrap"><a class="tag {}" href="{}" aria-describedby="tip-{}-{}">{}</a>'
        '<span class="tip" role="tooltip" id="tip-{}-{}"><strong>{}</strong>: '
        '<span lang="{}">{}</span></span></li>',
        (
            (t.framework.css_class, t.get_absolute_url(), prefix, t.pk, t.short_label)
            + (prefix, t.pk, str(t), text.lang, text)
            for t in targets
            for text in [t.local_text]  # official, in the reader's language or else in English
        ),
    )
    return format_html(
        '<ul class="tags" aria-label="{}">{}</ul>',
        _("Targets"),
        items or format_html('<li class="muted small">{}</li>', _("Cross-cutting: no target")),
    )


@register.simple_tag
def status_badge(status: str) -> str:
    return format_html('<span class="status status-{}">{}</span>', status, status_label(status))


def _day(value) -> str:
    return format_html(
        '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, "SHORT_DATE_FORMAT")
    )


@register.simple_tag
def status_since(activity) -> str:
    """The date the shown status took effect (`since_shown`, or the current status's), with the
    date it was recorded beside it where that is another day: a status agreed at a meeting in
    2017 and typed in later says both."""
    since = getattr(activity, "since_shown", activity.status_since)
    if since is None:
        return format_html('<span class="muted">{}</span>', _("Never reported"))
    recorded = activity.updated_at and timezone.localdate(activity.updated_at)
    if since == activity.status_since and recorded and recorded != since:
        return format_html(
            '{} <span class="muted small">{}</span>',
            _day(since),
            format_html(_("(recorded {})"), _day(recorded)),
        )
    return _day(since)


@register.simple_tag
def due_date(activity) -> str:
    """The due date, marked when the activity is overdue (`ActivityQuerySet.with_overdue`)."""
    if activity.due_date is None:
        return format_html('<span class="muted">{}</span>', _("No due date"))
    if getattr(activity, "overdue", False):
        return format_html('{} <strong class="overdue">{}</strong>', _day(activity.due_date), _("Overdue"))
    return _day(activity.due_date)
