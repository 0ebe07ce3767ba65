from django.urls import path

from notifications import feeds, views

app_name = "notifications"

urlpatterns = [
    path("account/email/", views.preferences, name="preferences"),
    path("account/email/follow/", views.follow, name="follow"),
    path("email/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("feeds/changes/", feeds.PlanChangesFeed(), name="plan-feed"),
    path("feeds/targets/<slug:framework>/<int:number>/", feeds.TargetChangesFeed(), name="target-feed"),
    path("feeds/activities/<int:pk>/", feeds.ActivityChangesFeed(), name="activity-feed"),
]
