"""What the partners endpoints read and answer: shared fields, outputs and OpenAPI pieces.

``mehman.assistance.api`` uses these too (it sits above partners); nothing here
may name the registry.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Manager
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mehman.core import api
from mehman.core.api_schema import IF_MATCH as IF_MATCH
from mehman.core.api_schema import error_responses as error_responses
from mehman.core.api_schema import etag_header as etag_header
from mehman.core.api_schema import optional_text as optional_text
from mehman.partners.models import (
    TARGET_KEYS,
    Activity,
    ActivityStatus,
    BackgroundCheck,
    DataCategory,
    GiftKind,
    OrganisationType,
    PledgeStatus,
    Sector,
    Volunteer,
)


def quantity_field(**kwargs: Any) -> serializers.DecimalField:
    """A quantity as a decimal string ("12.5"); Persian or Arabic-Indic digits too."""
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=Decimal("0.01"), **kwargs
    )


def rials_field(**kwargs: Any) -> serializers.IntegerField:
    kwargs.setdefault("help_text", _("Rials, a whole number."))
    return serializers.IntegerField(min_value=0, **kwargs)


def sectors_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.ChoiceField(choices=Sector.choices), **kwargs)


def settlements_field(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(max_length=8),
        help_text=_("Settlement codes, e.g. TJ; may be left out if you work in one settlement."),
        **kwargs,
    )


# --- Input shared by several operations -----------------------------------------------------------


class EditFields(api.Serializer):
    """What every edit carries besides the changed fields: the version it was made from."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you edited (or send it as If-Match)."),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A field this endpoint does not change is refused, not silently ignored.
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                dict.fromkeys(unknown, _("This field cannot be changed here.")),
                code="not_editable",
            )
        return attrs


def optional(serializer: api.Serializer) -> None:
    """Every field of an edit may be left out: only the changed fields are sent."""
    for field in serializer.fields.values():
        field.required = False


class Targets(api.Serializer):
    """Households and people targeted, by sex and age bracket (HXL #targeted)."""

    hh = serializers.IntegerField(min_value=0, required=False, help_text=_("Households."))
    f_age0_4 = serializers.IntegerField(min_value=0, required=False)
    f_age5_11 = serializers.IntegerField(min_value=0, required=False)
    f_age12_17 = serializers.IntegerField(min_value=0, required=False)
    f_age18_59 = serializers.IntegerField(min_value=0, required=False)
    f_age60plus = serializers.IntegerField(min_value=0, required=False)
    m_age0_4 = serializers.IntegerField(min_value=0, required=False)
    m_age5_11 = serializers.IntegerField(min_value=0, required=False)
    m_age12_17 = serializers.IntegerField(min_value=0, required=False)
    m_age18_59 = serializers.IntegerField(min_value=0, required=False)
    m_age60plus = serializers.IntegerField(min_value=0, required=False)

    class Meta:
        ref_name = "Targets"


def targets_of(activity: Activity) -> dict[str, int]:
    return {key: activity.target(key) for key in TARGET_KEYS}


# --- Output ---------------------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "string"}, "example": ["TJ"]})
class SettlementCodes(serializers.Field):  # type: ignore[misc]
    """The codes of a record's settlements (prefetch them on lists)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Manager[Any]) -> list[str]:
        return sorted(settlement.code for settlement in value.all())


class OrganisationRef(api.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField(help_text=_("In your language."))
    acronym = serializers.CharField()

    class Meta:
        ref_name = "OrganisationRef"


class OrganisationSummaryOutput(api.Serializer):
    uuid = serializers.UUIDField()
    name_fa = serializers.CharField()
    name_en = serializers.CharField()
    acronym = serializers.CharField()
    org_type = serializers.ChoiceField(choices=OrganisationType.choices)
    sectors = sectors_field()
    settlements = SettlementCodes()
    is_active = serializers.BooleanField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "OrganisationSummary"


class OrganisationOutput(OrganisationSummaryOutput):
    phone = serializers.CharField()
    email = serializers.CharField()
    address = serializers.CharField()
    website = serializers.CharField()
    notes = serializers.CharField()

    class Meta:
        ref_name = "Organisation"


class _ValidityOutput(api.Serializer):
    uuid = serializers.UUIDField()
    reference = serializers.CharField()
    settlements = SettlementCodes()
    signed_on = api.DateField(allow_null=True)
    valid_from = api.DateField()
    valid_to = api.DateField()
    revoked_on = api.DateField(allow_null=True)
    revoke_reason = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["pending", "live", "expired", "revoked"], help_text=_("As of today.")
    )
    version = serializers.IntegerField()


class AgreementOutput(_ValidityOutput):
    title = serializers.CharField()
    scope = serializers.CharField()
    sectors = sectors_field()

    class Meta:
        ref_name = "Agreement"


class DataAgreementOutput(_ValidityOutput):
    purpose = serializers.CharField()
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=DataCategory.choices),
        help_text=_("What partner staff may read of a referred household beyond its counts."),
    )

    class Meta:
        ref_name = "DataAgreement"


class VolunteerOutput(api.Serializer):
    uuid = serializers.UUIDField()
    organisation = OrganisationRef()
    settlement = serializers.CharField(source="settlement.code")
    name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Volunteer._meta.get_field("sex").choices)
    phone = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    availability = serializers.CharField()
    code_of_conduct_signed_on = api.DateField(allow_null=True)
    psea_trained_on = api.DateField(allow_null=True)
    background_check = serializers.ChoiceField(choices=BackgroundCheck.choices)
    background_checked_on = api.DateField(allow_null=True)
    is_active = serializers.BooleanField()
    safeguarding_gaps = serializers.SerializerMethodField(
        help_text=_("What still stands between the volunteer and work with residents.")
    )
    safeguarded = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Volunteer"

    def get_safeguarding_gaps(self, volunteer: Volunteer) -> list[str]:
        return volunteer.safeguarding_gaps()

    def get_safeguarded(self, volunteer: Volunteer) -> bool:
        return not volunteer.safeguarding_gaps()


class AssignmentOutput(api.Serializer):
    uuid = serializers.UUIDField()
    volunteer = serializers.UUIDField(source="volunteer.uuid")
    activity = serializers.UUIDField(source="activity.uuid")
    activity_name = serializers.CharField(source="activity.name")
    role = serializers.CharField()
    starts_on = api.DateField()
    ends_on = api.DateField(allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Assignment"


class HoursOutput(api.Serializer):
    uuid = serializers.UUIDField()
    assignment = serializers.UUIDField(source="assignment.uuid")
    worked_on = api.DateField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=2)
    note = serializers.CharField()

    class Meta:
        ref_name = "Hours"


class ActivityOutput(api.Serializer):
    uuid = serializers.UUIDField()
    organisation = OrganisationRef(help_text=_("The implementing organisation."))
    funder = OrganisationRef(allow_null=True, help_text=_("The funding organisation, if other."))
    sector = serializers.ChoiceField(choices=Sector.choices)
    name = serializers.CharField()
    description = serializers.CharField()
    settlement = serializers.CharField(source="settlement.code")
    block = serializers.CharField()
    status = serializers.ChoiceField(choices=ActivityStatus.choices)
    starts_on = api.DateField()
    ends_on = api.DateField(allow_null=True)
    works_with_residents = serializers.BooleanField()
    targets = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Activity"

    @extend_schema_field(Targets)
    def get_targets(self, activity: Activity) -> dict[str, int]:
        return targets_of(activity)


class PledgeOutput(api.Serializer):
    uuid = serializers.UUIDField()
    reference = serializers.CharField()
    donor = OrganisationRef()
    settlement = serializers.CharField(source="settlement.code")
    kind = serializers.ChoiceField(choices=GiftKind.choices)
    item = serializers.CharField()
    unit = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2)
    value = serializers.IntegerField(help_text=_("Rials."))
    pledged_on = api.DateField()
    expected_on = api.DateField(allow_null=True)
    restricted_sector = serializers.CharField(help_text=_('A sector code, or "" for none.'))
    restricted_to = serializers.CharField(
        help_text=_('A household criterion code, or "" for none.')
    )
    restricted_need = serializers.CharField()
    restriction_note = serializers.CharField()
    status = serializers.ChoiceField(choices=PledgeStatus.choices)
    cancel_reason = serializers.CharField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Pledge"


class PledgeTotals(api.Serializer):
    received = serializers.DecimalField(max_digits=16, decimal_places=2)
    received_value = serializers.IntegerField(help_text=_("Rials."))
    used = serializers.DecimalField(max_digits=16, decimal_places=2)
    used_value = serializers.IntegerField(help_text=_("Rials."))

    class Meta:
        ref_name = "PledgeTotals"


class PledgeDetailOutput(PledgeOutput):
    totals = PledgeTotals(help_text=_("Received and used, in the pledge's unit and in rials."))

    class Meta:
        ref_name = "PledgeDetail"


class PledgeRef(api.Serializer):
    uuid = serializers.UUIDField()
    reference = serializers.CharField()
    item = serializers.CharField()
    unit = serializers.CharField()

    class Meta:
        ref_name = "PledgeRef"


class DonationOutput(api.Serializer):
    uuid = serializers.UUIDField()
    pledge = PledgeRef()
    donor = OrganisationRef(source="pledge.donor")
    received_on = api.DateField()
    quantity = serializers.DecimalField(max_digits=16, decimal_places=2)
    value = serializers.IntegerField(help_text=_("Rials."))
    stored_at = serializers.CharField()
    stored_on = api.DateField(allow_null=True)
    used_quantity = serializers.DecimalField(max_digits=16, decimal_places=2)
    used_value = serializers.IntegerField(help_text=_("Rials."))
    remaining_quantity = serializers.DecimalField(max_digits=16, decimal_places=2)
    remaining_value = serializers.IntegerField(help_text=_("Rials."))
    note = serializers.CharField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Donation"
