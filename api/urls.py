from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter()
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("targets", views.TargetViewSet, basename="target")
router.register("rows", views.RowViewSet, basename="row")
router.register("meetings", views.MeetingViewSet, basename="meeting")

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
]
