from django.urls import path, re_path

from activities import import_views, views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    re_path(r"^activities\.(?P<fmt>csv|xlsx)$", views.activity_export, name="export"),
    path("activities/import/", import_views.activity_import, name="import"),
    path("activities/import/preview/", import_views.activity_import_preview, name="import-preview"),
    path("activities/<int:pk>/", views.activity_detail, name="detail"),
    path("activities/<int:pk>/history/", views.activity_history, name="history"),
    path("activities/<int:pk>/progress/", views.activity_update_progress, name="update-progress"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<int:pk>/review/", views.meeting_review, name="meeting-review"),
]
