"""The coverage matrix: the targets of one framework against those of another, computed in SQL.

A cell holds the activities that serve both targets: the same set the activity list shows
filtered by the two (`?<rows>=5&<columns>=11`), the API and the exports. Cells that a row of the
plan pairs are marked as the plan's own pairs. The database counts each cell, so a plan of any
size costs the same few queries; the page lists a cell's activities only when there are few.
"""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import connection
from django.db.models import Exists, OuterRef
from django.urls import reverse

from activities.models import Activity, ActivityTarget, Plan, RowTarget
from targets.models import Framework, Target

# A cell with more activities than this shows their number, linked to the activity list.
CELL_LIMIT = 12


@dataclass
class Cell:
    row: Target
    column: Target
    day: datetime.date | None = None
    count: int = 0
    paired: bool = False  # a row of the plan pairs the two targets
    activities: list = field(default_factory=list)  # every one, when count <= the limit

    @property
    def listed(self) -> bool:
        return self.count == len(self.activities)

    @property
    def list_url(self) -> str:
        query = {self.row.framework.slug: self.row.number, self.column.framework.slug: self.column.number}
        if self.day:
            query["as_of"] = self.day.isoformat()
        return f"{reverse('activities:list')}?{urlencode(query)}"


def plan_frameworks(plan: Plan) -> list[Framework]:
    """The plan's frameworks in order, each marked `in_rows` if the plan's rows pair its targets."""
    in_rows = RowTarget.objects.filter(row__plan=plan, target__framework=OuterRef("pk"))
    return list(Framework.objects.filter(plans=plan).annotate(in_rows=Exists(in_rows)))


def default_axes(frameworks: list[Framework]) -> tuple[Framework, Framework] | None:
    """The first two frameworks the plan's rows pair, else the plan's first two."""
    ordered = [f for f in frameworks if f.in_rows] + [f for f in frameworks if not f.in_rows]
    return (ordered[0], ordered[1]) if len(ordered) >= 2 else None


def _cell_members(plan: Plan, rows: Framework, columns: Framework, limit: int | None):
    """(row target id, column target id, activity id, cell size): every member of a cell of at
    most `limit` activities (of every cell when None), and one row for each larger cell."""
    tables = {
        "activity": Activity._meta.db_table,
        "link": ActivityTarget._meta.db_table,
        "target": Target._meta.db_table,
    }
    sql = """
        WITH pairs AS (
            SELECT r.target_id AS row_id, c.target_id AS column_id, r.activity_id
            FROM {link} r
            JOIN {target} tr ON tr.id = r.target_id AND tr.framework_id = %(rows)s
            JOIN {link} c ON c.activity_id = r.activity_id
            JOIN {target} tc ON tc.id = c.target_id AND tc.framework_id = %(columns)s
            JOIN {activity} a ON a.id = r.activity_id AND a.plan_id = %(plan)s
        ),
        counts AS (SELECT row_id, column_id, COUNT(*) AS n FROM pairs GROUP BY row_id, column_id)
        SELECT row_id, column_id, NULL, n FROM counts WHERE n > %(limit)s
        UNION ALL
        SELECT p.row_id, p.column_id, p.activity_id, c.n
        FROM pairs p JOIN counts c ON c.row_id = p.row_id AND c.column_id = p.column_id
        WHERE c.n <= %(limit)s
    """.format(**tables)
    params = {"plan": plan.pk, "rows": rows.pk, "columns": columns.pk, "limit": limit or 2**31 - 1}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def coverage_matrix(
    plan: Plan,
    rows: Framework,
    columns: Framework,
    day: datetime.date | None = None,
    limit: int | None = CELL_LIMIT,
) -> dict:
    """The matrix as the page shows it, statuses as of `day`; `limit=None` lists every activity."""
    targets = list(Target.objects.with_framework().filter(framework__in=[rows, columns]).order_by("number"))
    row_targets = [t for t in targets if t.framework_id == rows.pk]
    column_targets = [t for t in targets if t.framework_id == columns.pk]
    cells = {(r.pk, c.pk): Cell(r, c, day) for r in row_targets for c in column_targets}
    result = {"plan": plan, "rows": rows, "columns": columns, "cell_limit": limit}
    if not cells:
        return {**result, "column_targets": [], "matrix": [], "uncovered": targets}
    by_row: dict[int, list[int]] = {}
    for row_id, target_id in RowTarget.objects.filter(row__plan=plan).values_list("row_id", "target_id"):
        by_row.setdefault(row_id, []).append(target_id)
    for linked in by_row.values():
        for row_id in linked:
            for column_id in linked:
                if (row_id, column_id) in cells:
                    cells[(row_id, column_id)].paired = True
    members = _cell_members(plan, rows, columns, limit)
    listed = {activity_id for _, _, activity_id, n in members if limit is None or n <= limit}
    activities = Activity.objects.filter(plan=plan).with_status_on(day).only("number", "title")
    if limit is not None:
        # No id is 0: with no cell to list, the query still runs, the same at every size.
        activities = activities.filter(pk__in=sorted(listed) or [0])
    by_pk = {activity.pk: activity for activity in activities}
    for row_id, column_id, activity_id, n in members:
        cell = cells[(row_id, column_id)]
        cell.count = n
        if activity_id in listed:
            cell.activities.append(by_pk[activity_id])
    for cell in cells.values():
        cell.activities.sort(key=lambda activity: activity.number)
    covered_rows = {cell.row.pk for cell in cells.values() if cell.count}
    covered_columns = {cell.column.pk for cell in cells.values() if cell.count}
    return {
        **result,
        "column_targets": [(column, column.pk in covered_columns) for column in column_targets],
        "matrix": [
            (row, row.pk in covered_rows, [cells[(row.pk, column.pk)] for column in column_targets])
            for row in row_targets
        ],
        "uncovered": [t for t in row_targets if t.pk not in covered_rows]
        + [t for t in column_targets if t.pk not in covered_columns],
    }
