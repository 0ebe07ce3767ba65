"""The coverage matrix: Migratory Species Targets against Aichi Targets, computed in SQL.

A cell holds the activities of every plan row that pairs the two targets, and any activity
outside the rows (added later in admin) that serves both. The database counts each cell, so a
plan of any size costs the same few queries; the page lists a cell's activities only when
there are few of them.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse

from activities.models import Activity, ActivityTarget, Plan, PlanRow, RowActivity, RowTarget
from targets.models import Target

# A cell with more activities than this shows their number, linked to the activity list.
CELL_LIMIT = 12


@dataclass
class Cell:
    cms: Target
    aichi: Target
    day: datetime.date | None = None
    count: int = 0
    activities: list = field(default_factory=list)  # every one, when count <= the limit

    @property
    def listed(self) -> bool:
        return self.count == len(self.activities)

    @property
    def list_url(self) -> str:
        query = {"cms": self.cms.number, "aichi": self.aichi.number}
        if self.day:
            query["as_of"] = self.day.isoformat()
        query = urlencode(query)
        return f"{reverse('activities:list')}?{query}"


def _pairs_sql() -> str:
    """(cms target, aichi target, activity) for every activity under a pair, each once.

    The rows' activities and the others are two disjoint sets: only the first can repeat.
    """
    tables = {
        "activity": Activity._meta.db_table,
        "activity_target": ActivityTarget._meta.db_table,
        "row": PlanRow._meta.db_table,
        "row_activity": RowActivity._meta.db_table,
        "row_target": RowTarget._meta.db_table,
        "target": Target._meta.db_table,
    }
    return """
        SELECT DISTINCT c.target_id AS cms_id, a.target_id AS aichi_id, link.activity_id
        FROM {row_activity} link
        JOIN {row} r ON r.id = link.row_id AND r.plan_id = %(plan)s
        JOIN {row_target} c ON c.row_id = link.row_id
        JOIN {target} tc ON tc.id = c.target_id AND tc.framework_id = %(cms)s
        JOIN {row_target} a ON a.row_id = link.row_id
        JOIN {target} ta ON ta.id = a.target_id AND ta.framework_id = %(aichi)s
        UNION ALL
        SELECT c.target_id, a.target_id, act.id
        FROM {activity} act
        JOIN {activity_target} c ON c.activity_id = act.id
        JOIN {target} tc ON tc.id = c.target_id AND tc.framework_id = %(cms)s
        JOIN {activity_target} a ON a.activity_id = act.id
        JOIN {target} ta ON ta.id = a.target_id AND ta.framework_id = %(aichi)s
        WHERE act.plan_id = %(plan)s
          AND NOT EXISTS (SELECT 1 FROM {row_activity} x WHERE x.activity_id = act.id)
    """.format(**tables)


def _cell_members(plan: Plan, cms_framework: int, aichi_framework: int, limit: int | None):
    """(cms id, aichi id, activity id, cell size) rows: every member of a cell of at most
    `limit` activities (of every cell when None), and one row for each larger cell."""
    sql = f"""
        WITH pairs AS ({_pairs_sql()}),
        counts AS (SELECT cms_id, aichi_id, COUNT(*) AS n FROM pairs GROUP BY cms_id, aichi_id)
        SELECT cms_id, aichi_id, NULL, n FROM counts WHERE n > %(limit)s
        UNION ALL
        SELECT p.cms_id, p.aichi_id, p.activity_id, c.n
        FROM pairs p JOIN counts c ON c.cms_id = p.cms_id AND c.aichi_id = p.aichi_id
        WHERE c.n <= %(limit)s
    """
    params = {"plan": plan.pk, "cms": cms_framework, "aichi": aichi_framework, "limit": limit or 2**31 - 1}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def coverage_matrix(plan: Plan, day: datetime.date | None = None, limit: int | None = CELL_LIMIT) -> dict:
    """The matrix as the page shows it, statuses as of `day`; `limit=None` lists every activity."""
    targets = list(Target.objects.with_framework().filter(framework__plans=plan).order_by("number"))
    cms = [target for target in targets if target.framework.slug == "cms"]
    aichi = [target for target in targets if target.framework.slug == "aichi"]
    cells = {(row.pk, column.pk): Cell(row, column, day) for row in cms for column in aichi}
    if not cells:
        return {"plan": plan, "cell_limit": limit, "columns": [], "matrix": [], "uncovered": targets}
    members = _cell_members(plan, cms[0].framework_id, aichi[0].framework_id, limit)
    listed = {activity_id for _, _, activity_id, n in members if limit is None or n <= limit}
    activities = Activity.objects.filter(plan=plan).with_status_on(day).only("number", "title")
    if limit is not None:
        # No id is 0: with no cell to list, the query still runs, the same at every size.
        activities = activities.filter(pk__in=sorted(listed) or [0])
    by_pk = {activity.pk: activity for activity in activities}
    for cms_pk, aichi_pk, activity_id, n in members:
        cell = cells[(cms_pk, aichi_pk)]
        cell.count = n
        if activity_id in listed:
            cell.activities.append(by_pk[activity_id])
    for cell in cells.values():
        cell.activities.sort(key=lambda activity: activity.number)
    covered_rows = {cell.cms.pk for cell in cells.values() if cell.count}
    covered_cols = {cell.aichi.pk for cell in cells.values() if cell.count}
    return {
        "plan": plan,
        "cell_limit": limit,
        "columns": [(column, column.pk in covered_cols) for column in aichi],
        "matrix": [
            (row, row.pk in covered_rows, [cells[(row.pk, column.pk)] for column in aichi]) for row in cms
        ],
        "uncovered": [t for t in cms if t.pk not in covered_rows]
        + [t for t in aichi if t.pk not in covered_cols],
    }
