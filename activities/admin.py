from django.contrib import admin
from django.db import models
from django.db.models import Count, Prefetch
from simple_history.admin import SimpleHistoryAdmin

from activities.models import (
    Activity,
    ActivityTarget,
    Meeting,
    Plan,
    PlanRow,
    Reference,
    RowActivity,
    RowTarget,
    Secretariat,
    Status,
    StatusChange,
)
from targets.models import Target
from targets.versioning import VersionedModelForm


class TargetListFilter(admin.RelatedFieldListFilter):
    """Filter by target, named as people say them, in one query (not one per target)."""

    def field_choices(self, field, request, model_admin):
        return [(target.pk, str(target)) for target in Target.objects.with_framework()]


def target_labels(targets) -> str:
    return ", ".join(target.short_label for target in targets) or "—"


@admin.register(Secretariat)
class SecretariatAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "period", "slug"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["secretariats", "frameworks"]


@admin.register(Reference)
class ReferenceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "title"]
    list_filter = ["kind"]
    search_fields = ["name", "title", "code", "note"]
    prepopulated_fields = {"code": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RowTargetInline(admin.TabularInline):
    model = RowTarget
    autocomplete_fields = ["target"]
    extra = 0


class RowActivityInline(admin.TabularInline):
    model = RowActivity
    extra = 0


class ActivitiesOfRowInline(RowActivityInline):
    autocomplete_fields = ["activity"]
    verbose_name = "activity under the row"
    verbose_name_plural = "activities under the row"


@admin.register(PlanRow)
class PlanRowAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "plan", "activity_count"]
    list_filter = ["plan", "targets__framework", ("targets", TargetListFilter)]
    search_fields = ["targets__text", "activities__title"]
    ordering = ["plan", "position"]
    inlines = [RowTargetInline, ActivitiesOfRowInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plan")
            .prefetch_related(Prefetch("targets", Target.objects.with_framework()))
            .annotate(activity_count=Count("activity_links", distinct=True))
        )

    @admin.display(description="activities", ordering="activity_count")
    def activity_count(self, row):
        return row.activity_count


class ActivityTargetInline(admin.TabularInline):
    model = ActivityTarget
    autocomplete_fields = ["target"]
    extra = 0


class RowsOfActivityInline(RowActivityInline):
    autocomplete_fields = ["row"]


class StatusChangeInline(admin.TabularInline):
    """The status history, read-only: a change is made by editing the status itself."""

    model = StatusChange
    fk_name = "activity"
    fields = ["effective_on", "old_status", "new_status", "changed_by", "note", "meeting", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    form = VersionedModelForm
    list_display = ["number", "title", "targets_served", "status", "lead", "updated_at"]
    readonly_fields = ["updated_at"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "lead", "plan", "targets__framework", ("targets", TargetListFilter)]
    search_fields = ["title", "text"]
    ordering = ["plan", "number"]
    autocomplete_fields = ["owners", "references"]
    fieldsets = [
        (None, {"fields": ["plan", "number", "title", "text", "seen_version"]}),
        ("Tracking", {"fields": ["lead", "status", "owners", "due_date", "updated_at"]}),
        ("Cited", {"fields": ["references"]}),
    ]
    inlines = [ActivityTargetInline, RowsOfActivityInline, StatusChangeInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("plan")
            .prefetch_related(Prefetch("targets", Target.objects.with_framework()))
        )

    @admin.display(description="targets")
    def targets_served(self, activity):
        return target_labels(activity.targets.all())

    def save_model(self, request, obj, form, change):
        # A status edited here goes through set_status, so it leaves a history record.
        new_status = obj.status
        old_status = form.initial.get("status", Status.NOT_REPORTED) if change else Status.NOT_REPORTED
        obj.status = old_status
        super().save_model(request, obj, form, change)
        if new_status != old_status:
            obj.set_status(new_status, by=request.user, note="Changed in the admin.")


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """History is evidence: it can be read here, never added, edited or deleted."""

    list_display = ["activity", "old_status", "new_status", "effective_on", "changed_by", "meeting"]
    list_filter = ["new_status", "activity__plan"]
    list_select_related = ["activity", "changed_by", "meeting"]
    search_fields = ["activity__title", "note"]
    date_hierarchy = "effective_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    form = VersionedModelForm
    list_display = ["__str__", "kind", "date", "place", "is_public", "activity_count"]
    list_filter = ["kind", "is_public", "plan"]
    search_fields = ["place", "participants", "notes"]
    date_hierarchy = "date"
    autocomplete_fields = ["activities"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(activity_count=Count("activities", distinct=True))

    @admin.display(description="activities discussed", ordering="activity_count")
    def activity_count(self, meeting):
        return meeting.activity_count
