import datetime

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ChoiceField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from activities.models import Activity, ActivityTarget, Lead, Status
from targets.models import Framework, Target


def target_choice_label(target: Target) -> str:
    return f"{target.short_label} · {target.caption}"


def frameworks_of(targets) -> list[Framework]:
    """The frameworks of `targets` (read `with_framework()`), in their order, each once."""
    seen: dict[int, Framework] = {}
    for target in targets:
        seen.setdefault(target.framework_id, target.framework)
    return sorted(seen.values(), key=lambda framework: (framework.position, framework.name))


MAX_ID = 2**63 - 1  # the largest id a database row may have


class AnyOwnerField(ChoiceField):
    """The owners to choose from are offered; any person's number is accepted (someone who
    owns no activity lists none), so the API's schema can say "an integer" and mean it."""

    def valid_value(self, value) -> bool:
        value = str(value)
        return value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_ID

    def clean(self, value):
        value = super().clean(value)
        return int(value) if value not in ("", None) else None


class OwnerFilter(django_filters.ChoiceFilter):
    field_class = AnyOwnerField


class TargetFilter(django_filters.MultipleChoiceFilter):
    """Activities serving any of the chosen targets of one framework: the parameter is the
    framework's slug (`?aichi=11&aichi=12`), the values the targets' numbers."""

    def __init__(self, framework: Framework, targets, **kwargs):
        self.framework = framework
        choices = [(str(t.number), target_choice_label(t)) for t in targets if t.framework_id == framework.pk]
        super().__init__(
            label=framework.targets_name, choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs
        )

    def filter(self, queryset, value):
        if not value:
            return queryset
        serving = ActivityTarget.objects.filter(target__framework=self.framework, target__number__in=value)
        return queryset.filter(pk__in=serving.values("activity"))


class ActivityOrdering(django_filters.OrderingFilter):
    """Sorting by last update puts activities never updated first, as the oldest; by target,
    those serving no Migratory Species Target last, on every database."""

    def get_ordering_value(self, param):
        descending = param.startswith("-")
        if param.lstrip("-") == "updated":
            updated = F("updated_at")
            return updated.desc(nulls_last=True) if descending else updated.asc(nulls_first=True)
        if param.lstrip("-") == "target":  # activities serving no target last
            return (
                F("target_sort_key").desc(nulls_last=True)
                if descending
                else F("target_sort_key").asc(nulls_last=True)
            )
        return super().get_ordering_value(param)


class ActivityFilter(django_filters.FilterSet):
    """The activity list's filters. Every value lives in the query string, so a view is a link.

    One target filter per framework of the plan comes from `for_targets`, named by the
    framework's slug: the frameworks are data, and a new one is a new filter.
    """

    as_of = django_filters.DateFilter(
        label=_("Status as of"),
        method="filter_nothing",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Show each activity's status on this date, from its history."),
    )
    status = django_filters.ChoiceFilter(
        field_name="status_shown", label=_("Status"), choices=Status.choices, empty_label=_("Any status")
    )
    lead = django_filters.ChoiceFilter(choices=Lead.choices, label=_("Lead"), empty_label=_("Any lead"))
    q = django_filters.CharFilter(label=_("Words in the title or text"), method="filter_text", max_length=200)
    overdue = django_filters.BooleanFilter(
        label=_("Overdue"),
        method="filter_overdue",
        help_text=_("Past its due date and neither completed nor discontinued."),
    )
    sort = ActivityOrdering(
        label=_("Sort by"),
        empty_label=_("Plan order"),
        fields=[
            ("target_sort_key", "target"),
            ("status_order", "status"),
            ("updated_at", "updated"),
        ],
        field_labels={
            "target": _("Target"),
            "-target": _("Target (descending)"),
            "status": _("Status"),
            "-status": _("Status (descending)"),
            "updated": _("Last update (oldest first)"),
            "-updated": _("Last update (newest first)"),
        },
    )

    class Meta:
        model = Activity
        fields = ["status", "lead", "q", "as_of", "overdue"]

    @classmethod
    def for_targets(cls, targets) -> type["ActivityFilter"]:
        """The filter set with a target filter for the framework of each of `targets` (the
        plan's, read `with_framework()`), first in the form and in the API's schema, and the
        owners to choose from (those who own an activity): the values each filter accepts
        are known, so the schema can list them. Reads the owners (one query)."""
        targets = list(targets)
        declared = {framework.slug: TargetFilter(framework, targets) for framework in frameworks_of(targets)}
        owners = (
            get_user_model()
            .objects.filter(Exists(Activity.owners.through.objects.filter(user=OuterRef("pk"))))
            .order_by("first_name", "last_name", "username")
        )
        owner = OwnerFilter(
            label=_("Owner"),
            empty_label=_("Anyone"),
            choices=[(str(user.pk), user.get_full_name() or user.get_username()) for user in owners],
            method="filter_owner",
        )
        # (A copy: the metaclass alters what it is given.)
        filterset = type("PlanActivityFilter", (cls,), {**declared, "owner": owner})
        ordered = {name: filterset.base_filters[name] for name in declared}
        for name, filter_ in filterset.base_filters.items():
            if name not in declared and name != "owner":
                ordered[name] = filter_
                if name == "lead":
                    ordered["owner"] = filterset.base_filters["owner"]
        filterset.base_filters = ordered
        return filterset

    # Any person's number: someone who owns nothing lists nothing.
    @extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
    def filter_owner(self, queryset, name, value):
        return queryset.filter(owners__pk=value) if value is not None else queryset

    @property
    def target_fields(self) -> list:
        """The bound form fields of the target filters, in framework order."""
        return [self.form[name] for name, f in self.filters.items() if isinstance(f, TargetFilter)]

    @property
    def other_fields(self) -> list:
        return [
            self.form[name]
            for name, f in self.filters.items()
            if not isinstance(f, TargetFilter)
            and name in ("status", "lead", "owner", "sort", "as_of")
            and name in self.form.fields
        ]

    def in_words(self) -> list[str]:
        """The filters in use, in words, for a download to say what it holds: "Aichi Targets:
        11, 12", "Status: In progress". Call after `is_valid()`."""
        said = []
        for name, field in self.form.fields.items():
            value = self.form.cleaned_data.get(name)
            if value in (None, "", [], ()):
                continue
            if isinstance(self.filters[name], TargetFilter):
                shown = ", ".join(value)
            elif isinstance(field, forms.ModelChoiceField):
                shown = field.label_from_instance(value)
            elif isinstance(value, bool):
                shown = _("yes") if value else _("no")
            elif isinstance(value, datetime.date):
                shown = date_format(value)
            elif hasattr(field, "choices"):
                labels = {str(key): str(label) for key, label in field.choices}
                shown = ", ".join(
                    labels.get(str(v), str(v)) for v in (value if isinstance(value, list) else [value])
                )
            else:
                shown = f"“{value}”"
            said.append(f"{field.label}: {shown}")
        return said

    @extend_schema_field({"type": "string", "maxLength": 200, "pattern": "^[^\\u0000]*$"})  # no NUL: a 400
    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue=value)

    def filter_queryset(self, queryset):
        as_of = self.form.cleaned_data.get("as_of")
        shown = queryset.with_status_on(as_of).with_status_order().with_overdue(as_of, "status_shown")
        return super().filter_queryset(shown)

    def chips(self, data) -> list[tuple[str, str]]:
        """The filters in use as (words, the query string without it), one per value, so each
        can be removed with one click: "Aichi Target 11", "Status: In progress". Read from the
        address itself, so a value the filter refused can be removed too. The sort and the page
        are not filters."""
        chips = []
        for name, values in data.lists():
            filter_ = self.filters.get(name)
            if filter_ is None or name == "sort":
                continue
            field = self.form.fields[name]
            for value in values:
                if value == "":
                    continue
                rest = data.copy()
                rest.pop("page", None)
                rest.setlist(name, [v for v in values if v != value])
                chips.append((self._chip_words(name, filter_, field, value), rest.urlencode()))
        return chips

    def _chip_words(self, name, filter_, field, value: str) -> str:
        if isinstance(filter_, TargetFilter):
            return f"{filter_.framework.local_target_label} {value}"
        if name == "overdue":
            return _("Overdue") if value.lower() in ("true", "1", "on") else _("Not overdue")
        if name == "as_of":
            try:
                return f"{field.label}: {date_format(datetime.date.fromisoformat(value))}"
            except ValueError:
                return f"{field.label}: {value}"
        if hasattr(field, "choices"):
            labels = {str(key): str(label) for key, label in field.choices}
            return f"{field.label}: {labels.get(value, value)}"
        return f"{field.label}: “{value}”"

    @property
    def qs(self):
        queryset = super().qs
        # Ties, and no sort at all, keep the plan's own order (the queryset holds one plan).
        return queryset.order_by(*queryset.query.order_by, "number")


class PlanFilterBackend(DjangoFilterBackend):
    """django-filter's API backend, asking the view for its filter set (one that knows the
    plan's frameworks), for requests and for the OpenAPI schema alike. A parameter given with no
    value is a 400 in the API, where the schema lists the values each one takes (the page's own
    form sends empty values for "any")."""

    def get_filterset_class(self, view, queryset=None):
        return view.get_filterset_class()

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        free = (django_filters.CharFilter, django_filters.OrderingFilter)  # may be empty in the schema too
        empty = {
            name: [_("An empty value filters nothing: leave the parameter out.")]
            for name, values in request.query_params.lists()
            if name in filterset.filters
            and not isinstance(filterset.filters[name], free)
            and any(value == "" for value in values)
        }
        if empty:
            raise ValidationError(empty)
        return filterset
