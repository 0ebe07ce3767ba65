"""Read-only representations; field names agree with `manage.py export_plan`.

Rows and activities list the numbers of the targets they serve in one field per framework of
the plan, named by the framework (`Framework.list_name`: "aichi_targets"), so a framework added
in admin is a new field, in the answers and in the schema.
"""

from django.db import DatabaseError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.models import Activity, Meeting, Plan, PlanRow, Status
from targets.models import Framework, Target


def plan_frameworks(context) -> list[Framework]:
    """The frameworks of the plan the API serves: the view puts them in the context; the schema
    generator, which builds serializers on its own, reads them (none without a database)."""
    if "frameworks" in context:
        return context["frameworks"]
    try:
        plan = Plan.objects.current()
        return list(plan.frameworks.order_by("position", "name")) if plan else []
    except DatabaseError:  # the deployment check builds the schema with no database
        return []


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class TargetNumbersField(serializers.Field):
    """The numbers of the targets of one framework that a row or an activity serves."""

    def __init__(self, framework: Framework, **kwargs):
        self.framework = framework
        kwargs.setdefault("help_text", f"Numbers of the {framework.targets_name} served.")
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance) -> list[int]:
        return sorted(t.number for t in instance.targets.all() if t.framework_id == self.framework.pk)


class WithTargetsSerializer(serializers.ModelSerializer):
    """Adds a `TargetNumbersField` per framework of the plan after the declared fields."""

    targets_after = ""  # the field the framework fields follow

    def get_fields(self):
        fields = super().get_fields()
        ordered = {}
        for name, field in fields.items():
            ordered[name] = field
            if name == self.targets_after:
                for framework in plan_frameworks(self.root.context if self.root else self.context):
                    ordered[framework.list_name] = TargetNumbersField(framework)
        return ordered


class TargetSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="framework.slug")
    label = serializers.CharField(source="__str__")
    goal = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["id", "framework", "number", "label", "goal", "short_title", "text"]

    def get_goal(self, target) -> str:
        return target.goal.code if target.goal else ""


class RowSerializer(WithTargetsSerializer):
    activities = serializers.SerializerMethodField()
    targets_after = "position"

    class Meta:
        model = PlanRow
        fields = ["position", "activities"]

    def get_activities(self, row) -> list[int]:
        return [link.activity_id for link in row.activity_links.all()]


class ActivitySerializer(WithTargetsSerializer):
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField(
        help_text="The status in words, in the language asked for with Accept-Language."
    )
    owners = serializers.SerializerMethodField()
    references = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    targets_after = "status"

    class Meta:
        model = Activity
        fields = [
            "id",
            "number",
            "title",
            "text",
            "lead",
            "status",
            "status_label",
            "owners",
            "due_date",
            "references",
            "updated_at",
        ]

    def get_status(self, activity) -> str:
        """The status on the `as_of` date when one is asked for, else the current one."""
        return getattr(activity, "status_shown", activity.status)

    def get_status_label(self, activity) -> str:
        return str(Status(self.get_status(activity)).label)

    def get_owners(self, activity) -> list[str]:
        return [owner.get_full_name() or owner.get_username() for owner in activity.owners.all()]


class MeetingSerializer(serializers.ModelSerializer):
    activities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "date", "place", "participants", "notes", "activities"]
