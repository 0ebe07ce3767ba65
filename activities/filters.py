from functools import partial

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from activities.models import Activity, ActivityTarget, Lead, Status
from targets.models import Target


def target_choice_label(target: Target) -> str:
    return f"{target.short_label} · {target.short_title}" if target.short_title else target.short_label


def target_choices(slug: str, targets=None) -> list[tuple[str, str]]:
    """The targets of a framework as filter choices. Hits the database unless given the targets."""
    targets = targets if targets is not None else Target.objects.with_framework().filter(framework__slug=slug)
    return [(str(t.number), target_choice_label(t)) for t in targets if t.framework.slug == slug]


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
    """The activity list's filters. Every value lives in the query string, so a view is a link."""

    cms = django_filters.MultipleChoiceFilter(
        label="Migratory Species Targets",
        choices=partial(target_choices, "cms"),
        method="filter_targets",
        widget=forms.CheckboxSelectMultiple,
    )
    aichi = django_filters.MultipleChoiceFilter(
        label="Aichi Targets",
        choices=partial(target_choices, "aichi"),
        method="filter_targets",
        widget=forms.CheckboxSelectMultiple,
    )
    as_of = django_filters.DateFilter(
        label="Status as of",
        method="filter_nothing",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Show each activity's status on this date, from its history.",
    )
    status = django_filters.ChoiceFilter(
        field_name="status_shown", label="Status", choices=Status.choices, empty_label="Any status"
    )
    lead = django_filters.ChoiceFilter(choices=Lead.choices, empty_label="Any lead")
    owner = django_filters.ModelChoiceFilter(
        field_name="owners",
        queryset=get_user_model().objects.filter(
            Exists(Activity.owners.through.objects.filter(user=OuterRef("pk")))
        ),
        empty_label="Anyone",
        label="Owner",
    )
    q = django_filters.CharFilter(label="Words in the title or text", method="filter_text", max_length=200)
    sort = ActivityOrdering(
        label="Sort by",
        empty_label="Plan order",
        fields=[
            ("target_sort_key", "target"),
            ("status_order", "status"),
            ("updated_at", "updated"),
        ],
        field_labels={
            "target": "Target",
            "-target": "Target (descending)",
            "status": "Status",
            "-status": "Status (descending)",
            "updated": "Last update (oldest first)",
            "-updated": "Last update (newest first)",
        },
    )

    class Meta:
        model = Activity
        fields = ["cms", "aichi", "status", "lead", "owner", "q", "as_of"]

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        targets = list(targets if targets is not None else Target.objects.with_framework())
        for slug in ("cms", "aichi"):
            self.filters[slug].extra["choices"] = target_choices(slug, targets)
        self.filters["owner"].field.label_from_instance = lambda user: user.get_full_name() or user.username

    @extend_schema_field(OpenApiTypes.INT)  # target numbers, for the API's schema
    def filter_targets(self, queryset, name, value):
        if not value:
            return queryset
        serving = ActivityTarget.objects.filter(target__framework__slug=name, target__number__in=value)
        return queryset.filter(pk__in=serving.values("activity"))

    def filter_text(self, queryset, name, value):
        return queryset.search(value)

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied first, in filter_queryset

    def filter_queryset(self, queryset):
        as_of = self.form.cleaned_data.get("as_of")
        return super().filter_queryset(queryset.with_status_on(as_of).with_status_order())

    @property
    def qs(self):
        queryset = super().qs
        # Ties, and no sort at all, keep the plan's own order (the queryset holds one plan).
        return queryset.order_by(*queryset.query.order_by, "number")
