"""Optimistic locking for forms that edit a versioned model (one with a `version` field).

Shared by every app, so it lives in the bottom layer. The form carries the version the editor
saw; saving checks, under a row lock inside the caller's transaction, that nobody changed
the record since, and refuses with a message that says what they changed.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

IGNORED_FIELDS = {"version", "updated_at"}


def describe_changes_since(instance: models.Model, seen_version: int) -> str:
    """What changed in `instance` after `seen_version`, from its history. Hits the database."""
    history = instance.history.all()
    latest = history.first()
    seen = history.filter(version=seen_version).first()
    if latest is None:
        return "Someone else changed it."
    user = latest.history_user
    who = (user.get_full_name() or user.get_username()) if user else "someone"
    when = latest.history_date.strftime("%-d %B %Y at %H:%M UTC")
    parts = []
    if seen is not None:
        for change in latest.diff_against(seen).changes:
            if change.field in IGNORED_FIELDS:
                continue
            label = instance._meta.get_field(change.field).verbose_name
            parts.append(f"{label}: “{_shown(change.old)}” → “{_shown(change.new)}”")
    detail = "; ".join(parts) if parts else "its related records"
    return f"{who} changed it on {when} ({detail})."


def _shown(value) -> str:
    if isinstance(value, list):  # many-to-many fields
        return ", ".join(str(item) for item in value) or "none"
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "..."


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that refuses to overwrite a change made since the form was opened.

    Validate and save it inside one transaction (Django admin does; views use `atomic`),
    so the row stays locked between the check and the save.
    """

    # Not called "version": Django refuses a form field named like a non-editable model field.
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            seen = cleaned.get("seen_version")
            current = (
                type(self.instance)
                ._default_manager.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if seen is None or seen != current:
                raise ValidationError(
                    "Someone else changed this %(name)s since you opened it, so your changes "
                    "were not saved. %(changes)s Reload the page to see the current version.",
                    code="stale",
                    params={
                        "name": self.instance._meta.verbose_name,
                        "changes": describe_changes_since(self.instance, seen) if seen is not None else "",
                    },
                )
        return cleaned

    def save(self, commit=True):
        if self.instance.pk:
            self.instance.version = self.cleaned_data["seen_version"] + 1
        return super().save(commit)
