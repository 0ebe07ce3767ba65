"""Optimistic locking: one scheme for every model people edit, in the browser or in Django admin.

A versioned record carries a `version` number. An editor's form carries the version it was
opened at. Saving takes the row lock (`lock_version`), checks that the version is still the one
the editor saw, and writes the change with the next version; otherwise the save is refused with
a message that says who changed what since. Callers hold a transaction from the lock to the save.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_widgets import SafeAutocompleteMixin

IGNORED_FIELDS = {"version", "updated_at"}
MAX_VERSION = 2**31 - 1


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Raised by every change, so a stale edit is detected."
    )

    class Meta:
        abstract = True


class StaleEdit(Exception):
    """Someone else changed the record since the editor read it."""

    def __init__(self, instance: models.Model):
        self.instance = instance
        super().__init__(f"{instance} was changed by someone else.")


def lock_version(instance: Versioned, seen_version: int | None, *, read: tuple[str, ...] = ()) -> None:
    """Lock the record's row and check it is still at `seen_version`; raise `StaleEdit` if not.

    Sets `instance.version` to the next version, for the caller's save, and the fields named in
    `read` to their values under the lock (in the same query). Call inside a transaction; the
    lock lasts until it ends. Hits the database once.
    """
    current = (
        type(instance)
        ._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values("version", *read)
        .first()
    )
    if seen_version is None or current is None or seen_version != current["version"]:
        raise StaleEdit(instance)
    for name in read:
        setattr(instance, name, current[name])
    instance.version = current["version"] + 1


def describe_changes_since(instance: models.Model, seen_version: int | None) -> str:
    """What changed in `instance` after `seen_version`, from its history. Hits the database."""
    history = instance.history.all()
    latest = history.first()
    seen = history.filter(version=seen_version).first() if seen_version is not None else None
    if latest is None:
        return _("Someone else changed it.")
    user = latest.history_user
    who = (user.get_full_name() or user.get_username()) if user else _("someone")
    when = date_format(localtime(latest.history_date), "DATETIME_FORMAT")
    parts = []
    if seen is not None:
        for change in latest.diff_against(seen).changes:
            if change.field in IGNORED_FIELDS:
                continue
            label = instance._meta.get_field(change.field).verbose_name
            parts.append(f"{label}: “{_shown(change.old)}” → “{_shown(change.new)}”")
    detail = "; ".join(parts) if parts else _("its related records")
    return _("%(who)s changed it on %(when)s (%(detail)s).") % {"who": who, "when": when, "detail": detail}


def _shown(value) -> str:
    if isinstance(value, list):  # many-to-many fields
        return ", ".join(str(item) for item in value) or _("none")
    text = "" if value is None else str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def stale_error(instance: models.Model, seen_version: int | None) -> ValidationError:
    return ValidationError(
        _(
            "Someone else changed this %(name)s since you opened it, so your changes were not saved. "
            "%(changes)s Reload the page to see the current version."
        ),
        code="stale",
        params={
            "name": instance._meta.verbose_name,
            "changes": describe_changes_since(instance, seen_version),
        },
    )


class VersionedModelForm(forms.ModelForm):
    """A ModelForm that refuses to overwrite a change made since the form was opened.

    Validate and save it inside one transaction (Django admin does; views use `atomic`),
    so the row stays locked between the check and the save.
    """

    # Not called "version": Django refuses a form field named like a non-editable model field.
    seen_version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=MAX_VERSION, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version if self.instance.pk else 0

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            seen = cleaned.get("seen_version")
            try:
                lock_version(self.instance, seen)
            except StaleEdit:
                raise stale_error(self.instance, seen) from None
        return cleaned


class VersionedAdmin(SafeAutocompleteMixin, SimpleHistoryAdmin):
    """Django admin for a model people edit: its history is kept and shown, and a stale save
    is refused, never merged."""

    form = VersionedModelForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        named = {name for _, options in fieldsets for name in options.get("fields", ())}
        if "seen_version" not in named:  # declared fieldsets must carry the version too
            title, options = fieldsets[0]
            fieldsets = [(title, {**options, "fields": [*options["fields"], "seen_version"]}), *fieldsets[1:]]
        return fieldsets
