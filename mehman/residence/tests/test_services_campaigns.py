"""Renewal campaigns against the database: who must renew, renewals found in the registry or
recorded, follow-ups, excuses and closing."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from mehman.core import dates
from mehman.core.models import SettlementEvent
from mehman.housing.tests.factories import resident
from mehman.registry import services as registry_services
from mehman.registry.models import HouseholdEvent, HouseholdStatus, IdentityDocument
from mehman.registry.tests.factories import household
from mehman.residence.models import CampaignStatus, CampaignTarget, ContactOutcome, TargetStatus
from mehman.residence.services import campaigns

START = date(2026, 1, 1)
_serial = iter(range(100_000, 999_999))


def card(person: Any, by: Any, *, cycle: str = "17", **details: Any) -> IdentityDocument:
    details.setdefault("expires_on", date(2026, 6, 30))
    details.setdefault("issued_on", date(2024, 7, 1))
    return registry_services.add_document(
        person=person,
        by=by,
        doc_type="amayesh",
        number_typed=str(next(_serial)),
        cycle=cycle,
        **details,
    )


def open_amayesh(settlement: Any, by: Any, **overrides: Any) -> Any:
    data: dict[str, Any] = {
        "settlement": settlement,
        "by": by,
        "title": "Amayesh 18",
        "doc_type": "amayesh",
        "cycle": "Amayesh 18",
        "starts_on": START,
        "ends_on": START + timedelta(days=60),
    }
    data.update(overrides)
    return campaigns.open_campaign(**data)


@pytest.fixture
def home(settlement_a, mona):
    return resident(settlement_a, by=mona, block="B01")


def members(h: Any) -> list[Any]:
    return list(h.members.order_by("id"))


def test_a_campaign_targets_the_members_holding_the_document(settlement_a, mona, home):
    head, spouse, son, _daughter = members(home)
    old = card(head, mona)
    card(spouse, mona)
    registry_services.add_document(
        person=son, by=mona, doc_type="work_permit", number_typed="WP-1234"
    )
    campaign = open_amayesh(settlement_a, mona)
    targets = {t.individual_id: t for t in campaign.targets.all()}
    assert set(targets) == {head.pk, spouse.pk}
    assert targets[head.pk].previous == old
    assert targets[head.pk].status == TargetStatus.PENDING
    assert campaign.reference == f"{settlement_a.code}-D001"
    event = SettlementEvent.objects.get(aggregate=settlement_a, kind="residence.campaign_opened")
    assert event.params["reference"] == campaign.reference


def test_a_member_already_holding_the_cycle_counts_as_renewed(settlement_a, mona, home):
    head = members(home)[0]
    card(head, mona, cycle="17")
    new = card(head, mona, cycle=" amayesh ۱۸ ", issued_on=date(2025, 12, 1))
    campaign = open_amayesh(settlement_a, mona)
    target = campaign.targets.get()
    assert target.status == TargetStatus.RENEWED
    assert target.renewed == new


def test_departed_households_and_deceased_members_are_not_targets(settlement_a, mona, home, alice):
    head, spouse, *_ = members(home)
    card(head, mona)
    card(spouse, mona)
    registry_services.record_death(person=spouse, died_on=dates.today(), by=mona)
    gone = resident(settlement_a, by=mona)
    card(members(gone)[0], mona)
    registry_services.change_status(
        household=gone, status=HouseholdStatus.DEPARTED, by=mona, reason="left"
    )
    applicant = household(settlement_a, by=alice)
    card(applicant.head, mona)
    campaign = open_amayesh(settlement_a, mona)
    assert [t.individual_id for t in campaign.targets.all()] == [head.pk]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"doc_type": "tazkira"}, "doc_type"),
        ({"ends_on": START - timedelta(days=1)}, "ends_on"),
        ({"title": "  "}, "title"),
        ({"cycle": ""}, "cycle"),
    ],
)
def test_a_campaign_with_bad_terms_is_refused(settlement_a, mona, overrides, field):
    with pytest.raises(ValidationError) as caught:
        open_amayesh(settlement_a, mona, **overrides)
    assert field in caught.value.error_dict


def test_refresh_finds_renewals_recorded_in_the_registry(settlement_a, mona, home):
    head, spouse, *_ = members(home)
    card(head, mona)
    card(spouse, mona)
    campaign = open_amayesh(settlement_a, mona)
    card(head, mona, cycle="AMAYESH 18")
    card(spouse, mona, cycle="", issued_on=START + timedelta(days=3))
    assert campaigns.refresh_campaign(campaign=campaign, by=mona) == 2
    assert set(campaign.targets.values_list("status", flat=True)) == {TargetStatus.RENEWED}
    assert campaigns.refresh_campaign(campaign=campaign, by=mona) == 0
    assert (
        HouseholdEvent.objects.filter(aggregate=home, kind="residence.document_renewed").count()
        == 2
    )


def test_refresh_leaves_members_with_only_an_old_document_waiting(settlement_a, mona, home):
    card(members(home)[0], mona)
    campaign = open_amayesh(settlement_a, mona)
    assert campaigns.refresh_campaign(campaign=campaign, by=mona) == 0
    assert campaign.targets.get().status == TargetStatus.PENDING


def test_recording_a_renewal_adds_the_document_with_the_cycle(settlement_a, mona, alice, home):
    head = members(home)[0]
    card(head, mona)
    campaign = open_amayesh(settlement_a, mona)
    target = campaigns.record_renewal(
        target=campaign.targets.get(),
        by=alice,
        number="۹۸۷۶۵۴۳۲۱",
        issued_on=START + timedelta(days=5),
        expires_on=date(2027, 6, 30),
    )
    assert target.status == TargetStatus.RENEWED
    assert target.renewed is not None
    assert target.renewed.cycle == "Amayesh 18"
    assert target.renewed.number == "987654321"
    assert target.renewed.individual == head
    event = HouseholdEvent.objects.get(aggregate=home, kind="residence.document_renewed")
    assert event.params["member"] == head.given_name


def test_a_renewal_with_a_number_of_someone_else_is_refused(settlement_a, mona, home):
    head, spouse, *_ = members(home)
    card(head, mona)
    taken = card(spouse, mona)
    campaign = open_amayesh(settlement_a, mona)
    target = campaign.targets.get(individual=head)
    with pytest.raises(ValidationError) as caught:
        campaigns.record_renewal(
            target=target, by=mona, number=taken.number_typed, issued_on=None, expires_on=None
        )
    assert "number" in caught.value.error_dict
    assert CampaignTarget.objects.get(pk=target.pk).status == TargetStatus.PENDING


def test_a_follow_up_counts_the_contact_and_sets_the_next(settlement_a, mona, alice, home):
    card(members(home)[0], mona)
    campaign = open_amayesh(settlement_a, mona)
    next_on = dates.today() + timedelta(days=7)
    target = campaigns.record_follow_up(
        target=campaign.targets.get(),
        by=alice,
        outcome=ContactOutcome.NO_ANSWER,
        note="no one home",
        next_on=next_on,
    )
    target = campaigns.record_follow_up(target=target, by=alice, outcome=ContactOutcome.REACHED)
    assert target.contacts == 2
    assert target.last_contact_on == dates.today()
    assert target.last_outcome == ContactOutcome.REACHED
    assert target.follow_up_on is None
    assert HouseholdEvent.objects.filter(aggregate=home, kind="residence.followed_up").count() == 2


def test_a_follow_up_in_the_past_or_without_outcome_is_refused(settlement_a, mona, home):
    card(members(home)[0], mona)
    target = open_amayesh(settlement_a, mona).targets.get()
    with pytest.raises(ValidationError):
        campaigns.record_follow_up(
            target=target, by=mona, outcome="reached", next_on=dates.today() - timedelta(days=1)
        )
    with pytest.raises(ValidationError):
        campaigns.record_follow_up(target=target, by=mona, outcome="maybe")
    assert CampaignTarget.objects.get(pk=target.pk).contacts == 0


def test_excusing_needs_a_reason(settlement_a, mona, home):
    card(members(home)[0], mona)
    target = open_amayesh(settlement_a, mona).targets.get()
    with pytest.raises(ValidationError):
        campaigns.excuse_target(target=target, by=mona, reason=" ")
    target = campaigns.excuse_target(target=target, by=mona, reason="Moved to Mashhad")
    assert target.status == TargetStatus.EXCUSED
    with pytest.raises(ValidationError) as caught:
        campaigns.record_follow_up(target=target, by=mona, outcome="reached")
    assert caught.value.code == "not_pending"


def test_a_closed_campaign_takes_nothing_more(settlement_a, mona, home):
    card(members(home)[0], mona)
    campaign = open_amayesh(settlement_a, mona)
    campaigns.close_campaign(campaign=campaign, by=mona)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
    assert SettlementEvent.objects.filter(kind="residence.campaign_closed").count() == 1
    with pytest.raises(ValidationError):
        campaigns.close_campaign(campaign=campaign, by=mona)
    with pytest.raises(ValidationError):
        campaigns.record_follow_up(target=campaign.targets.get(), by=mona, outcome="reached")
    with pytest.raises(ValidationError):
        campaigns.refresh_campaign(campaign=campaign, by=mona)
