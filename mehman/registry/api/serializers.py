"""What the registry endpoints read and answer: the shared serializers and OpenAPI pieces."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request

from mehman.core import api
from mehman.core.api_schema import IF_MATCH as IF_MATCH
from mehman.core.api_schema import error_responses as error_responses
from mehman.core.api_schema import etag_header as etag_header
from mehman.core.api_schema import optional_text as optional_text
from mehman.registry.models import (
    Difficulty,
    DocumentType,
    EducationLevel,
    HouseholdStatus,
    Individual,
    IndividualStatus,
    LaissezPasserPurpose,
    MaritalStatus,
    Relationship,
    Sex,
    SpecificNeed,
)

REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description=_("Reference number, e.g. TJ-000123.")
)


def _difficulty() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=Difficulty.choices, required=False, allow_null=True)


# --- Input shared by several operations -----------------------------------------------------------


class MemberFields(api.Serializer):
    """A member as typed (names in Persian/Dari script; Latin optional)."""

    given_name = serializers.CharField(max_length=80)
    family_name = optional_text(80)
    father_name = optional_text(80)
    grandfather_name = optional_text(80)
    given_name_latin = optional_text(80)
    family_name_latin = optional_text(80)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = api.DateField(required=False, allow_null=True)
    birth_date_estimated = serializers.BooleanField(required=False)
    marital_status = serializers.ChoiceField(choices=MaritalStatus.choices, required=False)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    nationality = serializers.CharField(max_length=3, required=False)
    education = serializers.ChoiceField(choices=EducationLevel.choices, required=False)
    occupation = optional_text(120)
    wg_seeing = _difficulty()
    wg_hearing = _difficulty()
    wg_walking = _difficulty()
    wg_remembering = _difficulty()
    wg_self_care = _difficulty()
    wg_communicating = _difficulty()
    phone = optional_text(32)

    class Meta:
        ref_name = "MemberInput"


class DocumentFields(api.Serializer):
    """A document as typed; the number in any digit script."""

    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    number = serializers.CharField(max_length=64)
    issued_on = api.DateField(required=False, allow_null=True)
    expires_on = api.DateField(required=False, allow_null=True)
    cycle = optional_text(20)
    province = optional_text(80)
    purpose = serializers.ChoiceField(
        choices=LaissezPasserPurpose.choices, required=False, allow_blank=True
    )
    visa_type = optional_text(40)
    occupation = optional_text(120)

    class Meta:
        ref_name = "DocumentInput"


def document_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``services.add_document`` for validated DocumentFields."""
    data = dict(data)
    data["number_typed"] = data.pop("number")
    return data


class EditFields(api.Serializer):
    """What every correction carries besides the changed fields."""

    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("The version you edited (or send it as If-Match)."),
    )
    reason = serializers.CharField(
        max_length=300, allow_blank=True, help_text=_("Why the record is corrected.")
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # A field this endpoint does not correct is refused, not silently ignored.
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                dict.fromkeys(unknown, _("This field cannot be corrected here.")),
                code="not_correctable",
            )
        return attrs


def correction_arguments(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``services.correct`` (without ``record`` and ``by``) for
    validated EditFields: the changed fields, the reason, and the version from the body
    or If-Match."""
    changes = dict(data)
    version = api.expected_version(request, changes.pop("version", None))
    return {"reason": changes.pop("reason"), "expected_version": version, **changes}


# --- Output ---------------------------------------------------------------------------------------


class DocumentOutput(api.Serializer):
    uuid = serializers.UUIDField()
    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    doc_type_label = serializers.CharField(source="get_doc_type_display")
    number = serializers.CharField(source="number_typed")
    issued_on = api.DateField(allow_null=True)
    expires_on = api.DateField(allow_null=True)
    cycle = serializers.CharField()
    province = serializers.CharField()
    purpose = serializers.CharField()
    visa_type = serializers.CharField()
    occupation = serializers.CharField()
    verified_at = serializers.DateTimeField(allow_null=True)
    validity = serializers.CharField(
        help_text=_('"valid", "expiring" (within 90 days), "expired" or "" (no expiry).')
    )
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Document"


class NeedOutput(api.Serializer):
    """A specific need. A protected need (categories SV, TR, LP, SM) is shown to users
    without protection access as ``{"protected": true}`` alone."""

    protected = serializers.BooleanField(source="is_protected")
    uuid = serializers.UUIDField(required=False)
    code = serializers.CharField(source="code.code", required=False)
    label = serializers.CharField(source="code.label", required=False)
    category = serializers.CharField(source="code.category_code", required=False)
    recorded_on = api.DateField(required=False)
    resolved_on = api.DateField(allow_null=True, required=False)
    note = serializers.CharField(required=False)
    version = serializers.IntegerField(required=False)

    class Meta:
        ref_name = "Need"

    def to_representation(self, instance: SpecificNeed) -> dict[str, Any]:
        if instance.is_protected and not self.context.get("sees_protected"):
            return {"protected": True}
        data: dict[str, Any] = super().to_representation(instance)
        return data


class MemberOutput(api.Serializer):
    uuid = serializers.UUIDField()
    is_head = serializers.SerializerMethodField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    father_name = serializers.CharField()
    grandfather_name = serializers.CharField()
    given_name_latin = serializers.CharField()
    family_name_latin = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = api.DateField(allow_null=True)
    birth_date_estimated = serializers.BooleanField()
    age_bracket = serializers.CharField(help_text=_("0-4, 5-11, 12-17, 18-59, 60+ or unknown."))
    marital_status = serializers.ChoiceField(choices=MaritalStatus.choices)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    nationality = serializers.CharField()
    education = serializers.ChoiceField(choices=EducationLevel.choices)
    occupation = serializers.CharField()
    wg_seeing = _difficulty()
    wg_hearing = _difficulty()
    wg_walking = _difficulty()
    wg_remembering = _difficulty()
    wg_self_care = _difficulty()
    wg_communicating = _difficulty()
    phone = serializers.CharField()
    status = serializers.ChoiceField(choices=IndividualStatus.choices)
    died_on = api.DateField(allow_null=True)
    left_on = api.DateField(allow_null=True)
    version = serializers.IntegerField()

    class Meta:
        ref_name = "Member"

    def get_is_head(self, person: Individual) -> bool:
        return person.household.head_id == person.pk


class MemberRecordOutput(MemberOutput):
    documents = DocumentOutput(many=True)
    needs = NeedOutput(many=True)

    class Meta:
        ref_name = "MemberWithRecords"


class HouseholdSummaryOutput(api.Serializer):
    reference = serializers.CharField()
    uuid = serializers.UUIDField()
    settlement = serializers.CharField(source="settlement.code")
    status = serializers.ChoiceField(choices=HouseholdStatus.choices)
    size = serializers.IntegerField()
    block = serializers.CharField()
    head = serializers.CharField(source="head.full_name", allow_null=True)
    registered_on = api.DateField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "HouseholdSummary"


class HouseholdOutput(HouseholdSummaryOutput):
    address = serializers.CharField()
    phone = serializers.CharField()
    consent_given = serializers.BooleanField()
    consent_on = api.DateField(allow_null=True)
    consent_note = serializers.CharField()
    merged_into = serializers.CharField(source="merged_into.reference", allow_null=True)
    members = MemberRecordOutput(many=True, source="shown_members")

    class Meta:
        ref_name = "Household"
