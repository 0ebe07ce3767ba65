"""Pages that compose targets and activities: the target pages and the coverage matrix."""

from collections import defaultdict

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Count, Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from activities.audit import audit
from activities.models import Activity, PlanRow, Status
from activities.views import current_plan_or_404
from targets.models import Framework, Target


def _status_counts():
    return {
        f"count_{value}": Count(
            "activity_links", filter=Q(activity_links__activity__status=value), distinct=True
        )
        for value in Status.values
    }


def target_list(request):
    plan = current_plan_or_404()
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


def target_detail(request, framework: str, number: int):
    plan = current_plan_or_404()
    target = get_object_or_404(Target.objects.with_framework(), framework__slug=framework, number=number)
    paired = (
        Target.objects.with_framework()
        .filter(rows__targets=target, rows__plan=plan)
        .exclude(framework=target.framework)
        .distinct()
    )
    activities = Activity.objects.filter(plan=plan).for_target(target).for_list().order_by("number")
    return render(
        request,
        "workplan/target_detail.html",
        {"plan": plan, "target": target, "paired": paired, "activities": activities},
    )


def coverage(request):
    """Migratory Species Targets against Aichi Targets, each cell the activities under that pair.

    A cell holds the activities of every plan row that pairs the two targets, and any
    activity outside the rows (added later in admin) that serves both.
    """
    plan = current_plan_or_404()
    targets = list(Target.objects.with_framework().filter(framework__plans=plan))
    cms = [target for target in targets if target.framework.slug == "cms"]
    aichi = [target for target in targets if target.framework.slug == "aichi"]
    cells: dict[tuple[int, int], dict[int, Activity]] = defaultdict(dict)

    def place(activity, pair_targets):
        for row_target in pair_targets:
            for col_target in pair_targets:
                if row_target.framework.slug == "cms" and col_target.framework.slug == "aichi":
                    cells[(row_target.pk, col_target.pk)][activity.pk] = activity

    rows = PlanRow.objects.filter(plan=plan).prefetch_related(
        Prefetch("targets", Target.objects.with_framework()),
        Prefetch("activities", Activity.objects.order_by("number")),
    )
    for row in rows:
        for activity in row.activities.all():
            place(activity, list(row.targets.all()))
    outside_rows = Activity.objects.filter(plan=plan, rows__isnull=True).prefetch_related(
        Prefetch("targets", Target.objects.with_framework())
    )
    for activity in outside_rows:
        place(activity, list(activity.targets.all()))

    covered_rows = {cms_pk for cms_pk, _ in cells}
    covered_cols = {aichi_pk for _, aichi_pk in cells}
    matrix = [
        (
            target,
            target.pk in covered_rows,
            [
                (column, sorted(cells[(target.pk, column.pk)].values(), key=lambda a: a.number))
                for column in aichi
            ],
        )
        for target in cms
    ]
    return render(
        request,
        "workplan/coverage.html",
        {
            "plan": plan,
            "columns": [(column, column.pk in covered_cols) for column in aichi],
            "matrix": matrix,
            "uncovered": [t for t in cms if t.pk not in covered_rows]
            + [t for t in aichi if t.pk not in covered_cols],
        },
    )


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


def permission_denied(request, exception):
    audit("request_refused", request, method=request.method, reason="permission")
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    audit("request_refused", request, method=request.method, reason="csrf")
    return render(request, "403_csrf.html", status=403)
