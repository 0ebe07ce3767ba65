"""Template tags every page may use."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.translation import reader_language, site_language

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


@register.simple_tag
def official(wording, note=True):
    """An official text in the language it is in: marked `lang` where that is not the page's
    language (WCAG 3.1.2) and, where the reader's language has no official text, followed by a
    note saying so (`note=False` in headings and links)."""
    text = str(wording)
    if getattr(wording, "lang", reader_language()) == reader_language():
        return text  # escaped by the template
    html = format_html('<span lang="{}">{}</span>', wording.lang, text)
    if note and getattr(wording, "fallback", False):
        html += format_html(
            ' <small class="no-translation">{}</small>',
            _("No official translation of this text is available in this language: it is shown in English."),
        )
    return html


@register.simple_tag
def plan_words(text):
    """The plan's own words (activity titles and texts, row wording): published in English and
    shown as they are, marked `lang="en"` on pages in another language."""
    if reader_language() == site_language():
        return text
    return format_html('<span lang="{}">{}</span>', site_language(), text)
