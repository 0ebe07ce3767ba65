"""Django admin under hostile input, signed in as an admin: its changelists, filters, searches,
orderings and forms never answer with a server error, whatever they are sent."""

import pytest
from django.contrib import admin
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.forms import form_data

FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
MODEL_ADMINS = [
    model_admin
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in ("targets", "activities", "auth", "authtoken")
]
# Text a browser or an attacker may send, NUL aside (refused before admin sees it: a 400).
# (Lone surrogates aside too: no browser can put them in an address or a form.)
weird = st.text(
    alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=80
)
values = st.one_of(
    weird,
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        ["", "0", "1", "-1", "1.-2", "x.y", "' OR 1=1--", "%", "__all__", "9" * 40, "2017-02-30"]
    ),
)


def changelist_keys(model_admin) -> list[str]:
    keys = ["q", "o", "p", "all", "e", "_popup", "_to_field", "_changelist_filters"]
    for entry in model_admin.list_filter:
        field = entry[0] if isinstance(entry, tuple) else entry
        if isinstance(field, str):
            keys += [f"{field}__exact", f"{field}__id__exact", f"{field}__isnull", f"{field}__in"]
    if model_admin.date_hierarchy:
        keys += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return keys


@pytest.fixture
def root(django_user_model, db):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("hostile", "h@example.org", None))
    return client


@pytest.mark.parametrize("model_admin", MODEL_ADMINS, ids=lambda m: m.model._meta.label)
def test_no_changelist_query_makes_admin_fail(plan, root, model_admin):
    opts = model_admin.model._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/"
    keys = changelist_keys(model_admin)

    @FUZZ
    @given(query=st.lists(st.tuples(st.one_of(st.sampled_from(keys), weird), values), max_size=5))
    def changelist(query):
        response = root.get(url, query)
        assert response.status_code < 500, (url, query)

    changelist()


@pytest.mark.parametrize("model_admin", MODEL_ADMINS, ids=lambda m: m.model._meta.label)
def test_no_form_data_makes_admin_fail_and_a_refused_form_changes_nothing(plan, root, model_admin):
    opts = model_admin.model._meta
    first = model_admin.model._default_manager.order_by("pk").first()
    urls = [f"/admin/{opts.app_label}/{opts.model_name}/add/"]
    if first is not None:
        urls.append(f"/admin/{opts.app_label}/{opts.model_name}/{first.pk}/change/")
    for url in urls:
        page = root.get(url)
        if page.status_code != 200:
            continue  # admin refuses the page itself (the status history: read-only)
        fuzz_form(root, model_admin, url, form_data(page, action=""))


def fuzz_form(root, model_admin, url, shown):
    @FUZZ
    @given(changes=st.dictionaries(st.sampled_from(sorted(shown)), values, max_size=6))
    def form(changes):
        before = model_admin.model._default_manager.count()
        response = root.post(url, {**shown, **changes})
        assert response.status_code < 500, (url, changes)
        if response.status_code == 200:  # the form came back with errors: nothing saved
            assert model_admin.model._default_manager.count() == before

    form()
