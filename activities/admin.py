from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Prefetch
from django.utils import timezone

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
    Via,
    owner_candidates,
)
from activities.services import UNCHANGED, links_changed, progress_errors, record_progress
from core.admin_widgets import TabularInline
from core.versioning import VersionedAdmin, VersionedModelForm
from targets import admin as targets_admin
from targets.models import Framework, Target


class TargetListFilter(admin.RelatedFieldListFilter):
    """Filter by target, named as people say them, in one query (not one per target)."""

    def field_choices(self, field, request, model_admin):
        return [(target.pk, str(target)) for target in Target.objects.with_framework()]


def target_labels(targets) -> str:
    return ", ".join(target.short_label for target in targets) or "—"


@admin.register(Secretariat)
class SecretariatAdmin(VersionedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Plan)
class PlanAdmin(VersionedAdmin):
    list_display = ["title", "period", "slug"]
    search_fields = ["title", "slug"]
    filter_horizontal = ["secretariats", "frameworks"]


@admin.register(Reference)
class ReferenceAdmin(VersionedAdmin):
    list_display = ["name", "kind", "title"]
    list_filter = ["kind"]
    search_fields = ["name", "title", "code", "note"]
    prepopulated_fields = {"code": ["name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RowTargetInline(TabularInline):
    model = RowTarget
    autocomplete_fields = ["target"]
    extra = 0


class RowActivityInline(TabularInline):
    model = RowActivity
    extra = 0


class ActivitiesOfRowInline(RowActivityInline):
    autocomplete_fields = ["activity"]
    verbose_name = "activity under the row"
    verbose_name_plural = "activities under the row"


@admin.register(PlanRow)
class PlanRowAdmin(VersionedAdmin):
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

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.activity_links.values_list("activity_id", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.activity_links.values_list("activity_id", flat=True))
        # The row's activities serve its targets; an editor of one of them opened it before.
        links_changed(before | after, bump=True)


class ServedTargetsFormSet(forms.BaseInlineFormSet):
    """An activity serves every target of each row it stands under: a target one of its rows
    pairs cannot be taken away while it stays under that row (rows added now bring theirs)."""

    ROWS_PREFIX = "rowactivity_set"

    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.pk:
            return
        kept = {
            form.cleaned_data["target"].pk
            for form in self.forms
            if form.cleaned_data.get("target") and not form.cleaned_data.get("DELETE")
        }
        removed = {form.initial["target"] for form in self.forms if form.initial.get("target")} - kept
        if not removed:
            return
        staying = RowTarget.objects.filter(row__in=self._rows_kept(), target__in=removed)
        problems = [
            f"{link.target} (it stays under row {link.row.position})"
            for link in staying.select_related("row", "target__framework").order_by("row__position")
        ]
        if problems:
            raise ValidationError(
                "It serves the targets of the rows it stands under, so these cannot be removed: %(list)s. "
                "Take it off the row as well, or keep the target.",
                code="row_target",
                params={"list": "; ".join(problems)},
            )

    def _rows_kept(self) -> set[int]:
        """The rows the activity stands under once the rows formset posted with this one is saved."""
        data, prefix = self.data, self.ROWS_PREFIX
        try:
            total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
        except ValueError:
            total = 0
        if f"{prefix}-TOTAL_FORMS" not in data:  # rows not posted: they stay as they are
            return set(self.instance.rowactivity_set.values_list("row_id", flat=True))
        rows = set()
        for i in range(min(total, 1000)):
            row = data.get(f"{prefix}-{i}-row")
            if row and str(row).isdigit() and not data.get(f"{prefix}-{i}-DELETE"):
                rows.add(int(row))
        return rows


class ActivityTargetInline(TabularInline):
    model = ActivityTarget
    formset = ServedTargetsFormSet
    autocomplete_fields = ["target"]
    extra = 0


class RowsOfActivityInline(RowActivityInline):
    autocomplete_fields = ["row"]


class StatusChangeInline(TabularInline):
    """The status history, read-only: a change is made by editing the status itself."""

    model = StatusChange
    fk_name = "activity"
    fields = [
        "effective_on",
        "old_status",
        "new_status",
        "changed_by",
        "via",
        "note",
        "meeting",
        "recorded_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ActivityAdminForm(VersionedModelForm):
    """Status, owners and due date are checked by the same rules as on the activity page."""

    PROGRESS_FIELDS = ("status", "due_date", "owners")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owners" in self.fields:
            self.fields["owners"].queryset = owner_candidates(self.instance)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and not self.errors and set(self.PROGRESS_FIELDS) & set(self.changed_data):
            errors = progress_errors(
                self.instance,
                status=cleaned.get("status", self.instance.status),
                effective_on=timezone.localdate(),
                owners=list(cleaned["owners"]) if "owners" in cleaned else UNCHANGED,
                due_date=cleaned.get("due_date", UNCHANGED),
            )
            errors.pop("__all__", None)  # "nothing to save" is for the progress form
            for name, messages_ in errors.items():
                for error in messages_:
                    self.add_error(name if name in self.fields else None, error)
        return cleaned


@admin.register(Activity)
class ActivityAdmin(VersionedAdmin):
    form = ActivityAdminForm
    list_display = ["number", "title", "targets_served", "status", "lead", "updated_at"]
    readonly_fields = ["status_since", "updated_at"]
    list_display_links = ["number", "title"]
    list_filter = ["status", "lead", "plan", "targets__framework", ("targets", TargetListFilter)]
    search_fields = ["title", "text"]
    ordering = ["plan", "number"]
    autocomplete_fields = ["owners", "references"]
    fieldsets = [
        (None, {"fields": ["plan", "number", "title", "text", "seen_version"]}),
        ("Tracking", {"fields": ["lead", "status", "status_since", "owners", "due_date", "updated_at"]}),
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
        # Status, owners and due date are progress: written by record_progress, which records
        # the status change and the audit entry, as on the activity page.
        wanted = {name: form.cleaned_data[name] for name in ActivityAdminForm.PROGRESS_FIELDS}
        if change:
            saved = Activity.objects.values("status", "due_date").get(pk=obj.pk)
            owners_before = set(obj.owners.all())
        else:
            saved, owners_before = {"status": Status.NOT_REPORTED, "due_date": None}, set()
        obj.status, obj.due_date = saved["status"], saved["due_date"]
        super().save_model(request, obj, form, change)
        if (wanted["status"], wanted["due_date"]) != (saved["status"], saved["due_date"]) or set(
            wanted["owners"]
        ) != owners_before:
            record_progress(
                activity=obj,
                by=request.user,
                expected_version=obj.version,
                status=wanted["status"],
                owners=list(wanted["owners"]),
                due_date=wanted["due_date"],
                via=Via.ADMIN,
            )

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.targets.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        links_changed([form.instance.pk])
        added = form.instance.targets.exclude(pk__in=before).exclude(
            pk__in=[f.instance.target_id for fs in formsets if fs.model is ActivityTarget for f in fs.forms]
        )
        if added.exists():
            self.message_user(
                request,
                "It now also serves the targets of the rows it was placed under: "
                + ", ".join(str(target) for target in added.with_framework()),
                messages.INFO,
            )


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """History is evidence: it can be read here, never added, edited or deleted."""

    list_display = ["activity", "old_status", "new_status", "effective_on", "changed_by", "via", "meeting"]
    list_filter = ["new_status", "via", "activity__plan"]
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
class MeetingAdmin(VersionedAdmin):
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


# Activities sort by their first target: renumbering a target or reordering frameworks in
# targets' admin keeps that key current. Registered here, as targets knows nothing of activities.
admin.site.unregister(Framework)
admin.site.unregister(Target)


@admin.register(Framework)
class FrameworkAdmin(targets_admin.FrameworkAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "position" in form.changed_data:
            links_changed()


@admin.register(Target)
class TargetAdmin(targets_admin.TargetAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if {"number", "framework"} & set(form.changed_data):
            links_changed(list(obj.activity_links.values_list("activity_id", flat=True)))
