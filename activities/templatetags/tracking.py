"""Template tags for activities: statuses and targets, wherever they are shown."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from activities.models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """ "in_progress" → "In progress"."""
    return dict(Status.choices).get(value, value)


NO_TARGET = mark_safe('<li class="muted small">Cross-cutting: no target</li>')  # a constant


@register.simple_tag
def target_tags(targets, prefix) -> str:
    """The targets as tags, each with its official text as a tooltip. Python, not an include:
    a list page renders a hundred of them."""
    items = format_html_join(
        "",
        '<li class="tag-wrap"><a class="tag {}" href="{}" aria-describedby="tip-{}-{}">{}</a>'
        '<span class="tip" role="tooltip" id="tip-{}-{}"><strong>{}</strong>: {}</span></li>',
        (
            (t.framework.css_class, t.get_absolute_url(), prefix, t.pk, t.short_label)
            + (prefix, t.pk, str(t), t.text)
            for t in targets
        ),
    )
    return format_html(
        '<ul class="tags" aria-label="Targets">{}</ul>',
        items or NO_TARGET,
    )


@register.simple_tag
def status_badge(status: str) -> str:
    return format_html('<span class="status status-{}">{}</span>', status, status_label(status))
