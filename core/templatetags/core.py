"""Template tags every page may use."""

from django import template

register = template.Library()

SECTIONS = {
    "list": "activities",
    "detail": "activities",
    "update-progress": "activities",
    "history": "activities",
    "import": "activities",
    "import-preview": "activities",
    "meeting-list": "meetings",
    "meeting-detail": "meetings",
    "meeting-create": "meetings",
    "meeting-edit": "meetings",
    "target-list": "targets",
    "target-detail": "targets",
    "coverage": "coverage",
    "dashboard": "dashboard",
    "compare": "dashboard",
    "report": "dashboard",
    "timeline": "timeline",
    "search": "search",
}


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """Which navigation item the current page belongs to."""
    match = getattr(context.get("request"), "resolver_match", None)
    return SECTIONS.get(match.url_name, "") if match else ""


@register.filter
def times(value, factor):
    """Multiply, for positions in server-rendered charts."""
    return float(value) * float(factor)


@register.filter
def plus(value, amount):
    return float(value) + float(amount)
