from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST, require_safe

from activities.exports import activity_rows, activity_sheets, export_columns
from activities.filters import ActivityFilter, TargetFilter, frameworks_of
from activities.forms import MeetingForm, ProgressForm, add_errors, kept_after_conflict, review_forms
from activities.history import activity_change_history
from activities.models import Activity, Meeting, MeetingKind, Plan, StatusChange
from activities.services import apply_review, record_progress
from core.downloads import csv_response, xlsx_response
from core.pagination import paged
from core.versioning import StaleEdit, describe_changes_since
from targets.models import Target

HISTORY_LENGTH = 100  # the latest changes; admin's History shows every one


def filter_activities(request, plan: Plan, activities):
    """The list's filter set over `activities` of the plan (`activities(frameworks)`), whether
    it is valid, and its results. The plan's targets are `filterset.targets`."""
    targets = list(Target.objects.with_framework().filter(framework__plans=plan))
    # Bound even with no parameter, so that every list annotates its statuses and what is overdue.
    filterset = ActivityFilter.for_targets(targets)(
        request.GET, queryset=activities(frameworks_of(targets)).filter(plan=plan)
    )
    filterset.targets = targets
    valid = filterset.is_valid()
    return filterset, valid, (filterset.qs if valid else Activity.objects.none())


def without_empty_values(request):
    """A redirect to the same address without its empty parameters (`?q=&aichi=11` →
    `?aichi=11`), so the filter form's "any" choices leave shared links short; None when
    there are none."""
    if not any(value == "" for _, values in request.GET.lists() for value in values):
        return None
    kept = request.GET.copy()
    for name, values in request.GET.lists():
        kept.setlist(name, [value for value in values if value != ""])
    query = kept.urlencode()
    return redirect(f"{request.path}?{query}" if query else request.path)


@require_safe
def activity_list(request):
    if shorter := without_empty_values(request):
        return shorter
    plan = Plan.objects.current_or_404()
    filterset, valid, activities = filter_activities(
        request, plan, lambda frameworks: Activity.objects.for_list()
    )
    query = request.GET.copy()
    query.pop("page", None)
    chips = filterset.chips(request.GET)
    clear_all = request.GET.copy()
    for name in list(clear_all):
        if name != "sort":
            del clear_all[name]
    return render(
        request,
        "activities/activity_list.html",
        {
            "plan": plan,
            "filter": filterset,
            **paged(request, activities),
            "query": query.urlencode(),
            "chips": chips,
            "clear_all": clear_all.urlencode(),
            "filtered": bool(chips),
        },
        status=HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST,
    )


@require_GET
def activity_export(request, fmt: str):
    """The list page's activities, with the same filters, as CSV or XLSX."""
    plan = Plan.objects.current_or_404()
    filterset, valid, activities = filter_activities(request, plan, Activity.objects.for_export)
    if not valid:
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
        return HttpResponseBadRequest(
            _("These filters could not be used: %(problems)s") % {"problems": problems},
            content_type="text/plain",
        )
    name = f"activities-{timezone.localdate():%Y-%m-%d}.{fmt}"
    frameworks = [f.framework for f in filterset.filters.values() if isinstance(f, TargetFilter)]
    as_of = filterset.form.cleaned_data.get("as_of") if filterset.is_bound else None
    if fmt == "csv":
        header = [column.header for column in export_columns(frameworks)]
        return csv_response(name, header, activity_rows(_streamed(activities), frameworks, as_of=as_of))
    sheets = activity_sheets(
        plan=plan,
        activities=_streamed(activities),
        frameworks=frameworks,
        targets=filterset.targets,
        filters=filterset.in_words() if filterset.is_bound else [],
        as_of=as_of,
        exported_at=timezone.now(),
        import_url=request.build_absolute_uri(reverse("activities:import")),
    )
    return xlsx_response(name, sheets)


def _streamed(activities):
    # Inside a transaction PostgreSQL's cursor needs no WITH HOLD, so rows are computed as read.
    with transaction.atomic():
        yield from activities.iterator(chunk_size=2000)


def _detail_context(request, activity: Activity, form=None) -> dict:
    """`activity` comes from `Activity.objects.for_detail(request.user)`."""
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


@require_safe
def activity_detail(request, pk: int):
    activity = get_object_or_404(Activity.objects.for_detail(request.user), pk=pk)
    return render(request, "activities/activity_detail.html", _detail_context(request, activity))


@require_safe
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
    if form.is_valid():
        try:
            progress = record_progress(
                activity=activity,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                effective_on=form.cleaned_data["effective_on"],
                owners=list(form.cleaned_data["owners"]),
                due_date=form.cleaned_data["due_date"],
            )
        except StaleEdit:
            current = get_object_or_404(Activity.objects.for_detail(request.user), pk=pk)
            # Keep what the user typed, against the version they can now see.
            data = request.POST.copy()
            data["version"] = current.version
            return render(
                request,
                "activities/activity_detail.html",
                {
                    **_detail_context(request, current, ProgressForm(data, activity=current)),
                    "conflict": True,
                    "their_change": StatusChange.objects.visible_to(request.user)
                    .filter(activity=current)
                    .select_related("changed_by")
                    .order_by("-pk")
                    .first(),
                },
                status=HTTPStatus.CONFLICT,
            )
        except ValidationError as error:  # what changed under the lock since the form was checked
            add_errors(form, error.error_dict)
        else:
            messages.success(
                request,
                _("Saved “%(activity)s”: %(summary)s.")
                % {"activity": activity.title, "summary": progress.summary()},
            )
            return redirect(activity)
    return render(
        request,
        "activities/activity_detail.html",
        _detail_context(request, Activity.objects.for_detail(request.user).get(pk=pk), form),
        status=HTTPStatus.BAD_REQUEST,
    )


@require_safe
@login_required
@permission_required("activities.view_meeting", raise_exception=True)
def meeting_list(request):
    plan = Plan.objects.current_or_404()
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
    context = {"plan": plan, "kinds": MeetingKind.choices, "kind": kind}
    context.update(paged(request, meetings.prefetch_related("activities").order_by("-date", "-pk")))
    return render(request, "activities/meeting_list.html", context)


@require_safe
@login_required
@permission_required("activities.view_meeting", raise_exception=True)
def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).for_detail(), pk=pk)
    return render(request, "activities/meeting_detail.html", {"meeting": meeting, "plan": meeting.plan})


@login_required
@permission_required("activities.add_meeting", raise_exception=True)
def meeting_create(request):
    plan = Plan.objects.current_or_404()
    form = MeetingForm(
        request.POST or None, plan=plan, initial={"activities": request.GET.getlist("activity")}
    )
    if request.method == "POST" and form.is_valid():
        form.instance.plan = plan
        meeting = form.save()
        messages.success(request, _("Recorded the meeting: %(meeting)s.") % {"meeting": meeting})
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
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("plan"), pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting, plan=meeting.plan)
    if request.method == "POST":
        # One transaction: the version check locks the row until the save.
        with transaction.atomic():
            saved = form.is_valid() and form.save()
        if saved:
            messages.success(request, _("Saved the meeting: %(meeting)s.") % {"meeting": meeting})
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
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("plan"), pk=pk)
    if meeting.kind != MeetingKind.ANNUAL:
        messages.error(request, _("Only an annual coordination meeting carries a review."))
        return redirect(meeting)
    # The rows beyond those the meeting discussed: chosen on the page ("add"), or already in
    # the posted form ("row").
    source = request.POST if request.method == "POST" else request.GET
    added = _ids(source.getlist("add") + source.getlist("row"))
    review, rows = review_forms(meeting, request.POST if request.method == "POST" else None, added)
    status = HTTPStatus.OK
    conflict = None
    if request.method == "POST" and "add_rows" in request.POST:
        pass  # rows added to the form: nothing is saved yet
    elif request.method == "POST":
        if review.is_valid() and all(form.is_valid() for _, form in rows):
            try:
                applied = apply_review(
                    meeting=meeting,
                    by=request.user,
                    expected_version=review.cleaned_data["meeting_version"],
                    rows=[(activity, form.cleaned_data) for activity, form in rows],
                )
            except (StaleEdit, ValidationError) as refused:
                meeting.refresh_from_db()
                data, others = kept_after_conflict(request.POST, rows, meeting, added)
                conflict = _conflict_message(refused, review, rows, others)
                status = HTTPStatus.CONFLICT
                review, rows = review_forms(meeting, data, added)
            else:
                changed = sum(1 for progress in applied if progress.status_changed)
                messages.success(
                    request, _("Saved the review: %(changes)s.") % {"changes": _statuses_changed(changed)}
                )
                return redirect(meeting)
        else:
            status = HTTPStatus.BAD_REQUEST
    in_review = [activity.pk for activity, _ in rows]
    context = {
        "meeting": meeting,
        "plan": meeting.plan,
        "review": review,
        "rows": rows,
        "conflict": conflict,
        "others": Activity.objects.filter(plan=meeting.plan).exclude(pk__in=in_review).order_by("number"),
    }
    return render(request, "activities/meeting_review.html", context, status=status)


def _ids(values) -> set[int]:
    """The ids among `values`; anything else is left out."""
    return {int(value) for value in values if value.isascii() and value.isdigit() and len(value) < 19}


def _statuses_changed(count: int) -> str:
    if count == 0:
        return _("no status changed")
    return ngettext("%(count)d status changed", "%(count)d statuses changed", count) % {"count": count}


def _conflict_message(refused, review, rows, others) -> str:
    """Who changed what since the review was opened, in words."""
    parts = []
    if isinstance(refused, StaleEdit):
        instance = refused.instance
        if isinstance(instance, Meeting):
            seen = review.cleaned_data["meeting_version"]
        else:
            seen = next(form.cleaned_data["version"] for activity, form in rows if activity.pk == instance.pk)
            parts.append(_("Activity %(number)s changed:") % {"number": instance.number})
        parts.append(describe_changes_since(instance, seen))
    else:
        parts.append(_("An activity's status changed while you were saving."))
    if others:
        numbers = ", ".join(str(activity.number) for activity in others)
        parts.append(
            _(
                "Rows changed by someone else since you opened the review: %(numbers)s; they now "
                "show what was saved."
            )
            % {"numbers": numbers}
        )
    return " ".join(parts)
