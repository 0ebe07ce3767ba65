from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Plan
from notifications.models import EmailPreferences, Frequency
from targets.models import Target


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = EmailPreferences
        fields = ["reminders", "language"]
        labels = {
            "reminders": _("Remind me before the annual coordination meeting"),
            "language": _("Language of the messages"),
        }
        help_texts = {
            "reminders": _(
                "A message listing the activities you own that nobody has updated since the last "
                "annual coordination meeting, some days before the next one and again as it approaches."
            ),
            "language": _("Reminders, followed updates and invitations are written in it."),
        }


class FollowForm(forms.Form):
    """Follow, change how, or stop following one thing: `what` is "activity:12", "target:5" or "plan:1"."""

    KINDS = {"activity": Activity, "target": Target, "plan": Plan}

    what = forms.CharField(widget=forms.HiddenInput, max_length=40)
    frequency = forms.ChoiceField(choices=Frequency.choices, initial=Frequency.DAILY, label=_("Send me"))
    action = forms.ChoiceField(
        choices=[("follow", _("Follow")), ("unfollow", _("Stop following"))], initial="follow"
    )

    def clean_what(self):
        kind, _separator, pk = self.cleaned_data["what"].partition(":")
        model = self.KINDS.get(kind)
        if model is None or not pk.isdigit():
            raise forms.ValidationError(_("There is nothing to follow here."))
        thing = model._default_manager.filter(pk=int(pk)).first()
        if thing is None:
            raise forms.ValidationError(_("There is nothing to follow here."))
        return thing


def what(thing) -> str:
    for kind, model in FollowForm.KINDS.items():
        if isinstance(thing, model):
            return f"{kind}:{thing.pk}"
    raise TypeError(type(thing).__name__)
