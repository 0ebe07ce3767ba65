from django.contrib.auth.decorators import login_not_required
from django.urls import path
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
    *router.urls,
]
# Sign-in for the API is DRF's (a session or a token), so REQUIRE_SIGN_IN's middleware leaves
# it alone; settings then make DRF require an authenticated reader.
for pattern in urlpatterns:
    pattern.callback = login_not_required(pattern.callback)
