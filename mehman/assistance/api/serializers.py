"""What the assistance endpoints answer: deliveries, referrals, spending and reach.

A household appears by its reference number only, and only in rows read
through ``for_user``: a caller sees the references of the households they may see.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mehman.assistance.models import ReferralStatus
from mehman.core import api
from mehman.partners.api.serializers import OrganisationRef
from mehman.partners.models import Sector

_QUANTITY = {"max_digits": 16, "decimal_places": 2}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "example": {"f_age0_4": 1, "m_age18_59": 1},
    }
)
class PeopleCounts(serializers.DictField):  # type: ignore[misc]
    """Members on the day by sex and age bracket: f_age0_4 … m_age60plus, x_unknown."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("child", serializers.IntegerField())
        super().__init__(**kwargs)


class ActivityRef(api.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()

    class Meta:
        ref_name = "ActivityRef"


class DeliveryOutput(api.Serializer):
    uuid = serializers.UUIDField()
    household = serializers.CharField(source="household.reference")
    activity = ActivityRef()
    organisation = OrganisationRef(help_text=_("Who delivered."))
    donation = serializers.UUIDField(source="donation.uuid", allow_null=True)
    pledge = serializers.CharField(
        source="donation.pledge.reference", allow_null=True, help_text=_("e.g. PL-TJ-0001.")
    )
    item = serializers.CharField()
    unit = serializers.CharField()
    quantity = serializers.DecimalField(**_QUANTITY)
    value = serializers.IntegerField(help_text=_("Rials."))
    delivered_on = api.DateField()
    reached = PeopleCounts()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Delivery"


class ReferralOutput(api.Serializer):
    uuid = serializers.UUIDField()
    household = serializers.CharField(source="household.reference")
    organisation = OrganisationRef(help_text=_("Referred to."))
    sector = serializers.ChoiceField(choices=Sector.choices)
    service = serializers.CharField()
    reason = serializers.CharField()
    referred_on = api.DateField()
    due_on = api.DateField(allow_null=True)
    overdue = serializers.BooleanField(source="is_overdue")
    consent_given = serializers.BooleanField()
    consent_override = serializers.CharField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    answered_on = api.DateField(allow_null=True)
    decline_reason = serializers.CharField()
    outcome = serializers.CharField()
    closed_on = api.DateField(allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Referral"


class ExpenditureOutput(api.Serializer):
    uuid = serializers.UUIDField()
    donation = serializers.UUIDField(source="donation.uuid")
    pledge = serializers.CharField(source="donation.pledge.reference")
    donor = OrganisationRef(source="donation.pledge.donor")
    household = serializers.CharField(source="household.reference", allow_null=True)
    sector = serializers.ChoiceField(choices=Sector.choices)
    work_order = serializers.CharField()
    description = serializers.CharField()
    contractor = OrganisationRef(allow_null=True)
    quantity = serializers.DecimalField(**_QUANTITY)
    amount = serializers.IntegerField(help_text=_("Rials."))
    spent_on = api.DateField()
    reached = PeopleCounts()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Expenditure"


class Counts(api.Serializer):
    targeted = serializers.IntegerField()
    reached = serializers.IntegerField()

    class Meta:
        ref_name = "ReachCounts"


class ReachGroup(Counts):
    key = serializers.CharField(help_text=_("f_age0_4 … m_age60plus, or …_unknown."))
    sex = serializers.CharField(help_text=_('F, M, or "" if unknown.'))
    age = serializers.CharField(help_text=_('0-4, 5-11, 12-17, 18-59, 60+ or "unknown".'))

    class Meta:
        ref_name = "ReachGroup"


class ReachOutput(api.Serializer):
    activity = ActivityRef()
    households = Counts()
    people = Counts()
    groups = ReachGroup(many=True, help_text=_("People by sex and age bracket."))

    class Meta:
        ref_name = "Reach"
