"""Personas shared by every test: who they are decides what they may see.

- Alice: registration clerk in settlement A (Torbat-e Jam)
- Mona: settlement manager in settlement A
- Carla: caseworker in settlement A (protection access: protected needs, case notes)
- Bob: registration clerk in settlement B (Sarvestan) — the outsider for A's records
- Vera: partner volunteer attached to settlement A
- Nasrin: directorate analyst (national)
- Adam: administrator (national)
- anonymous: a visitor who is not signed in
"""

from __future__ import annotations

import os

import pytest
from django.test import Client

from mehman.accounts.models import Role
from mehman.accounts.tests.factories import PASSWORD, UserFactory
from mehman.core.tests.factories import SettlementFactory


def _uses_database(item: pytest.Item) -> bool:
    """pytest-django lets a test reach the database only through its marker or its fixtures
    (``db``, ``transactional_db``, ``live_server``...), all of which request this helper."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return "_django_db_helper" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``MEHMAN_DATABASE_TESTS_ONLY=1`` (the second run of the suite, on PostgreSQL) leaves out
    the tests that never reach a database: they ran, identically, on SQLite."""
    if os.environ.get("MEHMAN_DATABASE_TESTS_ONLY") != "1":
        return
    kept, left = [], []
    for item in items:
        (kept if _uses_database(item) else left).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = kept


@pytest.fixture
def settlement_a(db):
    return SettlementFactory(
        code="TJ",
        name_fa="مهمانشهر تربت جام",
        name_en="Torbat-e Jam guest city",
        capacity=10_000,
    )


@pytest.fixture
def settlement_b(db):
    return SettlementFactory(
        code="SV",
        name_fa="مهمانشهر سروستان",
        name_en="Sarvestan guest city",
        province_fa="فارس",
        province_en="Fars",
        capacity=2_500,
    )


@pytest.fixture
def alice(settlement_a):
    return UserFactory(username="alice", role=Role.CLERK, settlements=[settlement_a])


@pytest.fixture
def mona(settlement_a):
    return UserFactory(username="mona", role=Role.MANAGER, settlements=[settlement_a])


@pytest.fixture
def carla(settlement_a):
    return UserFactory(username="carla", role=Role.CASEWORKER, settlements=[settlement_a])


@pytest.fixture
def bob(settlement_b):
    return UserFactory(username="bob", role=Role.CLERK, settlements=[settlement_b])


@pytest.fixture
def vera(settlement_a):
    return UserFactory(
        username="vera", role=Role.PARTNER, language="en", settlements=[settlement_a]
    )


@pytest.fixture
def nasrin(db, settlement_a, settlement_b):
    return UserFactory(username="nasrin", role=Role.ANALYST)


@pytest.fixture
def adam(db, settlement_a, settlement_b):
    return UserFactory(username="adam", role=Role.ADMINISTRATOR)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def password() -> str:
    return PASSWORD
