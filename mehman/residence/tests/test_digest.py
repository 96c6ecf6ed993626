"""The daily digest: what is due for each staff member, in their scope and by what their role
acts on, and one e-mail a day of it in their language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mehman.accounts.models import User
from mehman.core import dates
from mehman.housing.tests.factories import resident
from mehman.registry import services as registry_services
from mehman.residence import services as residence_services
from mehman.residence.models import (
    Campaign,
    CampaignTarget,
    ConversionRun,
    ConversionStatus,
    Digest,
)
from mehman.residence.queries.digest import due_for
from mehman.residence.services.digests import send_digests


def counts(user: Any, **kwargs: Any) -> dict[str, int]:
    return {s.key: s.count for s in due_for(user, **kwargs).sections if s.count}


@pytest.fixture
def due_in_a(settlement_a, alice, mona) -> dict[str, Any]:
    """In settlement A: a review overdue, a term past its end, a card expired and one
    expiring, a campaign follow-up due, a conversion still reversible."""
    today = dates.today()
    reviewed = resident(settlement_a, by=alice)
    term = residence_services.start_term(household=reviewed, by=mona)
    review = residence_services.open_review(term=term, by=mona, due_on=today - timedelta(days=3))
    late = resident(settlement_a, by=alice)
    late_term = residence_services.start_term(
        household=late,
        by=mona,
        started_on=today - timedelta(days=800),
        planned_end=today - timedelta(days=2),
    )
    papers = resident(settlement_a, by=alice)
    registry_services.add_document(
        person=papers.head,
        by=alice,
        doc_type="amayesh",
        number_typed="A100001",
        expires_on=today - timedelta(days=1),
    )
    members = list(papers.active_members())
    registry_services.add_document(
        person=members[1],
        by=alice,
        doc_type="work_permit",
        number_typed="W100002",
        expires_on=today + timedelta(days=20),
    )
    campaign = Campaign.objects.create(
        reference="TJ-D001",
        settlement=settlement_a,
        title="Amayesh 18",
        doc_type="amayesh",
        cycle="18",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=30),
    )
    CampaignTarget.objects.create(
        campaign=campaign, individual=papers.head, household=papers, follow_up_on=today
    )
    ConversionRun.objects.create(
        reference="TJ-C001",
        settlement=settlement_a,
        status=ConversionStatus.COMMITTED,
        households=900,
        reversible_until=today + timedelta(days=20),
    )
    return {"review": review, "late": late_term, "papers": papers}


def test_a_caseworker_sees_reviews_terms_and_documents_due(carla, due_in_a):
    assert counts(carla) == {
        "reviews": 1,
        "terms_past_end": 1,
        "documents_expired": 1,
        "documents_expiring": 1,
        "follow_ups": 1,
    }
    reviews = next(s for s in due_for(carla).sections if s.key == "reviews")
    item = reviews.items[0]
    assert item.label == due_in_a["review"].term.reference
    assert item.overdue
    assert item.url == reverse("residence:term", args=[item.label])


def test_a_clerk_sees_documents_and_follow_ups_but_not_reviews(alice, due_in_a):
    assert counts(alice) == {"documents_expired": 1, "documents_expiring": 1, "follow_ups": 1}


def test_a_manager_also_sees_the_conversions_still_reversible(mona, due_in_a):
    assert counts(mona)["conversions"] == 1


@pytest.mark.parametrize("persona", ["vera", "nasrin", "bob"])
def test_partner_staff_analysts_and_other_settlements_get_nothing(persona, request, due_in_a):
    user = request.getfixturevalue(persona)

    assert due_for(user).total == 0


def test_a_renewed_card_is_no_longer_due(alice, due_in_a):
    registry_services.add_document(
        person=due_in_a["papers"].head,
        by=alice,
        doc_type="amayesh",
        number_typed="A100009",
        expires_on=dates.today() + timedelta(days=365),
    )

    assert "documents_expired" not in counts(alice)


def test_a_section_lists_ten_items_and_counts_the_rest(settlement_a, alice, mona):
    for number in range(12):
        household = resident(settlement_a, by=alice)
        registry_services.add_document(
            person=household.head,
            by=alice,
            doc_type="visa",
            number_typed=f"V2000{number:02d}",
            expires_on=dates.today() + timedelta(days=number + 1),
        )

    section = next(s for s in due_for(alice).sections if s.key == "documents_expiring")

    assert (section.count, len(section.items), section.more) == (12, 10, 2)


def test_the_digest_reads_a_bounded_number_of_queries(
    mona, due_in_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        due_for(mona)


# --- The e-mail ------------------------------------------------------------------------------


def with_email(*users: Any, language: str = "en") -> None:
    for user in users:
        User.objects.filter(pk=user.pk).update(
            email=f"{user.username}@example.org", language=language
        )


def test_each_staff_member_with_something_due_gets_one_email(
    alice, carla, vera, nasrin, bob, due_in_a, mailoutbox
):
    with_email(alice, carla, vera, nasrin, bob)

    assert send_digests() == 2

    to = sorted(message.to[0] for message in mailoutbox)
    assert to == ["alice@example.org", "carla@example.org"]
    carla_mail = next(m for m in mailoutbox if m.to == ["carla@example.org"])
    with translation.override("en"):
        assert carla_mail.subject == _("Mehman: what is due today (%(count)s)") % {"count": 5}
        assert _("Reviews due") in carla_mail.body
    assert due_in_a["review"].term.reference in carla_mail.body
    html, mimetype = carla_mail.alternatives[0]
    assert mimetype == "text/html"
    assert due_in_a["review"].term.reference in html
    alice_mail = next(m for m in mailoutbox if m.to == ["alice@example.org"])
    assert due_in_a["review"].term.reference not in alice_mail.body
    assert set(Digest.objects.values_list("user__username", flat=True)) == {"alice", "carla"}


def test_a_second_run_the_same_day_sends_nothing(alice, due_in_a, mailoutbox):
    with_email(alice)
    send_digests()

    assert send_digests() == 0
    assert len(mailoutbox) == 1
    assert Digest.objects.get().items == 3


def test_the_digest_is_written_in_the_users_language(carla, due_in_a, mailoutbox):
    with_email(carla, language="fa")

    send_digests()

    with translation.override("fa"):
        assert _("Reviews due") in mailoutbox[0].body
        assert mailoutbox[0].subject == _("Mehman: what is due today (%(count)s)") % {"count": "۵"}


def test_staff_without_an_email_or_with_nothing_due_get_none(alice, carla, mailoutbox):
    with_email(alice)

    assert send_digests() == 0
    assert mailoutbox == []
    assert not Digest.objects.exists()


def test_the_email_names_no_resident(carla, due_in_a, mailoutbox):
    with_email(carla)

    send_digests()

    head = due_in_a["papers"].head
    assert head.given_name not in mailoutbox[0].body
    assert head.family_name not in mailoutbox[0].alternatives[0][0]
