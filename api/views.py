from django.db import DatabaseError
from django.db.models import Prefetch, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from activities.filters import ActivityFilter, PlanFilterBackend, frameworks_of
from activities.models import Activity, Meeting, Plan, PlanRow, RowActivity
from api.serializers import (
    ActivitySerializer,
    MeetingSerializer,
    RowSerializer,
    TargetSerializer,
)
from targets.models import Target


class Pages(PageNumberPagination):
    """Pages of 25; `page_size` from 1 to 200. Any other page size is a 400 that says why
    (DRF's own falls back to the default without a word)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            if parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters


def current_plan_id():
    """The current plan as a subquery: the queryset stays lazy (the schema builds it with no database)."""
    return Subquery(Plan.objects.latest_first().values("pk")[:1])


NOT_FOUND = OpenApiResponse(description="No such record, or a page number past the last page.")
BAD_PAGE = OpenApiResponse(
    description="A page size that is not a whole number from 1 to 200, with the reason."
)


class WithFrameworks:
    """Views whose answers list targets by framework, as the list page does: the current plan's
    targets, read once per request, give the filters and the fields."""

    def plan_targets(self) -> list[Target] | None:
        if not hasattr(self, "_plan_targets"):
            try:
                self._plan_targets = list(
                    Target.objects.with_framework().filter(framework__plans=current_plan_id())
                )
            except DatabaseError:  # the deployment check builds the schema with no database
                self._plan_targets = None
        return self._plan_targets

    def get_serializer_context(self):
        targets = self.plan_targets()
        frameworks = frameworks_of(targets) if targets is not None else []
        return {**super().get_serializer_context(), "frameworks": frameworks}


@extend_schema_view(
    list=extend_schema(
        responses={
            200: ActivitySerializer,  # a class: its fields follow the plan at each request
            400: OpenApiResponse(
                description="A filter value or page size that makes no sense, with the reason per parameter."
            ),
            404: NOT_FOUND,
        }
    ),
    retrieve=extend_schema(responses={200: ActivitySerializer, 404: NOT_FOUND}),
)
class ActivityViewSet(WithFrameworks, viewsets.ReadOnlyModelViewSet):
    """The plan's activities, filtered exactly like the list page (an invalid filter is a 400)."""

    serializer_class = ActivitySerializer
    pagination_class = Pages
    filter_backends = [PlanFilterBackend]

    def get_filterset_class(self):
        """The list page's filters, a target filter per framework of the current plan."""
        targets = self.plan_targets()
        return ActivityFilter.for_targets(targets) if targets is not None else ActivityFilter

    def get_queryset(self):
        return (
            Activity.objects.filter(plan_id=current_plan_id())
            .for_list()
            .prefetch_related("references")
            .order_by("number")
        )


@extend_schema_view(
    list=extend_schema(responses={200: TargetSerializer, 400: BAD_PAGE, 404: NOT_FOUND}),
    retrieve=extend_schema(responses={200: TargetSerializer, 404: NOT_FOUND}),
)
class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TargetSerializer
    pagination_class = Pages
    queryset = Target.objects.with_framework().order_by("framework__position", "number")


@extend_schema_view(
    list=extend_schema(responses={200: RowSerializer, 400: BAD_PAGE, 404: NOT_FOUND}),
    retrieve=extend_schema(responses={200: RowSerializer, 404: NOT_FOUND}),
)
class RowViewSet(WithFrameworks, viewsets.ReadOnlyModelViewSet):
    serializer_class = RowSerializer
    pagination_class = Pages
    lookup_field = "position"

    def get_queryset(self):
        return (
            PlanRow.objects.filter(plan_id=current_plan_id())
            .order_by("position")
            .prefetch_related(
                Prefetch("targets", Target.objects.with_framework()),
                Prefetch("activity_links", RowActivity.objects.order_by("position")),
            )
        )


@extend_schema_view(
    list=extend_schema(responses={200: MeetingSerializer, 400: BAD_PAGE, 404: NOT_FOUND}),
    retrieve=extend_schema(responses={200: MeetingSerializer, 404: NOT_FOUND}),
)
class MeetingViewSet(viewsets.ReadOnlyModelViewSet):
    """The meetings the reader may read, by the pages' rule: none without signing in, public ones
    for focal points, all for secretariat staff. Sign in with a session or a token."""

    serializer_class = MeetingSerializer
    pagination_class = Pages

    def get_queryset(self):
        return (
            Meeting.objects.visible_to(self.request.user)
            .filter(plan_id=current_plan_id())
            .prefetch_related("activities")
            .order_by("-date", "-pk")
        )
