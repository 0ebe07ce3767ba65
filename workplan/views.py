"""Pages that compose targets and activities: targets, coverage, dashboard, comparison, report."""

import datetime
from http import HTTPStatus

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_lockout_response
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from activities.models import Activity, Meeting, Plan, PlanRow, Reference, Status
from activities.views import filter_activities, without_empty_values
from core.audit import audit
from core.downloads import csv_response
from core.pagination import paged
from notifications.reminders import due as reminders_due
from targets.models import Framework, Target
from workplan.coverage import coverage_matrix, default_axes, plan_frameworks
from workplan.forms import AsOfForm, AxesForm, CompareForm, PasswordChangeCountedForm
from workplan.invitations import invitation_tokens
from workplan.models import PasswordResetRequest
from workplan.reports import changes_between, dashboard, default_comparison_dates, default_report_date
from workplan.timeline import timeline


def _status_counts():
    return {
        f"count_{value}": Count(
            "activity_links", filter=Q(activity_links__activity__status=value), distinct=True
        )
        for value in Status.values
    }


@require_safe
def target_list(request):
    plan = Plan.objects.current_or_404()
    frameworks = Framework.objects.filter(plans=plan).prefetch_related(
        Prefetch(
            "targets",
            Target.objects.with_framework()
            .annotate(activity_count=Count("activity_links", distinct=True), **_status_counts())
            .order_by("number"),
        )
    )
    for framework in frameworks:
        for target in framework.targets.all():
            target.status_summary = [
                (value, label, getattr(target, f"count_{value}"))
                for value, label in Status.choices
                if getattr(target, f"count_{value}")
            ]
    return render(request, "workplan/target_list.html", {"plan": plan, "frameworks": frameworks})


@require_safe
def target_detail(request, framework: str, number: int):
    plan = Plan.objects.current_or_404()
    target = get_object_or_404(Target.objects.with_framework(), framework__slug=framework, number=number)
    paired = (
        Target.objects.with_framework()
        .filter(rows__targets=target, rows__plan=plan)
        .exclude(framework=target.framework)
        .distinct()
    )
    activities = (
        Activity.objects.filter(plan=plan).for_target(target).for_list().with_status_on(None).with_overdue()
    ).order_by("number")
    context = {"plan": plan, "target": target, "paired": paired, **paged(request, activities)}
    return render(request, "workplan/target_detail.html", context)


def _as_of(request):
    form = AsOfForm(request.GET or None)
    day = form.cleaned_data["as_of"] if form.is_bound and form.is_valid() else None
    return form, day, (HTTPStatus.BAD_REQUEST if form.is_bound and not form.is_valid() else HTTPStatus.OK)


def _axes(request, plan):
    """The two frameworks the matrix sets against each other (`?rows=…&columns=…`), the form
    that chooses them, and whether the choice was valid."""
    frameworks = plan_frameworks(plan)
    default = default_axes(frameworks)
    initial = {"rows": default[0].slug, "columns": default[1].slug} if default else {}
    chosen = {key: request.GET[key] for key in ("rows", "columns") if key in request.GET}
    form = AxesForm({**initial, **chosen} if chosen else None, initial=initial, frameworks=frameworks)
    if chosen and not form.is_valid():
        return form, default, False
    if chosen:
        by_slug = {framework.slug: framework for framework in frameworks}
        return form, (by_slug[form.cleaned_data["rows"]], by_slug[form.cleaned_data["columns"]]), True
    return form, default, True


@require_safe
def coverage(request):
    plan = Plan.objects.current_or_404()
    form, day, status = _as_of(request)
    axes_form, axes, valid = _axes(request, plan)
    context = {"plan": plan, "as_of_form": form, "as_of": day, "axes_form": axes_form, "axes": axes}
    if axes:
        context.update(coverage_matrix(plan, *axes, day))
    return render(
        request,
        "workplan/coverage.html",
        context,
        status=status if valid else HTTPStatus.BAD_REQUEST,
    )


@require_safe
def coverage_csv(request):
    plan = Plan.objects.current_or_404()
    form, day, status = _as_of(request)
    _form, axes, valid = _axes(request, plan)
    if status != HTTPStatus.OK or not valid or not axes:
        return HttpResponseBadRequest(
            _("Enter the date as YYYY-MM-DD and choose two of the plan's frameworks."),
            content_type="text/plain",
        )
    matrix = coverage_matrix(plan, *axes, day, limit=None)
    header = [axes[0].local_target_label] + [str(column) for column, _count in matrix["column_targets"]]
    rows = (
        [str(target)] + ["; ".join(str(a.number) for a in cell.activities) for cell in cells]
        for target, _count, cells in matrix["matrix"]
    )
    return csv_response("coverage.csv", header, rows)


@require_safe
def dashboard_view(request):
    plan = Plan.objects.current_or_404()
    form, day, status = _as_of(request)
    context = {"plan": plan, "as_of_form": form, "as_of": day, **dashboard(plan, day, request.user)}
    if request.user.has_perm("activities.update_progress"):
        # What `manage.py send_reminders` would send if it ran now: staff only.
        context["reminders"] = reminders_due(timezone.localdate())
    return render(request, "workplan/dashboard.html", context, status=status)


@require_safe
def compare(request):
    plan = Plan.objects.current_or_404()
    start, end = default_comparison_dates(plan, request.user)
    form = CompareForm(request.GET or None, initial={"start": start, "end": end})
    bad = form.is_bound and not form.is_valid()
    if form.is_bound and not bad:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    context = {
        "plan": plan,
        "form": form,
        "start": start,
        "end": end,
        "activities": [] if bad else changes_between(plan, start, end, request.user),
    }
    return render(
        request, "workplan/compare.html", context, status=HTTPStatus.BAD_REQUEST if bad else HTTPStatus.OK
    )


@require_safe
def report(request):
    """The whole plan as of a date, for a governing body: print-ready."""
    plan = Plan.objects.current_or_404()
    form, day, status = _as_of(request)
    chosen_because = ""
    if day is None and status == HTTPStatus.OK:
        day, chosen_because = default_report_date(plan)
        form = AsOfForm(initial={"as_of": day})
    rows = (
        PlanRow.objects.filter(plan=plan)
        .order_by("position")
        .prefetch_related(
            Prefetch("targets", Target.objects.with_framework()),
            Prefetch(
                "activities",
                Activity.objects.with_status_on(day).for_report().order_by("number"),
            ),
        )
    )
    outside = Activity.objects.filter(plan=plan).outside_rows().with_status_on(day).for_report()
    context = {
        "plan": plan,
        "as_of_form": form,
        "as_of": day,
        "chosen_because": chosen_because,
        "plan_end": datetime.date(plan.end_year, 12, 31),
        "rows": rows,
        "outside": outside.order_by("number"),
        **dashboard(plan, day, request.user),
    }
    return render(request, "workplan/report.html", context, status=status)


@require_safe
def timeline_view(request):
    """The plan period as a timeline, filtered like the list, with the same parameters."""
    if shorter := without_empty_values(request):
        return shorter
    plan = Plan.objects.current_or_404()
    filterset, valid, activities = filter_activities(request, plan, lambda frameworks: Activity.objects.all())
    context = {
        "plan": plan,
        "filter": filterset,
        "chips": filterset.chips(request.GET),
        "query": request.GET.urlencode(),
        "list_url": reverse("activities:list") + (f"?{request.GET.urlencode()}" if request.GET else ""),
        **timeline(plan, activities, request.user),
    }
    return render(
        request,
        "workplan/timeline.html",
        context,
        status=HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST,
    )


SEARCH_LIMIT = 50  # of each kind


@require_safe
def search(request):
    """One box over the activities, the meetings the reader may read (place, participants,
    notes) and the decisions and bodies the plan cites."""
    plan = Plan.objects.current_or_404()
    text = request.GET.get("q", "").strip()[:200]
    words = text.split()
    results = {"activities": [], "meetings": [], "references": []}
    if words:
        results["activities"] = list(
            Activity.objects.filter(plan=plan).search(text).with_overdue().order_by("number")[:SEARCH_LIMIT]
        )
        results["meetings"] = list(
            Meeting.objects.visible_to(request.user)
            .filter(plan=plan)
            .search(text)
            .order_by("-date", "-pk")[:SEARCH_LIMIT]
        )
        results["references"] = list(
            Reference.objects.filter(activities__plan=plan)
            .search(text)
            .distinct()
            .prefetch_related(Prefetch("activities", Activity.objects.filter(plan=plan).order_by("number")))[
                :SEARCH_LIMIT
            ]
        )
    context = {
        "plan": plan,
        "q": text,
        "searched": bool(words),
        "found": sum(len(found) for found in results.values()),
        "limit": SEARCH_LIMIT,
        **results,
    }
    return render(request, "workplan/search.html", context)


@login_not_required
@require_safe
def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever the page says: send them to it."""
    return redirect(static("favicon.ico"), permanent=True)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 when not. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


class PasswordReset(auth_views.PasswordResetView):
    """Django's password reset, in the site's look, with the same answer whether or not the
    address has an account, and a limit per hour on requests per address and per client."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        return {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        client = get_client_ip_address(self.request) or "unknown"
        now = timezone.now()
        recent = PasswordResetRequest.objects.filter(requested_at__gte=now - datetime.timedelta(hours=1))
        if (
            recent.filter(email=email).count() >= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
            or recent.filter(client=client).count() >= settings.PASSWORD_RESET_LIMIT_PER_CLIENT
        ):
            audit("password_reset_limited", self.request)
            return render(
                self.request, "registration/password_reset_limited.html", status=HTTPStatus.TOO_MANY_REQUESTS
            )
        PasswordResetRequest.objects.filter(requested_at__lt=now - datetime.timedelta(days=1)).delete()
        PasswordResetRequest.objects.create(email=email, client=client, requested_at=now)
        audit("password_reset_requested", self.request)
        return super().form_valid(form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"


class InvitationConfirm(auth_views.PasswordResetConfirmView):
    """The link of an invitation: the person chooses their own password."""

    template_name = "registration/invitation_confirm.html"
    token_generator = invitation_tokens


class PasswordChange(auth_views.PasswordChangeView):
    """Django's password change, where a wrong current password counts with the sign-in
    lockout: after too many, the account is locked here and on the sign-in page."""

    form_class = PasswordChangeCountedForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def post(self, request, *args, **kwargs):
        credentials = {"username": request.user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        return super().post(request, *args, **kwargs)


def permission_denied(request, exception):
    audit("request_refused", request, method=request.method, reason="permission")
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    audit("request_refused", request, method=request.method, reason="csrf")
    return render(request, "403_csrf.html", status=403)


def bare(request, size: int):
    """The floor of this stack for bench/run: `size` bytes through the same middleware, no database."""
    return HttpResponse(b"x" * min(size, 10_000_000), content_type="text/html; charset=utf-8")
