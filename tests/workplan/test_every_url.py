"""Every URL pattern × every role × GET and POST, generated from the URLconf.

Each URL's access rule is declared once below; a URL with no rule fails the test, so a new
page is covered the day it is added. For every request: no server error, the status the
rule gives the role, and a request that is refused changes nothing in the database.
"""

import datetime
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib.contenttypes.models import ContentType
from django.db.models import Sum
from django.test import Client
from rest_framework.authtoken.models import Token

from activities.models import Activity, Meeting, MeetingKind
from targets.models import Target
from tests.conftest import member_of
from tests.factories import MeetingFactory, record_status
from tests.urls import Route, concrete_path, routes
from workplan.backup import data_models

ROLES = ["anonymous", "focal", "staff", "admin"]

# Who may use each URL, by method: "anyone", "signed-in", "meetings" (focal points and staff),
# "staff" (secretariat staff: progress, meetings), "admin" (superusers), "nobody" (a method
# the URL does not take). Admin's own pages are "admin" for both methods: everyone else is
# refused, and an admin gets no server error (admin itself refuses some, such as editing
# the status history).
ANYONE, SIGNED_IN, MEETINGS, STAFF, ADMIN, NOBODY = (
    "anyone",
    "signed-in",
    "meetings",
    "staff",
    "admin",
    "nobody",
)
ACCESS = {
    "activities:list": (ANYONE, NOBODY),
    "activities:export": (ANYONE, NOBODY),
    "activities:import": (STAFF, STAFF),
    "activities:import-preview": (STAFF, STAFF),
    "activities:detail": (ANYONE, NOBODY),
    "activities:history": (STAFF, NOBODY),
    "activities:update-progress": (NOBODY, STAFF),
    "activities:meeting-list": (MEETINGS, NOBODY),
    "activities:meeting-create": (STAFF, STAFF),
    "activities:meeting-detail": (MEETINGS, NOBODY),
    "activities:meeting-edit": (STAFF, STAFF),
    "activities:meeting-review": (STAFF, STAFF),
    "target-list": (ANYONE, NOBODY),
    "target-detail": (ANYONE, NOBODY),
    "coverage": (ANYONE, NOBODY),
    "coverage-csv": (ANYONE, NOBODY),
    "dashboard": (ANYONE, NOBODY),
    "compare": (ANYONE, NOBODY),
    "report": (ANYONE, NOBODY),
    "timeline": (ANYONE, NOBODY),
    "search": (ANYONE, NOBODY),
    "favicon": (ANYONE, NOBODY),
    "login": (ANYONE, ANYONE),
    "logout": (NOBODY, ANYONE),
    "set_language": (ANYONE, ANYONE),  # a GET only goes back; a POST sets a cookie
    "password_change": (SIGNED_IN, SIGNED_IN),
    "password_change_done": (SIGNED_IN, NOBODY),
    "password_reset": (ANYONE, ANYONE),
    "password_reset_done": (ANYONE, NOBODY),
    "password_reset_confirm": (ANYONE, ANYONE),
    "password_reset_complete": (ANYONE, NOBODY),
    "invitation": (ANYONE, ANYONE),
    "notifications:preferences": (SIGNED_IN, SIGNED_IN),
    "notifications:follow": (NOBODY, SIGNED_IN),
    "notifications:unsubscribe": (ANYONE, ANYONE),
    "notifications:plan-feed": (ANYONE, NOBODY),
    "notifications:target-feed": (ANYONE, NOBODY),
    "notifications:activity-feed": (ANYONE, NOBODY),
    "healthz": (ANYONE, NOBODY),
    "admin:login": (ANYONE, ANYONE),
    "admin:logout": (NOBODY, ANYONE),
}
API_READ = (ANYONE, NOBODY)  # every api: URL


def access(route: Route) -> tuple[str, str]:
    if route.name in ACCESS:
        return ACCESS[route.name]
    if route.name.startswith("api:"):
        return API_READ
    if route.route.startswith("admin/"):
        return (ADMIN, ADMIN)
    pytest.fail(f"No access rule for {route.name} ({route.route}): add it to ACCESS.")


def allowed(rule: str, role: str) -> bool:
    """Whether `role` may use a URL under `rule` (for admin's pages: may try)."""
    return {
        ANYONE: True,
        SIGNED_IN: role != "anonymous",
        MEETINGS: role != "anonymous",
        STAFF: role in ("staff", "admin"),
        ADMIN: role == "admin",
        NOBODY: False,
    }[rule]


@pytest.fixture
def world(plan, django_user_model):
    """One of everything a URL can point at, and a client per role."""
    activity = Activity.objects.get(plan=plan, number=11)
    record_status(activity, "planned", note="Started", effective_on=datetime.date(2017, 1, 10))
    meeting = MeetingFactory(
        plan=plan,
        kind=MeetingKind.ANNUAL,
        is_public=True,
        date=datetime.date(2017, 11, 28),
        activities=[activity],
    )
    clients = {"anonymous": Client()}
    for role, group in (("focal", "Focal points"), ("staff", "Secretariat staff")):
        clients[role] = Client()
        clients[role].force_login(member_of(group, role))
    root = django_user_model.objects.create_superuser("root", "root@example.org", None)
    clients["admin"] = Client()
    clients["admin"].force_login(root)
    return {"activity": activity, "meeting": meeting, "clients": clients, "root": root}


def parameters(route: Route, world) -> dict:
    """Values for the route's parameters: a real object of the kind the URL names."""
    values = {
        "fmt": "csv",
        "format": "json",
        "framework": "aichi",
        "number": 11,
        "position": 1,
        "url": "nowhere/",  # admin's catch-all
        "app_label": "activities",
        "content_type_id": ContentType.objects.get_for_model(Activity).pk,
        "id": world["root"].pk,
        "uidb64": "MQ",  # a password reset or invitation link that is not valid
        "token": "not-a-token",
    }
    activity, meeting = world["activity"], world["meeting"]
    if "meeting" in route.route:
        values["pk"] = meeting.pk
    elif "targets" in route.route:
        values["pk"] = Target.objects.get_by_natural_key("aichi", 11).pk
    else:
        values["pk"] = activity.pk
    model_admin = getattr(route.callback, "model_admin", None)
    if model_admin is not None:
        model = model_admin.model
        obj = {Activity: activity, Meeting: meeting}.get(model) or model._default_manager.order_by(
            "pk"
        ).first()
        values["object_id"] = values["group1"] = obj.pk if obj else 1
        history = getattr(model, "history", None)
        record = history.filter(id=obj.pk).first() if history is not None and obj else None
        values["group2"] = record.history_id if record else 1
    else:
        values["object_id"] = values["group1"] = world["root"].pk
        values["group2"] = 1
    return values


def fingerprint() -> tuple:
    """Enough of the database to see any write: every table's row count and versions."""
    counts = []
    for model in data_models() + [Token, AccessAttempt]:
        manager = model._default_manager
        counts.append(manager.count())
        if any(field.name == "version" for field in model._meta.fields):
            counts.append(manager.aggregate(total=Sum("version"))["total"])
    return tuple(counts)


ALL_ROUTES = routes()
REFUSED = (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED, HTTPStatus.NOT_FOUND)


@pytest.mark.parametrize("route", ALL_ROUTES, ids=str)
def test_every_url_answers_each_role_by_its_rule_and_a_refusal_changes_nothing(world, route):
    get_rule, post_rule = access(route)
    path = concrete_path(route, parameters(route, world))
    tries = [
        (role, method, rule) for role in ROLES for method, rule in (("get", get_rule), ("post", post_rule))
    ]
    # The refused requests first, then the allowed ones (an admin's POST may delete something).
    tries.sort(key=lambda attempt: allowed(attempt[2], attempt[0]))
    before = fingerprint()
    for role, method, rule in tries:
        may = allowed(rule, role)
        if may and before is not None:
            assert fingerprint() == before, f"A refused request to {path} changed the database."
            before = None
        response = getattr(world["clients"][role], method)(path)
        status = response.status_code
        where = f"{method.upper()} {path} as {role}"
        assert status < 500, where
        if may:
            if rule != ADMIN:
                assert status not in (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED), where
            assert not _to_sign_in(response), where
        else:
            refused = status in (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED, HTTPStatus.NOT_FOUND)
            assert refused or _to_sign_in(response) or _elsewhere(response, role), (where, status)
        if status == HTTPStatus.OK and not getattr(response, "streaming", False):
            response.content  # noqa: B018 (rendered in full)
    if before is not None:
        assert fingerprint() == before, f"A refused request to {path} changed the database."


def _to_sign_in(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == HTTPStatus.FOUND and (
        "/accounts/login/" in location or "/admin/login/" in location
    )


def _elsewhere(response, role) -> bool:
    """Sent away from a page that is not for them: a signed-in person to the sign-in page,
    anyone from admin's sign-out by GET to admin's index."""
    return response.status_code == HTTPStatus.FOUND and (
        role != "anonymous" or response["Location"].startswith("/admin/")
    )


def test_the_rules_name_only_urls_that_exist():
    names = {route.name for route in ALL_ROUTES}
    assert not set(ACCESS) - names
