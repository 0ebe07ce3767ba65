"""Official wording in the reader's language, kept as data.

Frameworks, goals and targets hold their English wording in their own fields and, in
`translations`, the official wording in other languages with its source:
``{"fr": {"text": "…", "source": "https://…"}, "es": {…}}``. Nothing here translates: a
language without an official text shows the English one, marked as such, so that a page can say
so and mark it ``lang="en"``.
"""

from django.conf import settings
from django.db import models
from django.utils import translation


def site_language() -> str:
    """The language of the site's own texts and of its unprefixed addresses ("en")."""
    return settings.LANGUAGE_CODE.partition("-")[0]


def reader_language() -> str:
    """The active language's code without a region ("fr" for "fr-ca")."""
    return (translation.get_language() or settings.LANGUAGE_CODE).partition("-")[0]


class Wording:
    """A text with the language it is in; renders as the text. (A plain class with slots: a list
    page makes a few hundred of them.)"""

    __slots__ = ("text", "lang", "source", "fallback")

    def __init__(self, text: str, lang: str, source: str = "", fallback: bool = False):
        self.text = text
        self.lang = lang
        self.source = source
        # The reader's language has no official text: this is the English one.
        self.fallback = fallback

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    def __eq__(self, other) -> bool:
        return isinstance(other, Wording) and (self.text, self.lang) == (other.text, other.lang)

    __hash__ = None


class Translated(models.Model):
    """Official wording in other languages, as data: see the module's docstring."""

    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text="Official wording in other languages, by language code, each with its source: "
        '{"fr": {"text": "…", "source": "https://…"}}. Leave a language out where no official '
        "text was found: pages then show the English text and say so.",
    )

    class Meta:
        abstract = True

    def wording(self, field: str, language: str | None = None) -> Wording:
        """The official `field` in `language` (the reader's by default), else the English one."""
        language = language or reader_language()
        english = getattr(self, field)
        base = site_language()
        if language == base:
            return Wording(english, base)
        entry = (self.translations or {}).get(language) or {}
        if isinstance(entry, dict) and entry.get(field):
            return Wording(entry[field], language, entry.get("source", ""))
        return Wording(english, base, fallback=bool(english))
