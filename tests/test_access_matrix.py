"""The access matrix: every URL pattern of the project, and who may reach it.

A new URL without an entry here fails ``test_every_url_has_an_entry``. For each
entry: anonymous visitors are sent to sign in (unless the page is public), an
insider gets the page, and for pages about one record, Bob of settlement B gets
404 for settlement A's record — never 403, so nothing leaks that it exists.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    converters,
    get_resolver,
    reverse,
)

from conftest import signed_in
from mehman.core import services
from mehman.demo.tasks import export_path
from mehman.registry import services as registry_services
from mehman.registry import tasks as registry_tasks
from mehman.registry.tests import factories as registry_factories
from tests.matrix_assistance import ENTRIES as ASSISTANCE_ENTRIES
from tests.matrix_assistance_api import ENTRIES as ASSISTANCE_API_ENTRIES
from tests.matrix_assistance_reports import ENTRIES as ASSISTANCE_REPORTS_ENTRIES
from tests.matrix_entry import Entry
from tests.matrix_housing_allocation import ENTRIES as HOUSING_ALLOCATION_ENTRIES
from tests.matrix_housing_api import ENTRIES as HOUSING_API_ENTRIES
from tests.matrix_housing_offers import ENTRIES as HOUSING_OFFERS_ENTRIES
from tests.matrix_housing_site import ENTRIES as HOUSING_SITE_ENTRIES
from tests.matrix_housing_standards import ENTRIES as HOUSING_STANDARDS_ENTRIES
from tests.matrix_housing_works import ENTRIES as HOUSING_WORKS_ENTRIES
from tests.matrix_intake import ENTRIES as INTAKE_ENTRIES
from tests.matrix_intake_api import ENTRIES as INTAKE_API_ENTRIES
from tests.matrix_intake_public import ENTRIES as INTAKE_PUBLIC_ENTRIES
from tests.matrix_intake_waitlist import ENTRIES as INTAKE_WAITLIST_ENTRIES
from tests.matrix_matching import ENTRIES as MATCHING_ENTRIES
from tests.matrix_matching_api import ENTRIES as MATCHING_API_ENTRIES
from tests.matrix_partners import ENTRIES as PARTNERS_ENTRIES
from tests.matrix_partners_api import ENTRIES as PARTNERS_API_ENTRIES
from tests.matrix_registry_links import ENTRIES as REGISTRY_LINKS_ENTRIES
from tests.matrix_residence_conditions import ENTRIES as RESIDENCE_CONDITIONS_ENTRIES
from tests.matrix_residence_conversion import ENTRIES as RESIDENCE_CONVERSION_ENTRIES
from tests.matrix_residence_documents import ENTRIES as RESIDENCE_DOCUMENTS_ENTRIES
from tests.matrix_residence_messages import ENTRIES as RESIDENCE_MESSAGES_ENTRIES
from tests.matrix_residence_terms import ENTRIES as RESIDENCE_TERMS_ENTRIES
from tests.matrix_residence_terms_api import ENTRIES as RESIDENCE_TERMS_API_ENTRIES
from tests.matrix_solutions_api import ENTRIES as SOLUTIONS_API_ENTRIES
from tests.matrix_solutions_board import ENTRIES as SOLUTIONS_BOARD_ENTRIES
from tests.matrix_solutions_cases import ENTRIES as SOLUTIONS_CASES_ENTRIES


def _task_of(user_key: str, *, done: bool = False) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def build(people: dict[str, Any]) -> dict[str, Any]:
        progress = services.start_progress(
            kind="demo.synthetic", title="t", total=1, by=people[user_key]
        )
        if done:
            services.finish_progress(progress, result={})
            path = export_path(str(progress.uuid))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("x\n")
        return {"task": progress.uuid}

    return build


def _household_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = registry_factories.household(people["settlement_a"], by=people["alice"])
    return {"reference": household.reference}


def _member_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = registry_factories.household(people["settlement_a"], by=people["alice"])
    return {"reference": household.reference, "member": household.head.uuid}


def _document_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = registry_factories.household(people["settlement_a"], by=people["alice"])
    document = registry_services.add_document(
        person=household.head, by=people["alice"], doc_type="amayesh", number_typed="123456789"
    )
    return {"reference": household.reference, "document": document.uuid}


def _need_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = registry_factories.household(people["settlement_a"], by=people["alice"])
    need = registry_services.record_need(person=household.head, code="DS-BD", by=people["alice"])
    return {"reference": household.reference, "need": need.uuid}


def _api_member_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = registry_factories.household(people["settlement_a"], by=people["alice"])
    return {"uuid": household.head.uuid}


def _api_need_of_a(people: dict[str, Any]) -> dict[str, Any]:
    household = registry_factories.household(people["settlement_a"], by=people["alice"])
    need = registry_services.record_need(person=household.head, code="DS-PM", by=people["alice"])
    return {"uuid": need.uuid}


def _transfer_task_of(user_key: str, kind: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A registry import check (still running) or a finished export with its file."""

    def build(people: dict[str, Any]) -> dict[str, Any]:
        progress = services.start_progress(kind=kind, title="t", total=1, by=people[user_key])
        if kind == registry_tasks.EXPORT_KIND:
            services.finish_progress(progress, result={"format": "csv"})
            path = registry_tasks.export_path(str(progress.uuid), "csv")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("household\n")
        return {"task": progress.uuid}

    return build


_API_HIDDEN = ("vera", "nasrin")

MATRIX: dict[str, Entry] = {
    "core:home": Entry(),
    "core:healthz": Entry(public=True),
    "core:settlement": Entry(kwargs=lambda p: {"code": p["settlement_a"].code}),
    "core:settlement_edit": Entry(
        kwargs=lambda p: {"code": p["settlement_a"].code}, also_hidden_from=("alice",)
    ),
    "core:task": Entry(kwargs=_task_of("mona"), also_hidden_from=("alice",)),
    "accounts:login": Entry(public=True, insider_status=302),  # signed in: sent home
    "accounts:logout": Entry(public=True, method="post", insider_status=302),
    "accounts:preferences": Entry(),
    "accounts:password": Entry(),
    "accounts:set_language": Entry(public=True, method="post", insider_status=302),
    "accounts:staff": Entry(also_hidden_from=("alice", "vera", "nasrin")),
    "accounts:staff_create": Entry(insider="adam", also_hidden_from=("mona", "alice")),
    "accounts:staff_detail": Entry(
        kwargs=lambda p: {"username": p["alice"].username}, also_hidden_from=("vera",)
    ),
    "demo:synthetic": Entry(insider="adam", also_hidden_from=("mona", "alice")),
    "demo:synthetic_download": Entry(
        kwargs=_task_of("adam", done=True), insider="adam", also_hidden_from=("mona",)
    ),
    "registry:households": Entry(),
    "registry:household": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:card": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:register": Entry(also_hidden_from=("vera", "nasrin")),
    "registry:register_member_row": Entry(also_hidden_from=("vera", "nasrin")),
    "registry:member_add": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:birth": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:death": Entry(kwargs=_member_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:marriage": Entry(kwargs=_member_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:split": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:merge": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:unmerge": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:change_head": Entry(kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:document_add": Entry(kwargs=_member_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:document_verify": Entry(
        kwargs=_document_of_a,
        method="post",
        insider_status=302,
        also_hidden_from=("vera", "nasrin"),
    ),
    "registry:need_add": Entry(kwargs=_member_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:need_resolve": Entry(kwargs=_need_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:correct_household": Entry(
        kwargs=_household_of_a, also_hidden_from=("vera", "nasrin")
    ),
    "registry:correct_member": Entry(kwargs=_member_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:correct_document": Entry(kwargs=_document_of_a, also_hidden_from=("vera", "nasrin")),
    "registry:note_add": Entry(
        kwargs=_household_of_a, also_hidden_from=("alice", "vera", "nasrin")
    ),
    "registry:import": Entry(also_hidden_from=("alice", "bob", "vera", "nasrin")),
    "registry:import_task": Entry(
        kwargs=_transfer_task_of("mona", registry_tasks.CHECK_KIND), also_hidden_from=("alice",)
    ),
    "registry:import_run": Entry(
        kwargs=_transfer_task_of("mona", registry_tasks.CHECK_KIND),
        method="post",
        insider_status=302,  # a check still running: sent back to its page
        also_hidden_from=("alice",),
    ),
    "registry:export": Entry(also_hidden_from=("alice", "bob", "vera", "nasrin")),
    "registry:export_download": Entry(
        kwargs=_transfer_task_of("mona", registry_tasks.EXPORT_KIND), also_hidden_from=("alice",)
    ),
    "api:schema": Entry(api=True),
    "api:docs": Entry(),
    "api:registry:household_list": Entry(api=True),
    "api:registry:household_detail": Entry(
        api=True, kwargs=_household_of_a, also_hidden_from=_API_HIDDEN
    ),
    "api:registry:household_members": Entry(
        api=True, kwargs=_household_of_a, also_hidden_from=_API_HIDDEN
    ),
    "api:registry:member_detail": Entry(
        api=True,
        kwargs=_api_member_of_a,
        method="patch",
        insider_status=400,  # reached: an empty correction lacks its reason
        also_hidden_from=_API_HIDDEN,
    ),
    "api:registry:member_documents": Entry(
        api=True, kwargs=_api_member_of_a, also_hidden_from=_API_HIDDEN
    ),
    "api:registry:member_needs": Entry(
        api=True, kwargs=_api_member_of_a, also_hidden_from=_API_HIDDEN
    ),
    "api:registry:need_resolve": Entry(
        api=True, kwargs=_api_need_of_a, method="post", also_hidden_from=_API_HIDDEN
    ),
}

# Each app's entries live beside the matrix, one module per app.
MATRIX.update(PARTNERS_ENTRIES)
MATRIX.update(PARTNERS_API_ENTRIES)
MATRIX.update(ASSISTANCE_ENTRIES)
MATRIX.update(ASSISTANCE_API_ENTRIES)
MATRIX.update(ASSISTANCE_REPORTS_ENTRIES)
MATRIX.update(INTAKE_ENTRIES)
MATRIX.update(INTAKE_WAITLIST_ENTRIES)
MATRIX.update(INTAKE_PUBLIC_ENTRIES)
MATRIX.update(INTAKE_API_ENTRIES)
MATRIX.update(HOUSING_SITE_ENTRIES)
MATRIX.update(HOUSING_WORKS_ENTRIES)
MATRIX.update(HOUSING_OFFERS_ENTRIES)
MATRIX.update(HOUSING_ALLOCATION_ENTRIES)
MATRIX.update(HOUSING_STANDARDS_ENTRIES)
MATRIX.update(HOUSING_API_ENTRIES)
MATRIX.update(REGISTRY_LINKS_ENTRIES)
MATRIX.update(RESIDENCE_TERMS_ENTRIES)
MATRIX.update(RESIDENCE_CONDITIONS_ENTRIES)
MATRIX.update(RESIDENCE_TERMS_API_ENTRIES)
MATRIX.update(RESIDENCE_CONVERSION_ENTRIES)
MATRIX.update(RESIDENCE_DOCUMENTS_ENTRIES)
MATRIX.update(RESIDENCE_MESSAGES_ENTRIES)
MATRIX.update(MATCHING_ENTRIES)
MATRIX.update(MATCHING_API_ENTRIES)
MATRIX.update(SOLUTIONS_BOARD_ENTRIES)
MATRIX.update(SOLUTIONS_CASES_ENTRIES)
MATRIX.update(SOLUTIONS_API_ENTRIES)

# Whole URL families guarded by their own mechanism, with a test of that mechanism below.
FAMILIES = {
    "admin:": "Django admin: staff accounts (administrators) only",
}


def iter_patterns(
    patterns: list[Any], prefix: str = "", outer: dict[str, Any] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each URL's name and the converters of its path arguments (enclosing prefixes' too)."""
    for pattern in patterns:
        here = {**(outer or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from iter_patterns(pattern.url_patterns, namespace, here)
        elif isinstance(pattern, URLPattern):
            name = f"{prefix}{pattern.name}" if pattern.name else f"{prefix}<unnamed {pattern}>"
            yield name, here


def iter_pattern_names(patterns: list[Any]) -> Iterator[str]:
    return (name for name, _converters in iter_patterns(patterns))


def missing_entries(urlconf: str | None = None) -> list[str]:
    names = iter_pattern_names(get_resolver(urlconf).url_patterns)
    return sorted(
        name
        for name in set(names)
        if name not in MATRIX and not any(name.startswith(f) for f in FAMILIES)
    )


def test_every_url_has_an_entry():
    assert missing_entries() == []


def test_a_new_url_without_an_entry_fails_the_matrix():
    assert missing_entries("tests.urls_with_unlisted_page") == ["unlisted-page"]


def test_the_matrix_names_no_url_that_does_not_exist():
    names = set(iter_pattern_names(get_resolver().url_patterns))
    assert set(MATRIX) - names == set()


@pytest.fixture
def people(settlement_a, settlement_b, alice, mona, bob, vera, nasrin, adam):
    return {
        "settlement_a": settlement_a,
        "settlement_b": settlement_b,
        "alice": alice,
        "mona": mona,
        "bob": bob,
        "vera": vera,
        "nasrin": nasrin,
        "adam": adam,
    }


def _call(client, entry: Entry, url: str):
    if entry.api and entry.method != "get":
        return getattr(client, entry.method)(url, {}, content_type="application/json")
    return getattr(client, entry.method)(url)


# A value of each kind of path argument that names no record.
_UNKNOWN = {
    converters.IntConverter: 987654321,
    converters.UUIDConverter: uuid.UUID(int=404),
    converters.SlugConverter: "no-such-record",
    converters.StringConverter: "NO-SUCH-RECORD",
    converters.PathConverter: "no/such/record",
}


@functools.cache
def _path_converters() -> dict[str, dict[str, Any]]:
    return dict(iter_patterns(get_resolver().url_patterns))


def _unknown_kwargs(name: str) -> dict[str, Any]:
    """Arguments for URL ``name`` that name no record at all."""
    found = _path_converters()[name]
    return {argument: _UNKNOWN[type(converter)] for argument, converter in found.items()}


def _anonymous_url(name: str, entry: Entry, request: pytest.FixtureRequest) -> str:
    """The URL with arguments that name no record: anonymous visitors are turned away before
    any record is looked up. A public page, or a path written as a regular expression (no
    converters to read), gets a real record."""
    if entry.kwargs and not entry.public:
        try:
            return reverse(name, kwargs=_unknown_kwargs(name))
        except NoReverseMatch:
            pass
    kwargs = entry.kwargs(request.getfixturevalue("people")) if entry.kwargs else {}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_visitors_are_sent_to_sign_in(name, client, db, request):
    entry = MATRIX[name]
    response = _call(client, entry, _anonymous_url(name, entry, request))
    if entry.api:
        assert response.status_code in (401, 403)
    elif entry.public:
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"] or response["Location"] == "/"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_insider_gets_the_page(name, people):
    entry = MATRIX[name]
    kwargs = entry.kwargs(people) if entry.kwargs else {}
    response = _call(signed_in(people[entry.insider]), entry, reverse(name, kwargs=kwargs))
    assert response.status_code == entry.insider_status


@pytest.mark.parametrize(
    "name", sorted(n for n, e in MATRIX.items() if e.kwargs or e.also_hidden_from)
)
def test_outsiders_get_404_for_settlement_a_records(name, people):
    entry = MATRIX[name]
    kwargs = entry.kwargs(people) if entry.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    outsiders = (("bob",) if entry.kwargs else ()) + entry.also_hidden_from
    for persona in outsiders:
        response = _call(signed_in(people[persona]), entry, url)
        assert response.status_code == 404, persona


def test_admin_is_only_for_administrators(people, client):
    url = reverse("admin:index")
    assert client.get(url).status_code == 302
    for persona in ("alice", "mona", "bob", "vera", "nasrin"):
        response = signed_in(people[persona]).get(url)
        assert response.status_code == 302, persona
        assert "/admin/login/" in response["Location"]
    assert signed_in(people["adam"]).get(url).status_code == 200


def test_admin_pages_in_the_family_are_guarded_too(people):
    url = reverse("admin:accounts_user_changelist")
    assert signed_in(people["mona"]).get(url).status_code == 302
    assert signed_in(people["adam"]).get(url).status_code == 200
