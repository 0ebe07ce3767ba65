"""Django admin's autocomplete widgets, made safe against a form posted with a value that is no
record's id: Django's own filter the database with it when showing the form again, and fail
(a 500) instead of showing the error."""

from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError


class _OnlyValidIds:
    def optgroups(self, name, value, attr=None):
        key = self.field.remote_field.model._meta.pk
        valid = []
        for item in value:
            try:
                key.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(_OnlyValidIds, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_OnlyValidIds, AutocompleteSelectMultiple):
    pass


SAFE = {
    AutocompleteSelect: SafeAutocompleteSelect,
    AutocompleteSelectMultiple: SafeAutocompleteSelectMultiple,
}


class SafeAutocompleteMixin:
    """For a ModelAdmin or an inline: its autocomplete fields use the safe widgets."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return _safe(super().formfield_for_foreignkey(db_field, request, **kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return _safe(super().formfield_for_manytomany(db_field, request, **kwargs))


def _safe(formfield):
    if formfield is not None and type(formfield.widget) in SAFE:
        formfield.widget.__class__ = SAFE[type(formfield.widget)]
    return formfield


class TabularInline(SafeAutocompleteMixin, admin.TabularInline):
    pass
