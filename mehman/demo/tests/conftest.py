"""One load of the whole demo settlement for every test of this folder that reads it.

Loading the demo takes a while (minutes on PostgreSQL), so it is loaded once, in a
transaction rolled back after the last test of the folder; each test runs in its own
savepoint inside it (the ``db`` fixture), so a test that changes data leaves the demo as it
was for the next. The tests that need a database without the demo run first.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import override_settings

from mehman.demo.settlement import load_demo

HERE = Path(__file__).parent


def _group(item: pytest.Item) -> int:
    """The group pytest-django runs the test in: database tests, then transactional ones
    (which empty the database after them), then the rest."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    if "transactional_db" in names or "live_server" in names:
        return 1
    if marker is not None and marker.kwargs.get("transaction"):
        return 1
    return 0 if marker is not None or "db" in names else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """This folder's tests reading the demo run after its other database tests, and still
    before any transactional test of the session (which would empty the database under
    them); each test keeps its group and otherwise its order. Split over processes
    (``pytest -n 2 --dist loadgroup``), the folder stays in one, which loads the demo once."""
    for item in items:
        if Path(str(item.fspath)).parent == HERE:
            item.add_marker(pytest.mark.xdist_group("demo"))
    for group in (0, 1, 2):
        slots = [
            i
            for i, item in enumerate(items)
            if Path(str(item.fspath)).parent == HERE and _group(item) == group
        ]
        ours = [items[i] for i in slots]
        ours.sort(key=lambda item: "demo" in getattr(item, "fixturenames", ()))
        for slot, item in zip(slots, ours, strict=True):
            items[slot] = item


@pytest.fixture(scope="package")
def loaded_demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, int]]:
    """The whole demo settlement, loaded once for the folder and rolled back after it (its
    photos and text messages in a temporary folder)."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        override_settings(MEDIA_ROOT=media, MEHMAN_SMS_DIR=media / "sms"),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        created = load_demo()
        # Check the demo's deferred foreign keys once, here: a test's check runs in its
        # savepoint, whose rollback would leave them all to check again after every test
        # (seconds each on PostgreSQL).
        connection.check_constraints()
        yield created
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded_demo: dict[str, int], db: None) -> dict[str, int]:
    """What loading the demo created; the test runs in a savepoint rolled back after it."""
    return loaded_demo
