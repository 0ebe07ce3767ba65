"""Invitations: an admin creates an account and sends it a link; the person sets their own
password from it. Links expire after INVITATION_DAYS and work once (setting the password, or
signing in, changes what the link was signed with)."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext as _

from notifications.mail import absolute, display_name, in_language_of, message


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password reset token, with its own salt and its own lifetime."""

    key_salt = "workplan.invitations.InvitationTokenGenerator"

    def check_token(self, user, token):
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            made = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - made > settings.INVITATION_DAYS * 24 * 3600:
            return False
        return any(
            constant_time_compare(self._make_token_with_timestamp(user, made, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )


invitation_tokens = InvitationTokenGenerator()


def invitation_url(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(reverse("invitation", args=[uid, invitation_tokens.make_token(user)]))


def invitation_message(user, invited_by):
    with in_language_of(user):
        return _invitation_message(user, invited_by)


def _invitation_message(user, invited_by):
    return message(
        user.email,
        _("You are invited"),
        "invitation",
        {
            "name": display_name(user),
            "username": user.get_username(),
            "invited_by": display_name(invited_by),
            "url": invitation_url(user),
            "days": settings.INVITATION_DAYS,
        },
    )
