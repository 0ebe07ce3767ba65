"""Read-only representations; field names agree with `manage.py export_plan`."""

from rest_framework import serializers

from activities.models import Activity, Meeting, PlanRow
from targets.models import Target


def _numbers(targets, slug: str) -> list[int]:
    return sorted(target.number for target in targets if target.framework.slug == slug)


class TargetSerializer(serializers.ModelSerializer):
    framework = serializers.CharField(source="framework.slug")
    label = serializers.CharField(source="__str__")
    goal = serializers.SerializerMethodField()

    class Meta:
        model = Target
        fields = ["framework", "number", "label", "goal", "short_title", "text"]

    def get_goal(self, target) -> str:
        return target.goal.code if target.goal else ""


class RowSerializer(serializers.ModelSerializer):
    migratory_species_targets = serializers.SerializerMethodField()
    aichi_targets = serializers.SerializerMethodField()
    activities = serializers.SerializerMethodField()

    class Meta:
        model = PlanRow
        fields = ["position", "migratory_species_targets", "aichi_targets", "activities"]

    def get_migratory_species_targets(self, row) -> list[int]:
        return _numbers(row.targets.all(), "cms")

    def get_aichi_targets(self, row) -> list[int]:
        return _numbers(row.targets.all(), "aichi")

    def get_activities(self, row) -> list[int]:
        return [link.activity_id for link in row.activity_links.all()]


class ActivitySerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    migratory_species_targets = serializers.SerializerMethodField()
    aichi_targets = serializers.SerializerMethodField()
    owners = serializers.SerializerMethodField()
    references = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Activity
        fields = [
            "id",
            "number",
            "title",
            "text",
            "lead",
            "status",
            "migratory_species_targets",
            "aichi_targets",
            "owners",
            "due_date",
            "references",
            "updated_at",
        ]

    def get_status(self, activity) -> str:
        """The status on the `as_of` date when one is asked for, else the current one."""
        return getattr(activity, "status_shown", activity.status)

    def get_migratory_species_targets(self, activity) -> list[int]:
        return _numbers(activity.targets.all(), "cms")

    def get_aichi_targets(self, activity) -> list[int]:
        return _numbers(activity.targets.all(), "aichi")

    def get_owners(self, activity) -> list[str]:
        return [owner.get_full_name() or owner.get_username() for owner in activity.owners.all()]


class MeetingSerializer(serializers.ModelSerializer):
    activities = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "date", "place", "participants", "notes", "activities"]
