from django.contrib import admin
from django.db import models
from django.db.models import Count

from core.admin_widgets import TabularInline
from core.versioning import VersionedAdmin
from targets.models import Framework, Goal, Target


class GoalInline(TabularInline):
    model = Goal
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(VersionedAdmin):
    list_display = ["name", "short_name", "target_label", "slug", "target_count"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["short_name"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [GoalInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(target_count=Count("targets"))

    @admin.display(description="targets", ordering="target_count")
    def target_count(self, framework):
        return framework.target_count


@admin.register(Goal)
class GoalAdmin(VersionedAdmin):
    list_display = ["__str__", "framework", "title"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    search_fields = ["code", "title", "framework__short_name"]


@admin.register(Target)
class TargetAdmin(VersionedAdmin):
    list_display = ["__str__", "framework", "goal", "short_title", "activity_count"]
    list_filter = ["framework", "goal"]
    search_fields = ["=number", "short_title", "text", "framework__short_name", "framework__target_label"]
    ordering = ["framework__position", "number"]
    autocomplete_fields = ["goal"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("framework", "goal__framework")
            .annotate(activity_count=Count("activities", distinct=True))
        )

    @admin.display(description="activities", ordering="activity_count")
    def activity_count(self, target):
        return target.activity_count
