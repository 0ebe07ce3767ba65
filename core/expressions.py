"""SQL expressions that Django 5.2 has only for PostgreSQL, written for every database we run on."""

from django.db.models import Aggregate, Q, Subquery, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat, NullIf, Trim

# Joins a group's values; no name, title or number holds it, so splitting is safe.
SEPARATOR = "\x1f"


class Joined(Aggregate):
    """A group's values as one string, SEPARATOR between them, in no particular order."""

    function = "STRING_AGG"
    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(Cast(expression, TextField()), Value(SEPARATOR), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def joined(links, value) -> Subquery:
    """`value` of every row of `links` (a correlated queryset grouped by `values()`), joined."""
    return Subquery(links.annotate(joined=Joined(value)).values("joined"))


def split(joined: str | None) -> list[str]:
    return joined.split(SEPARATOR) if joined else []


def display_name(prefix: str = ""):
    """A user's full name, or the username when there is none: `get_full_name() or username`."""
    full = Trim(Concat(f"{prefix}first_name", Value(" "), f"{prefix}last_name", output_field=TextField()))
    return Coalesce(NullIf(full, Value("")), f"{prefix}username", output_field=TextField())


def every_word_in(text: str, *fields: str) -> Q:
    """A condition: each word of `text` is in one of `fields` at least (case-insensitive). The
    one rule for the search box and the list's words filter."""
    condition = Q()
    for word in text.split():
        either = Q()
        for field in fields:
            either |= Q(**{f"{field}__icontains": word})
        condition &= either
    return condition
