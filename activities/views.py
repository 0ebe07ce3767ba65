from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from activities.audit import audit
from activities.downloads import csv_response, xlsx_response
from activities.exports import COLUMNS, activity_rows
from activities.filters import ActivityFilter
from activities.forms import MeetingForm, ProgressForm, review_forms
from activities.history import activity_change_history
from activities.models import Activity, Meeting, MeetingKind, Plan, StaleEdit
from activities.services import apply_review, update_progress
from targets.models import Target

PAGE_SIZE = 25
HISTORY_LENGTH = 100  # the latest changes; admin's History shows every one


def current_plan_or_404() -> Plan:
    plan = Plan.objects.current()
    if plan is None:
        raise Http404("No plan has been loaded yet.")
    return plan


def paged(request, items) -> dict:
    """The page of `items` the request asks for, and the page links to show around it."""
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)}


def _filtered(request, plan: Plan, activities):
    """The list's filter set over `activities` of the plan, whether it is valid, and its results."""
    targets = list(Target.objects.with_framework().filter(framework__plans=plan))
    filterset = ActivityFilter(
        request.GET or None,
        queryset=activities.filter(plan=plan),
        targets=targets,
    )
    valid = filterset.is_valid() if filterset.is_bound else True
    return filterset, valid, (filterset.qs if valid else Activity.objects.none())


def activity_list(request):
    plan = current_plan_or_404()
    filterset, valid, activities = _filtered(request, plan, Activity.objects.for_list())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/activity_list.html",
        {
            "plan": plan,
            "filter": filterset,
            **paged(request, activities),
            "query": query.urlencode(),
            "filtered": any(
                request.GET.get(name) for name in filterset.filters if name not in ("sort", "as_of")
            ),
        },
        status=HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST,
    )


@require_GET
def activity_export(request, fmt: str):
    """The list page's activities, with the same filters, as CSV or XLSX."""
    plan = current_plan_or_404()
    filterset, valid, activities = _filtered(request, plan, Activity.objects.for_export())
    if not valid:
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        return HttpResponseBadRequest(
            f"These filters could not be used: {problems}", content_type="text/plain"
        )
    name = f"activities-{timezone.localdate():%Y-%m-%d}.{fmt}"
    rows = activity_rows(_streamed(activities))
    return (csv_response if fmt == "csv" else xlsx_response)(name, COLUMNS, rows)


def _streamed(activities):
    # Inside a transaction PostgreSQL's cursor needs no WITH HOLD, so rows are computed as read.
    with transaction.atomic():
        yield from activities.iterator(chunk_size=2000)


def _detail_context(request, activity: Activity, form=None) -> dict:
    return {
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


@login_required
@permission_required("activities.update_progress", raise_exception=True)
def activity_history(request, pk: int):
    """Every change to the activity, its owners, citations and targets: for secretariat staff."""
    activity = get_object_or_404(Activity.objects.select_related("plan"), pk=pk)
    context = {
        "activity": activity,
        "plan": activity.plan,
        "entries": activity_change_history(activity, limit=HISTORY_LENGTH),
        "length": HISTORY_LENGTH,
    }
    return render(request, "activities/activity_history.html", context)


@require_POST
@login_required
@permission_required("activities.update_progress", raise_exception=True)
def activity_update_progress(request, pk: int):
    # What the form checks against; the page's related data only if it must be shown again.
    activity = get_object_or_404(Activity.objects.select_related("plan").with_owners_joined(), pk=pk)
    form = ProgressForm(request.POST, activity=activity)
    if not form.is_valid():
        return render(
            request,
            "activities/activity_detail.html",
            _detail_context(request, Activity.objects.for_detail().get(pk=pk), form),
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


@login_required
@permission_required(["activities.change_meeting", "activities.update_progress"], raise_exception=True)
def meeting_review(request, pk: int):
    """The review of an annual coordination meeting: an agreed status for every activity."""
    meeting = get_object_or_404(Meeting.objects.select_related("plan"), pk=pk)
    if meeting.kind != MeetingKind.ANNUAL:
        messages.error(request, "Only an annual coordination meeting carries a review.")
        return redirect(meeting)
    rows = review_forms(meeting, request.POST if request.method == "POST" else None)
    status = HTTPStatus.OK
    conflict = None
    if request.method == "POST":
        if all(form.is_valid() for _, form in rows):
            try:
                changes = apply_review(
                    meeting=meeting,
                    by=request.user,
                    rows=[(activity, form.cleaned_data) for activity, form in rows],
                )
            except StaleEdit as stale:
                conflict, status = stale.activity, HTTPStatus.CONFLICT
                rows = review_forms(meeting, _with_current_versions(request.POST, meeting))
            else:
                for change in changes:
                    audit(
                        "status_changed",
                        request,
                        activity=change.activity_id,
                        old_status=change.old_status,
                        new_status=change.new_status,
                        meeting=meeting.pk,
                    )
                messages.success(request, f"Saved the review: {len(changes)} status change(s) applied.")
                return redirect(meeting)
        else:
            status = HTTPStatus.BAD_REQUEST
    return render(
        request,
        "activities/meeting_review.html",
        {"meeting": meeting, "plan": meeting.plan, "rows": rows, "conflict": conflict},
        status=status,
    )


def _with_current_versions(data, meeting):
    """The posted review, against the versions the activities have now."""
    data = data.copy()
    for activity in Activity.objects.filter(plan=meeting.plan):
        data[f"a{activity.pk}-version"] = activity.version
    return data
