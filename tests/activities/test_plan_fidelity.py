"""The loaded plan says exactly what the document says."""

import io
import json

import pytest
from django.core import serializers
from django.core.management import call_command

from activities.models import Activity, Lead, Plan, PlanRow, Reference, Status
from targets.models import Framework, Goal, Target
from tests.factories import record_status
from tests.plan_document import DOCUMENT, read_document

OPENING, ROWS = read_document()
SOURCE_TARGETS = json.loads((DOCUMENT.parent / "targets.json").read_text(encoding="utf-8"))


def numbers(targets, framework: str) -> list[int]:
    return sorted(target.number for target in targets if target.framework.slug == framework)


def test_document_reader_finds_every_row_of_the_table():
    assert len(ROWS) == 14
    assert sum(len(row.activities) for row in ROWS) == 29


@pytest.mark.parametrize("position", range(1, len(ROWS) + 1))
def test_each_row_pairs_the_documents_targets_and_lists_its_activities_in_order(plan, position):
    expected = ROWS[position - 1]
    row = PlanRow.objects.prefetch_related("targets__framework").get(plan=plan, position=position)

    assert numbers(row.targets.all(), "cms") == expected.migratory_species_targets
    assert numbers(row.targets.all(), "aichi") == expected.aichi_targets
    texts = [
        link.activity.text for link in row.activity_links.select_related("activity").order_by("position")
    ]
    assert texts == expected.activities


def test_an_activity_repeated_in_the_document_is_one_activity_under_every_row(plan):
    rows_by_text: dict[str, set[int]] = {}
    for position, row in enumerate(ROWS, 1):
        for text in row.activities:
            rows_by_text.setdefault(text, set()).add(position)

    table_activities = Activity.objects.filter(plan=plan, rows__isnull=False).distinct()
    assert table_activities.count() == len(rows_by_text) == 25
    for activity in table_activities:
        assert {row.position for row in activity.rows.all()} == rows_by_text[activity.text]

    partnership = Activity.objects.get(
        plan=plan, text__startswith="Continue cooperate in the context of the Collab"
    )
    assert sorted(row.position for row in partnership.rows.all()) == [4, 5, 7]


def test_an_activity_serves_the_union_of_the_targets_of_its_rows(plan):
    for activity in Activity.objects.filter(plan=plan).prefetch_related("rows__targets", "targets"):
        union = {target.pk for row in activity.rows.all() for target in row.targets.all()}
        assert {target.pk for target in activity.targets.all()} == union, activity


def test_the_opening_commitments_are_activities_linked_to_no_target(plan):
    commitments = Activity.objects.filter(plan=plan).outside_rows().order_by("number")

    assert " ".join(commitments.values_list("text", flat=True)) == OPENING
    assert not commitments.filter(targets__isnull=False).exists()
    texts = " ".join(commitments.values_list("text", flat=True))
    for commitment in (
        "BLG, CSAB",
        "Decision XII/6 and CMS Resolution 11.10",
        "annual coordination meeting",
        "regular teleconference calls",
    ):
        assert commitment in texts


def test_the_plan_invents_no_tracking_data(plan):
    activities = Activity.objects.filter(plan=plan)

    assert activities.count() == 28
    assert set(activities.values_list("status", flat=True)) == {Status.NOT_REPORTED}
    assert not activities.filter(owners__isnull=False).exists()
    assert not activities.filter(due_date__isnull=False).exists()
    assert set(activities.values_list("lead", flat=True)) == {Lead.JOINT}
    assert Status.NOT_REPORTED.label == "Not yet reported"


def test_the_plan_has_its_period_and_secretariats(plan):
    assert plan.title == "Joint Work Plan for the CBD and CMS Secretariats for the period 2016-2018"
    assert (plan.start_year, plan.end_year) == (2016, 2018)
    assert sorted(plan.secretariats.values_list("code", flat=True)) == ["CBD", "CMS"]
    assert sorted(plan.frameworks.values_list("slug", flat=True)) == ["aichi", "cms"]


@pytest.mark.parametrize(("key", "slug", "count"), [("cms", "cms", 16), ("aichi", "aichi", 20)])
def test_every_target_has_its_official_text(plan, key, slug, count):
    targets = {
        target.number: target for target in Target.objects.with_framework().filter(framework__slug=slug)
    }

    assert len(targets) == count
    for source in SOURCE_TARGETS[key]["targets"]:
        target = targets[source["number"]]
        assert target.text == source["text"]
        assert target.short_title == (source.get("short_title") or "")
        assert target.note == (source.get("note") or "")
        assert (target.goal.code if target.goal else None) == (
            str(source["goal"]) if source["goal"] is not None else None
        )


def test_goals_the_sources_did_not_confirm_stay_empty(plan):
    cms_goals = Goal.objects.filter(framework__slug="cms")
    assert cms_goals.count() == 5
    assert set(cms_goals.values_list("title", flat=True)) == {""}
    assert not Target.objects.filter(framework__slug="cms").filter(goal__isnull=False).exists()
    aichi_goals = dict(Goal.objects.filter(framework__slug="aichi").values_list("code", "title"))
    assert aichi_goals == {goal["code"]: goal["title"] for goal in SOURCE_TARGETS["aichi"]["strategic_goals"]}


def test_targets_read_as_people_say_them(plan):
    assert str(Target.objects.get_by_natural_key("cms", 5)) == "Migratory Species Target 5"
    assert str(Target.objects.get_by_natural_key("aichi", 11)) == "Aichi Target 11"
    assert Target.objects.get_by_natural_key("aichi", 11).short_label == "Aichi 11"


def test_activities_cite_the_instruments_the_plan_names(plan):
    def cited(number):
        return set(Activity.objects.get(plan=plan, number=number).references.values_list("name", flat=True))

    assert cited(6) == {"CBD COP decision XII/2", "United Nations Decade on Biodiversity"}
    assert cited(11) == {"CMS Resolution 11.27"}
    assert cited(12) == {"SBSTTA-20"}
    assert cited(14) == {"CPW"}
    assert cited(17) == {"CBD COP decision XII/16", "CBD COP decision XII/17", "CMS Resolution 11.28"}
    assert cited(2) == {"CBD COP decision XII/6", "CMS Resolution 11.10"}
    for reference in Reference.objects.all():
        assert reference.activities.exists(), f"{reference} is cited by no activity"


def snapshot() -> str:
    models = [Framework, Goal, Target, Plan, PlanRow, Activity, Reference]
    objects = [obj for model in models for obj in model.objects.order_by("pk")]
    return serializers.serialize("json", objects)


def test_loading_the_plan_twice_changes_nothing(plan):
    before = snapshot()

    call_command("load_plan", stdout=io.StringIO())

    assert snapshot() == before


def test_loading_again_keeps_what_the_secretariats_recorded(plan, django_user_model):
    activity = Activity.objects.get(plan=plan, number=12)
    owner = django_user_model.objects.create_user("owner")
    activity.owners.add(owner)
    record_status(activity, Status.IN_PROGRESS, by=owner, note="Side event planned")

    call_command("load_plan", stdout=io.StringIO())

    activity.refresh_from_db()
    assert activity.status == Status.IN_PROGRESS
    assert list(activity.owners.all()) == [owner]
    assert activity.status_changes.count() == 1
