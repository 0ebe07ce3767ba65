import smtplib

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.mail import get_connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit
from workplan.invitations import invitation_message

User = get_user_model()


class InvitingUserAdmin(UserAdmin):
    """Django's user admin, with an action that invites people to set their own password."""

    actions = ["send_invitation"]

    @admin.action(description=gettext_lazy("Send invitation"), permissions=["change"])
    def send_invitation(self, request, queryset):
        invited, skipped = [], []
        try:
            with get_connection(fail_silently=False) as connection:
                for user in queryset.order_by("username"):
                    if not user.is_active or not user.email:
                        skipped.append(user.get_username())
                        continue
                    email = invitation_message(user, request.user)
                    email.connection = connection
                    email.send()
                    invited.append(user.get_username())
                    audit("invitation_sent", request, invited=user.get_username())
        except (smtplib.SMTPException, OSError) as error:
            self.message_user(
                request,
                _(
                    "The mail server failed (%(error)s). Invited: %(invited)s; the others were not "
                    "invited: try again later."
                )
                % {"error": error, "invited": ", ".join(invited) or _("nobody")},
                messages.ERROR,
            )
            return
        if invited:
            self.message_user(
                request,
                _("Invitation sent to %(people)s.") % {"people": ", ".join(invited)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                _("Not invited (no email address, or the account is inactive): %(people)s.")
                % {"people": ", ".join(skipped)},
                messages.WARNING,
            )


admin.site.unregister(User)
admin.site.register(User, InvitingUserAdmin)
