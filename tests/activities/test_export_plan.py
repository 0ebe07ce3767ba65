import io
import json

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity, PlanRow, Status
from targets.models import Target
from tests.factories import UserFactory, record_status
from tests.plan_document import read_document


def export(*args) -> dict:
    out = io.StringIO()
    call_command("export_plan", *args, stdout=out)
    return json.loads(out.getvalue())


def test_export_has_the_plan_its_targets_rows_and_activities(plan):
    data = export()

    assert data["plan"] == {
        "title": plan.title,
        "slug": "cbd-cms-2016-2018",
        "start_year": 2016,
        "end_year": 2018,
        "secretariats": [
            "Secretariat of the Convention on Biological Diversity",
            "Secretariat of the Convention on Migratory Species",
        ],
    }
    assert len(data["targets"]) == 36
    assert {(t["framework"], t["number"]) for t in data["targets"]} == {
        (target.framework.slug, target.number) for target in Target.objects.with_framework()
    }
    aichi_11 = next(t for t in data["targets"] if (t["framework"], t["number"]) == ("aichi", 11))
    assert aichi_11["goal"] == "C"
    assert aichi_11["text"] == Target.objects.get_by_natural_key("aichi", 11).text
    assert len(data["rows"]) == 14
    assert len(data["activities"]) == 28


def test_exported_rows_agree_with_the_document_and_the_database(plan):
    data = export()
    _, document_rows = read_document()
    activities = {activity["id"]: activity for activity in data["activities"]}

    for exported, expected in zip(data["rows"], document_rows, strict=True):
        assert exported["migratory_species_targets"] == expected.migratory_species_targets
        assert exported["aichi_targets"] == expected.aichi_targets
        assert [activities[pk]["text"] for pk in exported["activities"]] == expected.activities
        row = PlanRow.objects.get(plan=plan, position=exported["position"])
        assert exported["activities"] == list(
            row.activity_links.order_by("position").values_list("activity_id", flat=True)
        )


def test_exported_activities_agree_with_the_database(plan):
    activity = Activity.objects.get(plan=plan, number=14)
    owner = UserFactory(first_name="Ana", last_name="Moreno")
    activity.owners.add(owner)
    record_status(activity, Status.IN_PROGRESS, by=owner)

    exported = {item["id"]: item for item in export()["activities"]}

    for db_activity in Activity.objects.filter(plan=plan).prefetch_related("targets__framework"):
        item = exported[db_activity.pk]
        assert item["title"] == db_activity.title
        assert item["text"] == db_activity.text
        assert item["lead"] == db_activity.lead
        assert item["status"] == db_activity.status
        targets = db_activity.targets.all()
        assert item["migratory_species_targets"] == sorted(
            t.number for t in targets if t.framework.slug == "cms"
        )
        assert item["aichi_targets"] == sorted(t.number for t in targets if t.framework.slug == "aichi")
    partnership = exported[activity.pk]
    assert partnership["status"] == "in_progress"
    assert partnership["owners"] == ["Ana Moreno"]
    assert partnership["migratory_species_targets"] == [5, 6, 8]
    assert partnership["aichi_targets"] == [4, 6, 7, 12]
    assert partnership["references"] == ["CPW"]


def test_cross_cutting_commitments_export_with_empty_target_lists(plan):
    commitments = [item for item in export()["activities"] if not item["rows"]]

    assert len(commitments) == 3
    assert all(item["migratory_species_targets"] == item["aichi_targets"] == [] for item in commitments)


@pytest.mark.django_db
def test_export_without_a_plan_says_how_to_load_one(plan):
    Activity.objects.all().delete()
    PlanRow.objects.all().delete()
    plan.delete()
    with pytest.raises(CommandError, match="load_plan"):
        export()


def test_export_of_an_unknown_plan_is_an_error(plan):
    with pytest.raises(CommandError, match="No plan"):
        export("--plan", "no-such-plan")
