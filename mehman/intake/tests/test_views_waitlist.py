"""The waitlist pages through the client: the ranked waitlist with its breakdowns and
filters, the what-if preview and publishing of weights, the weights history, and the
eligibility rules."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from conftest import signed_in
from mehman.accounts.models import Role
from mehman.accounts.tests.factories import UserFactory
from mehman.intake import services
from mehman.intake.forms.waitlist import weight_field
from mehman.intake.models import (
    Application,
    Channel,
    EligibilityRule,
    RankEntry,
    Ranking,
    RuleKind,
    WeightSet,
)
from mehman.intake.services.ranking import need_categories
from mehman.intake.tests import factories
from mehman.registry import services as registry_services
from mehman.registry.models import Relationship, SpecificNeedCode
from mehman.registry.tests.factories import family, household, member

WAITLIST = reverse("intake:waitlist")
WHATIF = reverse("intake:whatif")
WEIGHTS = reverse("intake:weights")
RULES = reverse("intake:rules")
HTMX = {"HTTP_HX_REQUEST": "true"}


def shown(message: str, language: str = "fa") -> str:
    with translation.override(language):
        return escape(translation.gettext(message))


def rule_edit(kind: str) -> str:
    return reverse("intake:rule_edit", args=[kind])


def row(body: str, reference: str) -> str:
    """The HTML of one table row of the page, by the application's number."""
    found = re.search(rf'<tr data-reference="{re.escape(reference)}"(.*?)</tr>', body, re.S)
    assert found, reference
    return found.group(1)


def order(body: str) -> list[str]:
    return re.findall(r'<tr data-reference="([^"]+)"', body)


def need_label(code: str) -> str:
    with translation.override("fa"):
        return escape(SpecificNeedCode.objects.get(code=code).label)


def weights_data(
    settlement, *, note: str = "", publish: bool = False, preview: bool = False, **changes: str
) -> dict[str, str]:
    """The what-if form as shown (the weights in force), with ``changes`` typed over it."""
    current = services.current_weights(settlement).as_decimals()
    codes = [*current, *(f"need:{c.code}" for c in need_categories())]
    data = {weight_field(code): str(current.get(code, Decimal(0))) for code in codes}
    data.update({weight_field(code): value for code, value in changes.items()})
    data["note"] = note
    if publish:
        data["publish"] = "1"
    if preview:
        data["preview"] = "1"
    return data


def couple() -> list[dict]:
    return [
        member(),
        member(
            given_name="فاطمه",
            family_name="احمدی",
            sex="F",
            birth_date=date(1990, 3, 21),
            relationship=Relationship.SPOUSE,
        ),
    ]


@pytest.fixture
def queue(settlement_a, alice, mona):
    """Three households on A's waitlist: facing eviction (12 points), without income (8),
    and one earning nothing yet (0), ranked in that order."""
    evicted = factories.waitlisted(settlement_a, by=alice, manager=mona, eviction_risk=True)
    no_income = factories.waitlisted(settlement_a, by=alice, manager=mona, monthly_income=0)
    plain = factories.waitlisted(settlement_a, by=alice, manager=mona)
    return [Application.objects.get(pk=a.pk) for a in (evicted, no_income, plain)]


@pytest.fixture
def with_needs(settlement_a, alice, mona, carla):
    """A waitlisted household with a disability and a protected (medical) need."""
    target = household(settlement_a, by=alice)
    registry_services.record_need(person=target.head, code="DS-BD", by=carla)
    registry_services.record_need(person=target.head, code="SM-AD", by=carla)
    return factories.waitlisted(settlement_a, by=alice, manager=mona, household_obj=target)


# --- The waitlist -----------------------------------------------------------------------------


def test_the_waitlist_lists_households_in_rank_order_with_their_score_breakdown(queue, alice):
    body = signed_in(alice).get(WAITLIST).content.decode()
    assert order(body) == [a.reference for a in queue]
    first = row(body, queue[0].reference)
    assert reverse("intake:detail", args=[queue[0].reference]) in first
    assert shown("At risk of eviction or homeless") in first
    assert 'data-testid="breakdown"' in first
    assert shown("No income") in row(body, queue[1].reference)
    assert shown("Walk-in at the office") in first


def test_the_waitlist_is_paginated_by_fifty(queue, alice, monkeypatch):
    monkeypatch.setattr("mehman.intake.views.waitlist.PER_PAGE", 2)
    client = signed_in(alice)
    assert order(client.get(WAITLIST).content.decode()) == [a.reference for a in queue[:2]]
    second = client.get(WAITLIST, {"page": 2}).content.decode()
    assert order(second) == [queue[2].reference]


def test_a_clerk_sees_protected_needs_counted_not_named(with_needs, alice):
    body = signed_in(alice).get(WAITLIST).content.decode()
    needs = row(body, with_needs.reference)
    assert need_label("DS") in needs
    assert need_label("SM") not in needs
    assert 'data-testid="protected-needs"' in needs
    assert need_label("SM") not in body  # not in the breakdown, nor as a filter choice
    assert shown("Protected specific needs (confidential)") in needs


def test_a_caseworker_sees_which_protected_need_it_is(with_needs, carla):
    body = signed_in(carla).get(WAITLIST).content.decode()
    needs = row(body, with_needs.reference)
    assert need_label("SM") in needs
    assert 'data-testid="protected-needs"' not in needs
    assert shown("Protected specific needs (confidential)") not in needs


def test_the_outsider_sees_only_their_own_settlements_waitlist(queue, bob):
    client = signed_in(bob)
    body = client.get(WAITLIST).content.decode()
    assert order(body) == []
    assert all(a.reference not in body for a in queue)
    assert client.get(WAITLIST, {"settlement": "TJ"}).status_code == 404
    assert client.get(WEIGHTS, {"settlement": "TJ"}).status_code == 404
    assert client.get(RULES, {"settlement": "TJ"}).status_code == 404


@pytest.mark.parametrize("persona", ["vera", "nasrin"])
@pytest.mark.parametrize("url", [WAITLIST, WEIGHTS, RULES])
def test_partner_staff_and_analysts_do_not_find_the_waitlist_pages(persona, url, request, queue):
    assert signed_in(request.getfixturevalue(persona)).get(url).status_code == 404


def test_a_national_user_picks_the_settlement(queue, adam, settlement_b, alice):
    client = signed_in(adam)
    body = client.get(WAITLIST, {"settlement": "TJ"}).content.decode()
    assert order(body) == [a.reference for a in queue]
    assert order(client.get(WAITLIST, {"settlement": "SV"}).content.decode()) == []
    assert client.get(WAITLIST, {"settlement": "XX"}).status_code == 404


def test_the_waitlist_filters_by_need_size_months_channel_head_and_number(
    settlement_a, alice, mona, queue, with_needs
):
    pair = factories.waitlisted(settlement_a, by=alice, manager=mona, members=couple())
    woman_led = factories.waitlisted(
        settlement_a, by=alice, manager=mona, members=family(sex="F", given_name="مریم")
    )
    field = factories.waitlisted(settlement_a, by=alice, manager=mona, channel=Channel.FIELD_TEAM)
    Application.objects.filter(pk=queue[2].pk).update(
        submitted_at=timezone.now() - timedelta(days=100)
    )
    client = signed_in(alice)

    def found(**filters) -> set[str]:
        return set(order(client.get(WAITLIST, filters).content.decode()))

    assert found(need="DS") == {with_needs.reference}
    assert found(need="protected") == {with_needs.reference}
    assert found(size_max="2") == {pair.reference}
    assert found(size_min="۳", size_max="4") == found() - {pair.reference}
    assert found(months_min="3") == {queue[2].reference}
    assert found(channel=Channel.FIELD_TEAM) == {field.reference}
    assert found(female_head="on") == {woman_led.reference}
    assert found(q=queue[1].reference.lower()) == {queue[1].reference}
    assert found(
        q=queue[1].reference[-3:].translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    ) >= {queue[1].reference}


def test_a_clerk_may_not_filter_on_one_protected_need(queue, with_needs, alice, carla):
    chosen = signed_in(carla).get(WAITLIST, {"need": "SM"}).content.decode()
    assert order(chosen) == [with_needs.reference]
    body = signed_in(alice).get(WAITLIST, {"need": "SM"}).content.decode()
    assert len(order(body)) == 4  # the choice is refused: nothing is filtered
    assert "is-invalid" in body


def test_the_waitlist_reads_a_bounded_number_of_queries(settlement_a, alice, mona, carla, queue):
    client = signed_in(alice)
    client.get(WAITLIST)  # the first visit also stores the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(WAITLIST).status_code == 200
    for _ in range(4):
        target = household(settlement_a, by=alice)
        registry_services.record_need(person=target.head, code="SM-AD", by=carla)
        factories.waitlisted(settlement_a, by=alice, manager=mona, household_obj=target)
    with CaptureQueriesContext(connection) as many:
        body = client.get(WAITLIST).content.decode()
    assert len(order(body)) == 7
    assert len(many) == len(few)
    assert len(many) <= 15


def test_a_managers_waitlist_reads_a_bounded_number_of_queries_too(
    settlement_a, alice, mona, queue, django_assert_max_num_queries
):
    client = signed_in(mona)
    with django_assert_max_num_queries(15):
        body = client.get(WAITLIST).content.decode()
    assert 'data-testid="whatif-form"' in body


# --- What-if ----------------------------------------------------------------------------------


def test_a_clerk_sees_no_what_if_and_may_not_preview_or_publish(settlement_a, queue, alice):
    client = signed_in(alice)
    assert 'data-testid="whatif-form"' not in client.get(WAITLIST).content.decode()
    data = weights_data(settlement_a, no_income="20", note="x")
    assert client.post(WHATIF, data, **HTMX).status_code == 404
    assert client.post(WHATIF, {**data, "publish": "1"}).status_code == 404
    assert WeightSet.objects.filter(settlement=settlement_a).count() == 1


def test_the_manager_previews_new_weights_and_nothing_is_saved(settlement_a, queue, mona):
    rankings, versions = Ranking.objects.count(), WeightSet.objects.count()
    data = weights_data(settlement_a, eviction_risk="0", no_income="20")
    response = signed_in(mona).post(WHATIF, data, **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body  # the fragment only
    assert 'data-testid="preview-result"' in body
    assert order(body) == [queue[1].reference, queue[0].reference, queue[2].reference]
    moved_up = row(body, queue[1].reference)
    assert 'data-new-rank="1"' in moved_up and 'data-old-rank="2"' in moved_up
    assert 'data-move="up"' in moved_up
    assert 'data-move="down"' in row(body, queue[0].reference)
    assert queue[1].reference in body.split('data-testid="biggest-up"')[1]
    assert (Ranking.objects.count(), WeightSet.objects.count()) == (rankings, versions)
    assert list(
        Application.objects.filter(pk__in=[a.pk for a in queue])
        .order_by("rank")
        .values_list("pk", flat=True)
    ) == [a.pk for a in queue]


def test_a_preview_without_htmx_shows_the_whole_page(settlement_a, queue, mona):
    data = weights_data(settlement_a, eviction_risk="0", no_income="20", preview=True)
    body = signed_in(mona).post(WHATIF, data).content.decode()
    assert "<html" in body
    assert 'data-testid="preview-result"' in body
    assert 'data-testid="waitlist"' in body


def test_the_preview_follows_the_waitlist_filters(settlement_a, queue, mona):
    data = weights_data(settlement_a, eviction_risk="0", no_income="20")
    url = f"{WHATIF}?settlement=TJ&size_min=4&q={queue[0].reference}"
    body = signed_in(mona).post(url, data, **HTMX).content.decode()
    assert order(body) == [queue[0].reference]
    assert shown("Only the households that match the filters are listed.") in body


def test_publishing_makes_version_two_and_re_ranks_with_history(settlement_a, queue, mona):
    data = weights_data(
        settlement_a, eviction_risk="0", no_income="20", note="Income matters more", publish=True
    )
    entries = RankEntry.objects.count()
    response = signed_in(mona).post(WHATIF, data)
    assert response.status_code == 302
    assert response["Location"] == f"{WAITLIST}?settlement=TJ"
    published = services.current_weights(settlement_a)
    assert published.number == 2
    assert published.note == "Income matters more"
    assert published.created_by == mona
    assert published.as_decimals()["no_income"] == Decimal(20)
    ranking = Ranking.objects.filter(settlement=settlement_a).first()
    assert ranking is not None and ranking.weights == published
    assert RankEntry.objects.count() > entries
    assert Application.objects.get(pk=queue[1].pk).rank == 1
    page = signed_in(mona).get(response["Location"]).content.decode()
    assert order(page)[:2] == [queue[1].reference, queue[0].reference]


def test_publishing_needs_a_reason_and_saves_nothing_without_it(settlement_a, queue, mona):
    data = weights_data(settlement_a, no_income="20", publish=True)
    response = signed_in(mona).post(WHATIF, data)
    assert response.status_code == 200
    assert shown("Say why the weights change.") in response.content.decode()
    assert WeightSet.objects.filter(settlement=settlement_a).count() == 1


def test_publishing_the_weights_in_force_is_refused(settlement_a, queue, mona):
    data = weights_data(settlement_a, note="again", publish=True)
    body = signed_in(mona).post(WHATIF, data).content.decode()
    assert shown("These weights are the ones in force; nothing to publish.") in body
    assert WeightSet.objects.filter(settlement=settlement_a).count() == 1


@pytest.mark.parametrize("typed", ["-1", "abc", "1001", "2.555"])
@pytest.mark.parametrize("publish", [True, False])
def test_a_weight_out_of_range_or_not_a_number_is_refused(
    settlement_a, queue, mona, typed, publish
):
    data = weights_data(settlement_a, no_income=typed, note="try", publish=publish)
    rankings = Ranking.objects.count()
    response = signed_in(mona).post(WHATIF, data, **({} if publish else HTMX))
    body = response.content.decode()
    assert response.status_code == 200
    assert shown("Enter points from 0 to 1000, with at most two decimals.") in body
    assert 'data-testid="preview-result"' not in body
    assert WeightSet.objects.filter(settlement=settlement_a).count() == 1
    assert Ranking.objects.count() == rankings


def test_weights_typed_in_persian_digits_are_accepted(settlement_a, queue, mona):
    data = weights_data(settlement_a, no_income="۲۰٫۵", note="ارقام فارسی", publish=True)
    assert signed_in(mona).post(WHATIF, data).status_code == 302
    assert services.current_weights(settlement_a).as_decimals()["no_income"] == Decimal("20.5")


def test_a_manager_may_not_preview_another_settlement(settlement_a, settlement_b, queue, mona):
    data = weights_data(settlement_a, no_income="20")
    assert signed_in(mona).post(f"{WHATIF}?settlement=SV", data, **HTMX).status_code == 404


# --- Weights history ----------------------------------------------------------------------


def test_the_weights_page_shows_each_version_what_changed_and_the_re_rankings(
    settlement_a, queue, mona, alice
):
    services.publish_weights(
        settlement=settlement_a,
        weights={"no_income": "20"},
        note="Income matters more",
        by=mona,
    )
    body = signed_in(alice).get(WEIGHTS).content.decode()
    assert 'data-number="2"' in body and 'data-number="1"' in body
    changes = body.split('data-testid="changes"')[1].split("</ul>")[0]
    assert shown("No income") in changes
    assert "Income matters more" in body
    assert body.count("<tr data-reason=") == Ranking.objects.filter(settlement=settlement_a).count()
    assert 'data-reason="weights"' in body
    assert 'data-reason="joined"' in body


def test_the_weights_page_lists_the_latest_fifty_re_rankings(settlement_a, queue, mona, alice):
    for _ in range(50):
        services.rerank(settlement=settlement_a, reason="waiting", by=mona)
    body = signed_in(alice).get(WEIGHTS).content.decode()
    assert body.count("<tr data-reason=") == 50
    assert 'data-reason="joined"' not in body  # the oldest are left off


# --- Eligibility rules --------------------------------------------------------------------


def test_any_reader_sees_the_rules_but_only_a_manager_may_edit(settlement_a, alice, mona):
    body = signed_in(alice).get(RULES).content.decode()
    assert 'data-kind="household_size"' in body
    rule = EligibilityRule.objects.get(settlement=settlement_a, kind=RuleKind.HOUSEHOLD_SIZE)
    assert escape(rule.message_fa) in body and escape(rule.message_en) in body
    assert 'data-testid="edit"' not in body
    assert 'data-testid="edit"' in signed_in(mona).get(RULES).content.decode()
    assert signed_in(alice).get(rule_edit("household_size")).status_code == 404
    assert signed_in(alice).post(rule_edit("household_size"), {}).status_code == 404


def test_editing_an_unknown_kind_of_rule_is_not_found(settlement_a, mona):
    assert signed_in(mona).get(rule_edit("astrology")).status_code == 404


def _rule_form(rule: EligibilityRule, **changes: str) -> dict[str, str]:
    data = {
        "message_fa": rule.message_fa,
        "message_en": rule.message_en,
        "is_active": "on" if rule.is_active else "",
        "position": str(rule.position),
        "version": str(rule.version),
        **{k: str(v) for k, v in rule.params.items()},
    }
    data.update(changes)
    return data


def test_a_manager_edits_a_rules_range_in_persian_digits(settlement_a, mona):
    services.active_rules(settlement_a)
    rule = EligibilityRule.objects.get(settlement=settlement_a, kind=RuleKind.HOUSEHOLD_SIZE)
    data = _rule_form(rule, min="۲", max="۱۰", message_en="Two to ten members.")
    response = signed_in(mona).post(rule_edit("household_size"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{RULES}?settlement=TJ"
    rule.refresh_from_db()
    assert rule.params == {"min": 2, "max": 10}
    assert rule.message_en == "Two to ten members."


def test_a_rule_whose_smallest_size_exceeds_the_largest_is_refused(settlement_a, mona):
    services.active_rules(settlement_a)
    rule = EligibilityRule.objects.get(settlement=settlement_a, kind=RuleKind.HOUSEHOLD_SIZE)
    response = signed_in(mona).post(rule_edit("household_size"), _rule_form(rule, min="8", max="3"))
    assert response.status_code == 200
    assert shown("The largest size is below the smallest.") in response.content.decode()
    rule.refresh_from_db()
    assert rule.params == {"min": 1, "max": 12}


def test_a_rule_changed_meanwhile_is_not_overwritten(settlement_a, mona):
    services.active_rules(settlement_a)
    rule = EligibilityRule.objects.get(settlement=settlement_a, kind=RuleKind.CONSENT)
    stale = _rule_form(rule, message_en="Mine.")
    services.save_rule(
        settlement=settlement_a,
        kind=RuleKind.CONSENT,
        by=mona,
        message_fa=rule.message_fa,
        message_en="Theirs.",
    )
    body = signed_in(mona).post(rule_edit("consent"), stale).content.decode()
    assert shown("Someone else changed this rule meanwhile. Reload and try again.") in body
    rule.refresh_from_db()
    assert rule.message_en == "Theirs."


def test_a_rule_needs_both_messages(settlement_a, mona):
    services.active_rules(settlement_a)
    rule = EligibilityRule.objects.get(settlement=settlement_a, kind=RuleKind.CONSENT)
    response = signed_in(mona).post(rule_edit("consent"), _rule_form(rule, message_en=""))
    assert response.status_code == 200
    rule.refresh_from_db()
    assert rule.message_en != ""


def test_a_deactivated_rule_is_not_checked_at_the_next_screening(settlement_a, alice, mona):
    services.active_rules(settlement_a)
    rule = EligibilityRule.objects.get(settlement=settlement_a, kind=RuleKind.RESIDENCE_DOCUMENT)
    before, _pin = factories.submitted(settlement_a, by=alice)  # no residence card
    before = services.screen_application(application=before, by=mona)
    assert before.status == "ineligible"
    response = signed_in(mona).post(rule_edit("residence_document"), _rule_form(rule, is_active=""))
    assert response.status_code == 302
    body = signed_in(alice).get(RULES).content.decode()
    assert 'data-testid="inactive"' in body.split('data-kind="residence_document"')[1]
    after, _pin = factories.submitted(settlement_a, by=alice)
    after = services.screen_application(application=after, by=mona)
    assert after.status == "eligible"
    assert RuleKind.RESIDENCE_DOCUMENT not in {found["kind"] for found in after.eligibility}


def test_a_manager_adds_a_rule_not_yet_in_use(settlement_a, mona):
    services.active_rules(settlement_a)
    page = signed_in(mona).get(RULES).content.decode()
    assert 'data-kind="document_seen"' in page.split("unused-heading")[-1]
    data = {
        "message_fa": "مدرک هویتی باید در مصاحبه دیده شود.",
        "message_en": "An identity document must be seen at the interview.",
        "is_active": "on",
        "position": "9",
    }
    assert signed_in(mona).post(rule_edit("document_seen"), data).status_code == 302
    added = EligibilityRule.objects.get(settlement=settlement_a, kind=RuleKind.DOCUMENT_SEEN)
    assert added.is_active and added.position == 9


def test_an_english_speaking_manager_reads_the_pages_in_english(settlement_a, queue):
    manager = UserFactory(role=Role.MANAGER, language="en", settlements=[settlement_a])
    client = signed_in(manager)
    assert "Publish these weights" in client.get(WAITLIST).content.decode()
    assert "Versions of the weights" in client.get(WEIGHTS).content.decode()
    assert "Household size within range" in client.get(RULES).content.decode()
