"""The document-validity worklist is right on the day it is read (frozen time): the windows'
boundaries, renewed cards superseding old ones, departed households and deceased members
left out, scope, and a fixed number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mehman.core import dates
from mehman.housing.tests.factories import resident
from mehman.registry import services as registry_services
from mehman.registry.models import HouseholdStatus, IdentityDocument
from mehman.residence.queries.documents import expiry_counts, expiry_worklist

DAY = date(2026, 5, 10)
TEHRAN = ZoneInfo("Asia/Tehran")
_serial = iter(range(200_000, 999_999))


def at(day: date) -> Any:
    """Frozen at noon in Tehran on ``day``."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 12, tzinfo=TEHRAN), tick=False
    )


def doc(
    person: Any, by: Any, expires_on: date | None, doc_type: str = "amayesh"
) -> IdentityDocument:
    return registry_services.add_document(
        person=person,
        by=by,
        doc_type=doc_type,
        number_typed=str(next(_serial)),
        expires_on=expires_on,
    )


def listed(user: Any, **filters: Any) -> list[tuple[str, int]]:
    """(document number, days left) on the worklist, in its order."""
    return [
        (row.document.number, row.days)
        for group in expiry_worklist(user, **filters)
        for row in group.documents
    ]


@pytest.fixture
def home(settlement_a, mona):
    return resident(settlement_a, by=mona, block="B01")


def head_of(h: Any) -> Any:
    return h.members.order_by("id")[0]


def test_a_document_expiring_today_is_within_30_days_not_expired(mona, home):
    card = doc(head_of(home), mona, DAY)
    with at(DAY):
        assert dates.today() == DAY
        assert listed(mona, window="30") == [(card.number, 0)]
        assert listed(mona, window="expired") == []
        assert expiry_counts(mona) == {"expired": 0, "30": 1, "60": 1, "90": 1}


def test_the_day_after_it_is_expired(mona, home):
    card = doc(head_of(home), mona, DAY)
    with at(DAY + timedelta(days=1)):
        assert listed(mona, window="expired") == [(card.number, -1)]
        assert listed(mona, window="30") == []
        assert expiry_counts(mona)["expired"] == 1


@pytest.mark.parametrize(
    ("days", "windows"),
    [
        (30, {"30", "60", "90"}),
        (31, {"60", "90"}),
        (60, {"60", "90"}),
        (61, {"90"}),
        (90, {"90"}),
        (91, set()),
    ],
)
def test_the_windows_boundaries_are_exact(mona, home, days, windows):
    doc(head_of(home), mona, DAY + timedelta(days=days))
    with at(DAY):
        found = {w for w in ("30", "60", "90") if listed(mona, window=w)}
        assert found == windows
        assert bool(listed(mona, window="all")) == bool(windows)
        counts = expiry_counts(mona)
        assert {w for w in ("30", "60", "90") if counts[w]} == windows


def test_a_renewed_card_supersedes_the_expired_one(mona, home):
    head = head_of(home)
    doc(head, mona, DAY - timedelta(days=10))
    with at(DAY):
        assert len(listed(mona, window="expired")) == 1
    doc(head, mona, DAY + timedelta(days=400))
    with at(DAY):
        assert listed(mona, window="all") == []
        assert expiry_counts(mona) == {"expired": 0, "30": 0, "60": 0, "90": 0}


def test_a_renewal_still_expiring_soon_replaces_the_old_one(mona, home):
    head = head_of(home)
    doc(head, mona, DAY - timedelta(days=10))
    renewed = doc(head, mona, DAY + timedelta(days=20))
    with at(DAY):
        assert listed(mona) == [(renewed.number, 20)]


def test_documents_of_other_types_and_without_expiry_are_left_out(mona, home):
    head = head_of(home)
    doc(head, mona, DAY, doc_type="passport")
    doc(head, mona, None, doc_type="work_permit")
    visa = doc(head, mona, DAY + timedelta(days=5), doc_type="visa")
    with at(DAY):
        assert listed(mona) == [(visa.number, 5)]
        assert listed(mona, doc_type="amayesh") == []


def test_a_departed_households_documents_do_not_appear(mona, home):
    doc(head_of(home), mona, DAY)
    registry_services.change_status(
        household=home, status=HouseholdStatus.DEPARTED, by=mona, reason="returned"
    )
    with at(DAY):
        assert listed(mona) == []


def test_a_deceased_members_documents_do_not_appear(mona, home):
    spouse = home.members.order_by("id")[1]
    doc(spouse, mona, DAY)
    with at(DAY):
        assert len(listed(mona)) == 1
    registry_services.record_death(person=spouse, died_on=DAY - timedelta(days=1), by=mona)
    with at(DAY):
        assert listed(mona) == []


def test_households_come_most_urgent_first_with_their_members(settlement_a, mona, home):
    later = resident(settlement_a, by=mona, block="B02")
    doc(head_of(home), mona, DAY + timedelta(days=40))
    doc(home.members.order_by("id")[1], mona, DAY + timedelta(days=2))
    doc(head_of(later), mona, DAY - timedelta(days=3))
    with at(DAY):
        groups = expiry_worklist(mona)
        assert [g.household for g in groups] == [later, home]
        assert [row.days for row in groups[1].documents] == [2, 40]
        assert groups[0].documents[0].overdue == 3
        assert [g.household for g in expiry_worklist(mona, block="b02")] == [later]


def test_each_user_sees_only_their_settlements(settlement_a, settlement_b, mona, bob, home):
    doc(head_of(home), mona, DAY)
    theirs = resident(settlement_b, by=bob)
    card = doc(head_of(theirs), bob, DAY)
    with at(DAY):
        assert listed(bob) == [(card.number, 0)]
        assert len(listed(mona)) == 1
        assert listed(mona, settlement=settlement_b) == []


def test_the_worklist_takes_a_fixed_number_of_queries(
    settlement_a, mona, django_assert_max_num_queries
):
    for n in range(6):
        h = resident(settlement_a, by=mona, block=f"B0{n}")
        for k, person in enumerate(h.members.all()):
            doc(person, mona, DAY + timedelta(days=n * 10 + k))
    with at(DAY), django_assert_max_num_queries(2):
        groups = expiry_worklist(mona)
        names = [(g.household.head.given_name, g.household.settlement.code) for g in groups]
    assert len(names) == 6
    with at(DAY), django_assert_max_num_queries(2):
        expiry_counts(mona)
