import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Meeting, Status, owner_candidates
from activities.services import progress_errors, review_date
from core.versioning import MAX_VERSION, VersionedModelForm

User = get_user_model()

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class UserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


def add_errors(form: forms.Form, errors: dict) -> None:
    """Show `services.progress_errors` beside the form's fields (or above it)."""
    for name, messages in errors.items():
        for error in messages:
            form.add_error(None if name == "__all__" or name not in form.fields else name, error)


class ProgressForm(forms.Form):
    """A status update, the owners and the due date, from the activity page."""

    status = forms.ChoiceField(choices=Status.choices, label=_("New status"))
    effective_on = forms.DateField(
        label=_("Took effect on"),
        widget=DATE_INPUT,
        help_text=_("The date the new status took effect (today unless you say otherwise)."),
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label=_("Note")
    )
    owners = UserChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    due_date = forms.DateField(
        required=False,
        label=_("Due date"),
        widget=DATE_INPUT,
        help_text=_("Within the plan period; empty for none."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION)

    def __init__(self, *args, activity: Activity, **kwargs):
        """`activity` comes with its owners (`Activity.objects.with_owners_joined()`)."""
        self.activity = activity
        kwargs.setdefault(
            "initial",
            {
                "status": activity.status,
                "effective_on": timezone.localdate(),
                "owners": sorted(activity.owner_ids),
                "due_date": activity.due_date,
                "version": activity.version,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["owners"].queryset = owner_candidates(activity)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            add_errors(
                self,
                progress_errors(
                    self.activity,
                    status=cleaned["status"],
                    effective_on=cleaned["effective_on"],
                    owners=list(cleaned["owners"]),
                    due_date=cleaned["due_date"],
                    note=cleaned["note"],
                ),
            )
        return cleaned


class MeetingForm(VersionedModelForm):
    class Meta:
        model = Meeting
        fields = ["kind", "date", "place", "participants", "notes", "is_public", "activities"]
        widgets = {
            "date": DATE_INPUT,
            "participants": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 10}),
            "activities": forms.CheckboxSelectMultiple,
        }
        labels = {
            "kind": _("Kind"),
            "date": _("Date"),
            "place": _("Place or medium"),
            "participants": _("Participants"),
            "notes": _("Notes"),
            "is_public": _("Public: focal points may read the notes"),
            "activities": _("Activities discussed"),
        }
        help_texts = {
            "place": _("Where it was held, or the medium (“video call”)."),
            "participants": _("One participant per line."),
            "notes": _("Plain text; leave an empty line between paragraphs."),
            "is_public": _("Public notes can be read by focal points."),
        }

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
            raise ValidationError(_("Enter the date the meeting was, or will be, held."), code="implausible")
        return day


class ReviewForm(forms.Form):
    """The meeting's version when the review was opened: a stale review is refused."""

    meeting_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION)


class ReviewRowForm(forms.Form):
    """One activity's row in a meeting review."""

    # Each carries the value it was shown with, so a refused save keeps only what this person
    # changed (`has_changed`) and shows everyone else's entries as they are now.
    agreed_status = forms.ChoiceField(
        choices=Status.choices, label=_("Agreed status"), show_hidden_initial=True
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), show_hidden_initial=True
    )
    next_step = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), show_hidden_initial=True
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION)
    EDITED = ("agreed_status", "note", "next_step")

    def __init__(self, *args, activity: Activity, meeting: Meeting, **kwargs):
        self.activity, self.meeting = activity, meeting
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and cleaned["agreed_status"] != self.activity.status:
            errors = progress_errors(
                self.activity,
                status=cleaned["agreed_status"],
                effective_on=review_date(self.meeting),
                note=cleaned["note"],
            )
            for messages in errors.values():
                for error in messages:
                    self.add_error("agreed_status", error)
        return cleaned


def kept_after_conflict(data, rows, meeting, added=()) -> tuple[dict, list[Activity]]:
    """The posted review made current again after a refused save: the rows this person
    changed keep their entries, every other row shows what it holds now, and every version
    is the current one. Also returns the activities whose rows someone else changed."""
    data = data.copy()
    current, fresh_rows = review_forms(meeting, added=added)
    data["meeting_version"] = current.initial["meeting_version"]
    posted = {activity.pk: form for activity, form in rows}
    changed_by_others = []
    for activity, fresh in fresh_rows:
        mine = posted.get(activity.pk)
        seen = {name: data.get(fresh.add_initial_prefix(name)) for name in ReviewRowForm.EDITED}
        if mine is not None and any(str(fresh.initial[name]) != (seen[name] or "") for name in seen):
            changed_by_others.append(activity)
        for name in ReviewRowForm.EDITED:
            now = fresh.initial[name]
            if mine is None or not mine.has_changed():
                data[fresh.add_prefix(name)] = now
            data[fresh.add_initial_prefix(name)] = now
        data[fresh.add_prefix("version")] = activity.version
    return data, changed_by_others


def review_activities(meeting, added=()) -> models.QuerySet:
    """The activities a review covers: those the meeting discussed, those its review has
    rows for already, and `added` (ids of the plan's activities, chosen on the review page).
    Hits the database."""
    covered = (
        models.Q(meetings=meeting) | models.Q(review_items__meeting=meeting) | models.Q(pk__in=list(added))
    )
    return (
        Activity.objects.filter(plan=meeting.plan)
        .filter(pk__in=Activity.objects.filter(covered).values("pk"))
        .select_related("plan")
        .order_by("number")
    )


def review_forms(meeting, data=None, added=()) -> tuple[ReviewForm, list[tuple[Activity, ReviewRowForm]]]:
    """The review's own form and a form for each activity it covers (`review_activities`),
    filled from the review so far. A row added since `data` was posted starts from its
    current values."""
    items = {item.activity_id: item for item in meeting.review_items.all()}
    rows = []
    if data is not None:
        data = data.copy()
    for activity in review_activities(meeting, added):
        item = items.get(activity.pk)
        initial = {
            "agreed_status": item.agreed_status if item else activity.status,
            "note": item.note if item else "",
            "next_step": item.next_step if item else "",
            "version": activity.version,
        }
        form = ReviewRowForm(
            data, prefix=f"a{activity.pk}", initial=initial, activity=activity, meeting=meeting
        )
        if data is not None and form.add_prefix("version") not in data:
            for name, value in initial.items():
                data[form.add_prefix(name)] = value
                if name in ReviewRowForm.EDITED:
                    data[form.add_initial_prefix(name)] = value
        rows.append((activity, form))
    return ReviewForm(data, initial={"meeting_version": meeting.version}), rows


class ImportForm(forms.Form):
    """The spreadsheet to import: the activity list's Excel export, or a CSV with its columns."""

    file = forms.FileField(
        label=_("Workbook or CSV file"),
        allow_empty_file=True,  # the import says why an empty file will not do
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
    )


class ConfirmImportForm(forms.Form):
    """Confirming a preview: the conflicts to apply, and the meeting that agreed the changes."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        label=_("Agreed at a meeting (optional)"),
        empty_label=_("No meeting"),
        help_text=_("The status changes are then attributed to the meeting, as in a meeting review."),
    )
    apply = forms.TypedMultipleChoiceField(coerce=int, required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, *args, preview, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
        self.fields["apply"].choices = [
            (row.activity.pk, row.activity.pk) for row in preview.conflicts if row.can_apply
        ]
