"""Building the site's messages: a plain-text and an HTML part, the site's name, absolute links
(from SITE_URL) and, for what a person subscribed to, a one-click unsubscribe link."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute(path: str) -> str:
    """`path` on the site, as a link that works from a mail reader."""
    return settings.SITE_URL + path


def unsubscribe_url(kind: str, pk: int, frequency: str = "") -> str:
    """A link that stops one kind of message, signed so that nobody can forge one for another
    person: ("follow", follow id), ("updates", user id, frequency) or ("reminders", user id)."""
    token = signing.dumps([kind, pk, frequency], salt=UNSUBSCRIBE_SALT)
    return absolute(reverse("notifications:unsubscribe", args=[token]))


def read_unsubscribe_token(token: str) -> tuple[str, int, str] | None:
    """What a token stops, or None when it was not made here (tampered with, cut short)."""
    try:
        kind, pk, frequency = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in ("follow", "updates", "reminders") or not isinstance(pk, int):
        return None
    return kind, pk, frequency


def message(to: str, subject: str, template: str, context: dict, *, unsubscribe: str | None = None):
    """A message to `to` from `notifications/email/<template>.txt` and `.html`. With an
    `unsubscribe` link, it carries the link and the `List-Unsubscribe` headers (RFC 8058)."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("notifications:preferences")),
        **context,
    }
    headers = {}
    if unsubscribe:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    email = EmailMultiAlternatives(
        subject=f"{subject} · {settings.SITE_NAME}",
        body=render_to_string(f"notifications/email/{template}.txt", context),
        to=[to],
        headers=headers,
    )
    email.attach_alternative(render_to_string(f"notifications/email/{template}.html", context), "text/html")
    return email


def in_language_of(user):
    """Write to `user` in the language of their email preferences (the site's default when
    they have none): subject, text, links. A context manager; reads their preferences."""
    from notifications.models import EmailPreferences

    language = (
        EmailPreferences.objects.filter(user=user).values_list("language", flat=True).first()
        or settings.LANGUAGE_CODE
    )
    return translation.override(language)


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()
