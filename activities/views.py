from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activities.audit import audit
from activities.filters import ActivityFilter
from activities.forms import MeetingForm, ProgressForm
from activities.history import activity_change_history
from activities.models import Activity, Meeting, MeetingKind, Plan, StaleEdit
from activities.services import update_progress
from targets.models import Target

PAGE_SIZE = 25


def current_plan_or_404() -> Plan:
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan has been loaded yet.")
    return plan


def activity_list(request):
    plan = current_plan_or_404()
    targets = list(Target.objects.with_framework().filter(framework__plans=plan))
    filterset = ActivityFilter(
        request.GET or None,
        queryset=Activity.objects.filter(plan=plan).with_sort_keys().for_list(),
        targets=targets,
    )
    valid = filterset.is_valid() if filterset.is_bound else True
    activities = filterset.qs if valid else Activity.objects.none()
    page = Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/activity_list.html",
        {
            "plan": plan,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "filtered": any(request.GET.get(name) for name in filterset.filters if name != "sort"),
        },
        status=HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST,
    )


def _detail_context(request, activity: Activity, form=None) -> dict:
    staff = request.user.has_perm("activities.update_progress")
    return {
        "change_history": activity_change_history(activity) if staff else None,
        "activity": activity,
        "plan": activity.plan,
        "meetings": Meeting.objects.visible_to(request.user).filter(activities=activity).order_by("-date"),
        "form": form
        if form is not None
        else (
            ProgressForm(activity=activity) if request.user.has_perm("activities.update_progress") else None
        ),
    }


def activity_detail(request, pk: int):
    activity = get_object_or_404(Activity.objects.for_detail(), pk=pk)
    return render(request, "activities/activity_detail.html", _detail_context(request, activity))


@require_POST
@login_required
@permission_required("activities.update_progress", raise_exception=True)
def activity_update_progress(request, pk: int):
    activity = get_object_or_404(Activity.objects.for_detail(), pk=pk)
    form = ProgressForm(request.POST, activity=activity)
    if not form.is_valid():
        return render(
            request,
            "activities/activity_detail.html",
            _detail_context(request, activity, form),
            status=HTTPStatus.BAD_REQUEST,
        )
    try:
        update_progress(
            activity=activity,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            effective_on=form.cleaned_data["effective_on"],
            owners=form.cleaned_data["owners"],
        )
    except StaleEdit:
        current = get_object_or_404(Activity.objects.for_detail(), pk=pk)
        # Keep what the user typed, against the version they can now see.
        data = request.POST.copy()
        data["version"] = current.version
        return render(
            request,
            "activities/activity_detail.html",
            {
                **_detail_context(request, current, ProgressForm(data, activity=current)),
                "conflict": True,
                "their_change": current.status_changes.select_related("changed_by")
                .order_by("-recorded_at", "-pk")
                .first(),
            },
            status=HTTPStatus.CONFLICT,
        )
    audit(
        "status_changed",
        request,
        activity=activity.pk,
        old_status=form.initial["status"],
        new_status=activity.status,
        version=activity.version,
    )
    messages.success(request, f"Saved: “{activity.title}” is now {activity.get_status_display().lower()}.")
    return redirect(activity)


@login_required
@permission_required("activities.view_meeting", raise_exception=True)
def meeting_list(request):
    plan = current_plan_or_404()
    kind = request.GET.get("kind", "")
    meetings = Meeting.objects.visible_to(request.user).filter(plan=plan)
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    elif kind:
        return render(
            request,
            "activities/meeting_list.html",
            {"plan": plan, "kinds": MeetingKind.choices, "kind": kind, "bad_kind": True, "page": None},
            status=HTTPStatus.BAD_REQUEST,
        )
    page = Paginator(meetings.prefetch_related("activities").order_by("-date", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "activities/meeting_list.html",
        {"plan": plan, "kinds": MeetingKind.choices, "kind": kind, "page": page},
    )


@login_required
@permission_required("activities.view_meeting", raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).for_detail(), pk=pk)
    return render(request, "activities/meeting_detail.html", {"meeting": meeting, "plan": meeting.plan})


@login_required
@permission_required("activities.add_meeting", raise_exception=True)
def meeting_create(request):
    plan = current_plan_or_404()
    form = MeetingForm(
        request.POST or None, plan=plan, initial={"activities": request.GET.getlist("activity")}
    )
    if request.method == "POST" and form.is_valid():
        form.instance.plan = plan
        meeting = form.save()
        messages.success(request, f"Recorded the meeting: {meeting}.")
        return redirect(meeting)
    return render(
        request,
        "activities/meeting_form.html",
        {"form": form, "plan": plan},
        status=HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK,
    )


@login_required
@permission_required("activities.change_meeting", raise_exception=True)
def meeting_edit(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("activities.view_all_meetings") and not meeting.is_public:
        raise PermissionDenied
    form = MeetingForm(request.POST or None, instance=meeting, plan=meeting.plan)
    if request.method == "POST":
        # One transaction: the version check locks the row until the save.
        with transaction.atomic():
            saved = form.is_valid() and form.save()
        if saved:
            messages.success(request, f"Saved the meeting: {meeting}.")
            return redirect(meeting)
    return render(
        request,
        "activities/meeting_form.html",
        {"form": form, "plan": meeting.plan, "meeting": meeting},
        status=HTTPStatus.BAD_REQUEST if form.is_bound else HTTPStatus.OK,
    )
