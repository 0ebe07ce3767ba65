from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from workplan import views
from workplan.forms import AdminSignInForm, SignInForm

admin.site.site_header = "CBD-CMS Joint Work Plan"
admin.site.site_title = "Joint Work Plan admin"
admin.site.index_title = "Edit the plan"
admin.site.login_form = AdminSignInForm

# The pages, in every language: English at these addresses, French under /fr/, Spanish under
# /es/. The API, admin and the health check keep one address (the API's labels follow
# Accept-Language; admin follows the browser).
urlpatterns = i18n_patterns(
    path("", include("activities.urls")),
    path("targets/", views.target_list, name="target-list"),
    path("targets/<slug:framework>/<int:number>/", views.target_detail, name="target-detail"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage.csv", views.coverage_csv, name="coverage-csv"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("compare/", views.compare, name="compare"),
    path("report/", views.report, name="report"),
    path("timeline/", views.timeline_view, name="timeline"),
    path("search/", views.search, name="search"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChange.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/welcome/<uidb64>/<token>/", views.InvitationConfirm.as_view(), name="invitation"),
    path("", include("notifications.urls")),
    # Inside the prefixed addresses so that it can translate the address of a French page back.
    path("language/", set_language, name="set_language"),
    prefix_default_language=False,
) + [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "workplan.views.permission_denied"

if settings.BENCHMARK:
    urlpatterns.append(path("bench/bare/<int:size>/", views.bare, name="bench-bare"))
