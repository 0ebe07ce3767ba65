from django.contrib import admin

from notifications.models import EmailPreferences, Follow, SentReminder


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "target", "activity", "frequency", "created_at"]
    list_filter = ["frequency"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["plan", "target", "activity"]
    readonly_fields = ["last_change_id", "created_at"]


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "reminders"]
    list_filter = ["reminders"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    """A record of what went out: read only."""

    list_display = ["sent_at", "user", "activity", "meeting", "days_before"]
    list_filter = ["days_before"]
    search_fields = ["user__username", "user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
