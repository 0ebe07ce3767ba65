from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AsOfForm(forms.Form):
    as_of = forms.DateField(required=False, label=_("Status as of"), widget=DATE)


class CompareForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            raise ValidationError(_("The second date must not be before the first."), code="reversed")
        return cleaned


class AxesForm(forms.Form):
    """Which two of the plan's frameworks the coverage matrix sets against each other."""

    rows = forms.ChoiceField(label=_("Rows"))
    columns = forms.ChoiceField(label=_("Columns"))

    def __init__(self, *args, frameworks, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(framework.slug, framework.name) for framework in frameworks]
        self.fields["rows"].choices = self.fields["columns"].choices = choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("rows") and cleaned.get("rows") == cleaned.get("columns"):
            raise ValidationError(_("Choose two different frameworks."), code="same_framework")
        return cleaned


class LongUsernameRefused:
    """A username longer than any account's is a failed sign-in, refused before it reaches the
    authentication backends (django-axes cannot record one that long)."""

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and len(username) > (self.username_field.max_length or 150):
            raise self.get_invalid_login_error()
        return super().clean()


class SignInForm(LongUsernameRefused, AuthenticationForm):
    pass


class AdminSignInForm(LongUsernameRefused, AdminAuthenticationForm):
    pass


class PasswordChangeCountedForm(PasswordChangeForm):
    """A wrong current password counts as a failed sign-in for the sign-in lockout."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        try:
            return super().clean_old_password()
        except ValidationError:
            user_login_failed.send(
                sender=type(self), credentials={"username": self.user.get_username()}, request=self.request
            )
            raise
