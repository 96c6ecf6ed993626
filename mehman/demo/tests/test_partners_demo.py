"""The demo's partners: organisations, agreements, volunteers, gifts and what reached
households, on the full demo settlement loaded once for the folder (``conftest.demo``)."""

from __future__ import annotations

from mehman.accounts.models import User
from mehman.assistance.models import (
    Attendance,
    Delivery,
    Expenditure,
    Referral,
    ReferralStatus,
)
from mehman.demo import registry
from mehman.demo.partners import STORE, partner_logins
from mehman.demo.settlement import load_demo
from mehman.partners.models import (
    Activity,
    DataSharingAgreement,
    GiftKind,
    HouseholdCriterion,
    Organisation,
    OrganisationStaff,
    OrganisationType,
    Pledge,
    PledgeStatus,
    Sector,
    Volunteer,
    VolunteerAssignment,
    VolunteerHours,
)
from mehman.registry.models import MaritalStatus


def _org(name_en: str) -> Organisation:
    return Organisation.objects.get(name_en__startswith=name_en)


class TestTheDemoPartners:
    """The demo's partners, on the demo loaded once for the folder."""

    def test_the_demo_has_an_organisation_of_every_type_working_in_torbat_e_jam(self, demo, db):
        assert demo["organisations"] == Organisation.objects.count() == 8
        assert set(Organisation.objects.values_list("org_type", flat=True)) == set(
            OrganisationType.values
        )
        assert not Organisation.objects.exclude(settlements__code="TJ").exists()
        assert not Organisation.objects.filter(contacts__isnull=True).exists()
        assert load_demo()["organisations"] == 0  # loaded once

    def test_an_mou_has_expired_and_two_data_sharing_agreements_are_live(self, demo, db):
        assert any(a.state == "expired" for a in _org("Norwegian").agreements.all())
        live = {a.organisation.acronym for a in DataSharingAgreement.objects.all() if a.is_live()}
        assert live == {"UNHCR", "NRC"}
        expired = DataSharingAgreement.objects.get(organisation=_org("Mehr-e Rezvan"))
        assert expired.state == "expired"
        assert set(expired.categories) == {"identity", "contact"}

    def test_the_partner_login_sees_its_open_referrals_one_overdue(self, demo, db):
        partner = User.objects.get(username="partner")
        nrc = _org("Norwegian")
        assert partner.partner_link.organisation == nrc
        seen = Referral.objects.for_user(partner)
        assert seen.count() == Referral.objects.filter(organisation=nrc).open().count() >= 25
        # One of the partners demo's own; the solutions demo adds one for a case (its tests).
        assert seen.overdue().filter(solutions_link__isnull=True).count() == 1
        # Answered referrals (closed, declined) have left the portal but exist.
        answered = Referral.objects.filter(
            organisation=nrc, status__in=[ReferralStatus.CLOSED, ReferralStatus.DECLINED]
        )
        assert answered.count() == 4
        assert not seen.filter(pk__in=answered).exists()
        assert Attendance.objects.for_user(partner).exists()
        assert "NRC (live data-sharing agreement" in partner_logins()["partner"]

    def test_the_charity_whose_agreement_expired_sees_no_household(self, demo, db):
        charity = User.objects.get(username="charity")
        mehr = _org("Mehr-e Rezvan")
        assert charity.partner_link.organisation == mehr
        assert Referral.objects.filter(organisation=mehr).open().count() == 3
        assert not Referral.objects.for_user(charity).exists()
        assert not Delivery.objects.for_user(charity).exists()
        assert "expired" in partner_logins()["charity"]
        # It still sees its own pledges and the activities it funds: they name no one.
        # Its two pledges, and the WASH pledge the site's works spent (the housing demo).
        assert Pledge.objects.for_user(charity).filter(donor=mehr).count() == 3
        assert Pledge.objects.filter(donor=mehr).count() == 3
        assert Activity.objects.for_user(charity).filter(funder=mehr).exists()

    def test_the_winter_kits_were_stored_then_distributed_to_households(self, demo, db):
        kits = Pledge.objects.get(donor=_org("Mehr-e Rezvan"), kind=GiftKind.IN_KIND)
        assert kits.quantity == 400
        assert kits.status == PledgeStatus.STORED  # a few kits stay in store
        (donation,) = kits.donations.all()
        assert donation.stored_at == STORE
        deliveries = Delivery.objects.filter(donation=donation)
        # As many households as the kits allowed (two for eight or more): a dozen stay in store.
        reached = deliveries.values("household").distinct().count()
        assert 250 <= reached <= 300
        assert all(d.quantity == (2 if d.household.size >= 8 else 1) for d in deliveries)
        assert sum(d.quantity for d in deliveries) == donation.used_quantity
        assert 387 <= donation.used_quantity <= 388
        assert all(
            d.activity.status == "completed" and d.activity.sector == "nfi" for d in deliveries
        )
        assert all(d.reached for d in deliveries)

    def test_the_roof_money_was_spent_only_on_named_households_roofs(self, demo, db):
        # The roof pledge (the association's other cash pledge pays the site's renovations).
        roofs = Pledge.objects.get(
            donor=_org("Jam Benefactors"), kind=GiftKind.CASH, quantity=2_400_000_000
        )
        assert roofs.restricted_sector == Sector.SHELTER
        spent = Expenditure.objects.filter(donation__pledge=roofs)
        assert spent.count() == 8
        assert not spent.filter(household__isnull=True).exists()
        assert set(spent.values_list("sector", flat=True)) == {"shelter"}
        assert set(spent.values_list("contractor__org_type", flat=True)) == {"private", "volunteer"}
        assert sum(e.amount for e in spent) < roofs.value

    def test_the_widows_cash_reached_only_widow_headed_households(self, demo, db):
        widows = Pledge.objects.get(restricted_to=HouseholdCriterion.WIDOW_HEAD)
        given = Delivery.objects.filter(donation__pledge=widows).select_related("household__head")
        assert given.exists()
        assert all(
            d.household.head.sex == "F" and d.household.head.marital_status == MaritalStatus.WIDOWED
            for d in given
        )

    def test_one_pledge_is_still_only_pledged_and_one_cancelled(self, demo, db):
        assert Pledge.objects.filter(status=PledgeStatus.PLEDGED).count() == 1
        cancelled = Pledge.objects.get(status=PledgeStatus.CANCELLED)
        assert cancelled.cancel_reason
        assert not cancelled.donations.exists()

    def test_the_tailoring_course_has_women_attending_several_sessions(self, demo, db):
        course = Activity.objects.get(sector=Sector.LIVELIHOODS)
        attendance = Attendance.objects.filter(activity=course)
        assert attendance.values("person").distinct().count() == 25
        assert attendance.values("attended_on").distinct().count() >= 10
        assert set(attendance.values_list("sex", flat=True)) == {"F"}

    def test_unsafeguarded_volunteers_never_work_with_residents(self, demo, db):
        volunteers = list(Volunteer.objects.all())
        assert len(volunteers) == 25
        gaps = [v for v in volunteers if v.safeguarding_gaps()]
        assert 3 <= len(gaps) <= 10
        assert not VolunteerAssignment.objects.filter(
            volunteer__in=gaps, activity__works_with_residents=True
        ).exists()
        # Some of them packed kits in the warehouse, away from residents.
        assert VolunteerAssignment.objects.filter(volunteer__in=gaps).exists()
        assert VolunteerHours.objects.filter(assignment__volunteer__in=gaps).exists()
        assert VolunteerHours.objects.count() > 50


def test_the_demo_without_partners_has_no_organisations(db, monkeypatch):
    monkeypatch.setattr(registry, "RESIDENTS", 60)
    monkeypatch.setattr(registry, "APPLICANTS", 10)
    assert load_demo(partners=False)["organisations"] == 0
    assert not Organisation.objects.exists()
    assert not OrganisationStaff.objects.filter(user__username="partner").exists()
