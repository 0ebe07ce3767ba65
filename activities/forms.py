import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from activities.models import Activity, Meeting, Status
from targets.versioning import VersionedModelForm

User = get_user_model()


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


def owner_candidates():
    """Active members of "Secretariat staff", and whoever owns an activity already."""
    owns_one = Exists(Activity.owners.through.objects.filter(user=OuterRef("pk")))
    in_staff = Exists(
        User.groups.through.objects.filter(user=OuterRef("pk"), group__name="Secretariat staff")
    )
    return User.objects.filter(Q(in_staff, is_active=True) | Q(owns_one)).order_by(
        "first_name", "last_name", "username"
    )


class ProgressForm(forms.Form):
    """A status update (and the owners) from the activity page."""

    status = forms.ChoiceField(choices=Status.choices, label="New status")
    effective_on = forms.DateField(
        label="Took effect on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date the new status took effect (today unless you say otherwise).",
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Note"
    )
    owners = UserChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, activity: Activity, **kwargs):
        """`activity` comes from `Activity.objects.for_detail()`."""
        self.activity = activity
        kwargs.setdefault(
            "initial",
            {
                "status": activity.status,
                "effective_on": timezone.localdate(),
                "owners": sorted(activity.owner_ids),
                "version": activity.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = owner_candidates()

    def clean_effective_on(self):
        day = self.cleaned_data["effective_on"]
        if day > timezone.localdate():
            raise ValidationError("A status cannot take effect in the future.", code="in_future")
        plan_start = datetime.date(self.activity.plan.start_year, 1, 1)
        if day < plan_start:
            raise ValidationError(
                f"The date cannot be before the plan starts ({plan_start:%-d %B %Y}).", code="before_plan"
            )
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.errors and (
            cleaned["status"] == self.activity.status
            and not cleaned["note"]
            and {owner.pk for owner in cleaned["owners"]} == self.activity.owner_ids
        ):
            raise ValidationError(
                "Nothing to save: choose a new status, add a note or change the owners.", code="no_change"
            )
        return cleaned


class MeetingForm(VersionedModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "date", "place", "participants", "notes", "is_public", "activities"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "participants": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 10}),
            "activities": forms.CheckboxSelectMultiple,
        }
        labels = {"place": "Place or medium", "is_public": "Public: focal points may read the notes"}
        help_texts = {"notes": "Plain text; leave an empty line between paragraphs."}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["activities"].queryset = Activity.objects.filter(plan=plan).order_by("number")
        self.fields["activities"].label_from_instance = lambda activity: (
            f"{activity.number}. {activity.title}"
        )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day.year < 1990 or day > timezone.localdate() + datetime.timedelta(days=3 * 365):
            raise ValidationError("Enter the date the meeting was, or will be, held.", code="implausible")
        return day


class ReviewRowForm(forms.Form):
    """One activity's row in a meeting review."""

    agreed_status = forms.ChoiceField(choices=Status.choices, label="Agreed status")
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)


def review_forms(meeting, data=None) -> list[tuple[Activity, ReviewRowForm]]:
    """A form for every activity of the meeting's plan, filled from the review so far."""
    items = {item.activity_id: item for item in meeting.review_items.all()}
    rows = []
    for activity in Activity.objects.filter(plan=meeting.plan).order_by("number"):
        item = items.get(activity.pk)
        initial = {
            "agreed_status": item.agreed_status if item else activity.status,
            "note": item.note if item else "",
            "next_step": item.next_step if item else "",
            "version": activity.version,
        }
        rows.append((activity, ReviewRowForm(data, prefix=f"a{activity.pk}", initial=initial)))
    return rows
