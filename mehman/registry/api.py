"""The registry over HTTP (``/api/v1/``): households, members, documents, specific needs.

One APIView per operation, calling the same services as the pages. Reads start
from ``for_user``; records are named by reference number or UUID and a record
out of scope is 404. Edits carry the version they were made from (``version``
in the body or ``If-Match``): a stale one is 412 and changes nothing. Protected
needs are named only to protection staff, and each read of one is logged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.accounts.services import log_accesses
from mehman.core import api
from mehman.core.models import Settlement
from mehman.core.permissions import get_for_user_or_404
from mehman.registry import queries, services
from mehman.registry.models import (
    Difficulty,
    DocumentType,
    EducationLevel,
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
    LaissezPasserPurpose,
    MaritalStatus,
    Relationship,
    Sex,
    SpecificNeed,
    SpecificNeedCode,
)

PROTECTION = "protection.view"
EDIT = "registry.edit"


def _errors(*statuses: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: _("Invalid input or a broken rule; each error has a code, a message and a field."),
        404: _("No such record, or out of your scope."),
        412: _("The record changed since the version you sent (code stale)."),
        428: _('No version: send "version" in the body or an If-Match header.'),
    }
    return {status: OpenApiResponse(api.Errors, descriptions[status]) for status in statuses}


REFERENCE = OpenApiParameter(
    "reference", str, OpenApiParameter.PATH, description=_("Reference number, e.g. TJ-000123.")
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=_('The ETag you read, e.g. "3" (or send "version" in the body).'),
)


def _etag(*statuses: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=list(statuses),
        description=_('The record\'s version, e.g. "3": send it back as If-Match.'),
    )


def _text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True)


def _difficulty() -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=Difficulty.choices, required=False, allow_null=True)


# --- Serializers shared by several operations ---------------------------------------------------


class MemberFields(api.Serializer):
    """A member as typed (names in Persian/Dari script; Latin optional)."""

    given_name = serializers.CharField(max_length=80)
    family_name = _text(80)
    father_name = _text(80)
    grandfather_name = _text(80)
    given_name_latin = _text(80)
    family_name_latin = _text(80)
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_date = api.DateField(required=False, allow_null=True)
    birth_date_estimated = serializers.BooleanField(required=False)
    marital_status = serializers.ChoiceField(choices=MaritalStatus.choices, required=False)
    relationship = serializers.ChoiceField(choices=Relationship.choices)
    nationality = serializers.CharField(max_length=3, required=False)
    education = serializers.ChoiceField(choices=EducationLevel.choices, required=False)
    occupation = _text(120)
    wg_seeing = _difficulty()
    wg_hearing = _difficulty()
    wg_walking = _difficulty()
    wg_remembering = _difficulty()
    wg_self_care = _difficulty()
    wg_communicating = _difficulty()
    phone = _text(32)

    class Meta:
        ref_name = "MemberInput"


class DocumentFields(api.Serializer):
    """A document as typed; the number in any digit script."""

    doc_type = serializers.ChoiceField(choices=DocumentType.choices)
    number = serializers.CharField(max_length=64)
    issued_on = api.DateField(required=False, allow_null=True)
    expires_on = api.DateField(required=False, allow_null=True)
    cycle = _text(20)
    province = _text(80)
    purpose = serializers.ChoiceField(
        choices=LaissezPasserPurpose.choices, required=False, allow_blank=True
    )
    visa_type = _text(40)
    occupation = _text(120)

    class Meta:
        ref_name = "DocumentInput"


def _document_arguments(data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of ``services.add_document`` for validated DocumentFields."""
    data = dict(data)
    data["number_typed"] = data.pop("number")
    return data


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


# --- Reading helpers ------------------------------------------------------------------------------


def _sees_protected(request: Request) -> bool:
    return bool(request.user.has_capability(PROTECTION))


def _log_protected(request: Request, household: Household, needs: list[SpecificNeed]) -> None:
    """Protected needs shown to protection staff leave a row in the access log."""
    shown = [need for need in needs if need.is_protected]
    if shown and _sees_protected(request):
        log_accesses(
            user=request.user,
            records=shown,
            subject=household.reference,
            settlement=household.settlement,
            via=request.path,
        )


def _household_response(request: Request, household: Household, *, status: int = 200) -> Response:
    """The household with its members, their documents and needs, and its version as ETag."""
    household = get_for_user_or_404(
        Household.objects.select_related("settlement", "head", "merged_into"),
        request.user,
        pk=household.pk,
    )
    prefetch_related_objects(
        [household],
        Prefetch("members__documents", IdentityDocument.objects.all()),
        Prefetch("members__needs", SpecificNeed.objects.select_related("code__parent")),
    )
    members = queries.members_in_order(household)
    household.shown_members = members  # type: ignore[attr-defined]
    context = {"sees_protected": _sees_protected(request)}
    data = HouseholdOutput(household, context=context).data
    _log_protected(request, household, [need for m in members for need in m.needs.all()])
    headers = {"ETag": api.etag(household.version)}
    if status == 201:
        headers["Location"] = reverse(
            "api:registry:household_detail", kwargs={"reference": household.reference}
        )
    return Response(data, status=status, headers=headers)


def _member_response(request: Request, person: Individual, *, status: int = 200) -> Response:
    person = get_for_user_or_404(
        Individual.objects.select_related("household"), request.user, pk=person.pk
    )
    headers = {"ETag": api.etag(person.version)}
    return Response(MemberOutput(person).data, status=status, headers=headers)


def _need_response(request: Request, need: SpecificNeed, *, status: int = 200) -> Response:
    need = get_for_user_or_404(
        SpecificNeed.objects.select_related("code__parent", "individual__household__settlement"),
        request.user,
        pk=need.pk,
    )
    _log_protected(request, need.individual.household, [need])
    context = {"sees_protected": _sees_protected(request)}
    return Response(NeedOutput(need, context=context).data, status=status)


def _person(request: Request, uuid: Any) -> Individual:
    return get_for_user_or_404(
        Individual.objects.select_related("household__settlement"), request.user, uuid=uuid
    )


def _settlement_for(request: Request, code: str) -> Settlement:
    """The settlement named by its code, or the user's only one."""
    settlements = Settlement.objects.for_user(request.user).filter(is_active=True)
    if code:
        found = settlements.filter(code=code.strip().upper()).first()
        if found is None:
            raise ValidationError(
                {"settlement": ValidationError(_("Unknown settlement."), code="settlement")}
            )
        return found
    mine = list(settlements[:2])
    if len(mine) != 1:
        raise ValidationError(
            {
                "settlement": ValidationError(
                    _("Name the settlement by its code, e.g. TJ."), code="required"
                )
            }
        )
    return mine[0]


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


def _optional(serializer: api.Serializer, names: tuple[str, ...]) -> None:
    for name in names:
        serializer.fields[name].required = False


# --- Households ----------------------------------------------------------------------------------


class HouseholdListApi(api.Api):
    class Query(api.Serializer):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text=_("A name, reference number, document number or phone."),
        )
        father = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Father's name of a member.")
        )
        year = serializers.IntegerField(
            required=False,
            min_value=1200,
            max_value=2200,
            help_text=_("Year of birth of a member, Gregorian or Jalali (e.g. 1365)."),
        )
        status = serializers.ChoiceField(choices=HouseholdStatus.choices, required=False)
        block = serializers.CharField(required=False, allow_blank=True)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "HouseholdQuery"

    Output = HouseholdSummaryOutput

    @extend_schema(
        operation_id="household_list",
        summary=_("Find and list households"),
        parameters=[Query],
        responses={200: api.page_of(HouseholdSummaryOutput, "HouseholdPage"), **_errors(400)},
    )
    def get(self, request: Request) -> Response:
        """Households in your scope; with ``q``, ``father`` or ``year`` the best matches first."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        households = Household.objects.for_user(request.user)
        found = queries.filter_households(households, params)
        text, father, year = params.get("q", ""), params.get("father", ""), params.get("year")
        if text or father or year:
            people = Individual.objects.for_user(request.user)
            result = queries.search(people, households, text, father=father, year=year)
            found = queries.in_rank_order(found, result.household_ids)
        else:
            found = found.order_by("reference")
        return api.paginate(
            request,
            self,
            queries.household_list(found),
            lambda page: self.Output(page, many=True).data,
        )


class HouseholdRegisterApi(api.Api):
    capability = EDIT
    field_names = {"number_typed": "number"}

    class Input(api.Serializer):
        class Member(MemberFields):
            documents = DocumentFields(many=True, required=False)

            class Meta:
                ref_name = "RegisterMemberInput"

        settlement = serializers.CharField(
            max_length=8,
            required=False,
            allow_blank=True,
            help_text=_("Settlement code; may be left out if you work in one settlement."),
        )
        status = serializers.ChoiceField(
            choices=HouseholdStatus.choices,
            required=False,
            help_text=_("applicant (default) or resident."),
        )
        phone = _text(32)
        block = _text(20)
        address = _text(200)
        registered_on = api.DateField(required=False, allow_null=True)
        consent_given = serializers.BooleanField(required=False)
        consent_on = api.DateField(required=False, allow_null=True)
        consent_note = _text(300)
        members = Member(many=True, help_text=_("Every member, exactly one of them the head."))

        class Meta:
            ref_name = "HouseholdRegisterInput"

    @extend_schema(
        operation_id="household_register",
        summary=_("Register a household with its members"),
        parameters=[_etag(201)],
        request=Input,
        responses={201: HouseholdOutput, **_errors(400, 404)},
    )
    def post(self, request: Request) -> Response:
        """A household is registered with all its members at once (and their documents)."""
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        settlement = _settlement_for(request, data.pop("settlement", ""))
        members = [dict(member) for member in data.pop("members")]
        documents = {
            index: [_document_arguments(doc) for doc in docs]
            for index, member in enumerate(members)
            if (docs := member.pop("documents", None))
        }
        household = services.register_household(
            settlement=settlement, members=members, documents=documents, by=request.user, **data
        )
        return _household_response(request, household, status=201)


class HouseholdDetailApi(api.Api):
    @extend_schema(
        operation_id="household_detail",
        summary=_("A household with its members, documents and needs"),
        parameters=[REFERENCE, _etag(200)],
        responses={200: HouseholdOutput, **_errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """The ETag header carries the household's version, for If-Match on PATCH."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        return _household_response(request, household)


class HouseholdUpdateApi(api.Api):
    capability = EDIT

    class Input(EditFields):
        block = _text(20)
        address = _text(200)
        phone = _text(32)
        registered_on = api.DateField(required=False)
        consent_given = serializers.BooleanField(required=False)
        consent_on = api.DateField(required=False, allow_null=True)
        consent_note = _text(300)

        class Meta:
            ref_name = "HouseholdUpdateInput"

    @extend_schema(
        operation_id="household_update",
        summary=_("Correct household fields, with a reason"),
        parameters=[REFERENCE, IF_MATCH, _etag(200)],
        request=Input,
        responses={200: HouseholdOutput, **_errors(400, 404, 412, 428)},
    )
    def patch(self, request: Request, reference: str) -> Response:
        """Send only the fields that change, the reason, and the version you read."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = api.expected_version(request, changes.pop("version", None))
        reason = changes.pop("reason")
        services.correct(
            record=household, by=request.user, reason=reason, expected_version=version, **changes
        )
        return _household_response(request, household)


# --- Members --------------------------------------------------------------------------------------


class MemberListApi(api.Api):
    @extend_schema(
        operation_id="member_list",
        summary=_("The members of a household, head first"),
        parameters=[REFERENCE],
        responses={200: MemberOutput(many=True), **_errors(404)},
    )
    def get(self, request: Request, reference: str) -> Response:
        """Head first, then living members oldest first, then former members."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        prefetch_related_objects([household], "members")
        members = queries.members_in_order(household)
        return Response(MemberOutput(members, many=True).data)


class MemberAddApi(api.Api):
    capability = EDIT

    class Input(MemberFields):
        class Meta:
            ref_name = "MemberAddInput"

    @extend_schema(
        operation_id="member_add",
        summary=_("Add a member to a household"),
        parameters=[REFERENCE, _etag(201)],
        request=Input,
        responses={201: MemberOutput, **_errors(400, 404)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """A new member joins an open household, as anything but a second head."""
        household = get_for_user_or_404(Household.objects, request.user, reference=reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = services.add_member(
            household=household, by=request.user, **serializer.validated_data
        )
        return _member_response(request, person, status=201)


class MemberUpdateApi(api.Api):
    capability = EDIT

    class Input(MemberFields, EditFields):
        class Meta:
            ref_name = "MemberUpdateInput"

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _optional(self, services.INDIVIDUAL_FIELDS)

    @extend_schema(
        operation_id="member_update",
        summary=_("Correct a member's fields, with a reason"),
        parameters=[IF_MATCH, _etag(200)],
        request=Input,
        responses={200: MemberOutput, **_errors(400, 404, 412, 428)},
    )
    def patch(self, request: Request, uuid: Any) -> Response:
        """Send only the fields that change, the reason, and the version you read."""
        person = _person(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = api.expected_version(request, changes.pop("version", None))
        reason = changes.pop("reason")
        services.correct(
            record=person, by=request.user, reason=reason, expected_version=version, **changes
        )
        return _member_response(request, person)


# --- Documents ------------------------------------------------------------------------------------


class DocumentListApi(api.Api):
    @extend_schema(
        operation_id="document_list",
        summary=_("A member's identity documents"),
        responses={200: DocumentOutput(many=True), **_errors(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Amayesh cards, passports, tazkiras and the rest, numbers as typed."""
        person = _person(request, uuid)
        documents = IdentityDocument.objects.for_user(request.user).filter(individual=person)
        return Response(DocumentOutput(documents, many=True).data)


class DocumentAddApi(api.Api):
    capability = EDIT
    field_names = {"number_typed": "number"}

    class Input(DocumentFields):
        class Meta:
            ref_name = "DocumentAddInput"

    @extend_schema(
        operation_id="document_add",
        summary=_("Record a document a member holds"),
        request=Input,
        responses={201: DocumentOutput, **_errors(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """The number is kept as typed and compared normalised; one person per number."""
        person = _person(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.add_document(
            person=person, by=request.user, **_document_arguments(serializer.validated_data)
        )
        return Response(DocumentOutput(document).data, status=201)


# --- Specific needs -------------------------------------------------------------------------------


def _is_protected_code(code: SpecificNeedCode) -> bool:
    return code.sensitive or bool(code.parent and code.parent.sensitive)


class NeedListApi(api.Api):
    @extend_schema(
        operation_id="need_list",
        summary=_("A member's specific needs"),
        responses={200: NeedOutput(many=True), **_errors(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Protected needs are named only to protection staff; their reads are logged."""
        person = _person(request, uuid)
        needs = list(
            SpecificNeed.objects.for_user(request.user)
            .filter(individual=person)
            .select_related("code__parent")
        )
        _log_protected(request, person.household, needs)
        context = {"sees_protected": _sees_protected(request)}
        return Response(NeedOutput(needs, many=True, context=context).data)


class NeedRecordApi(api.Api):
    capability = EDIT

    class Input(api.Serializer):
        code = serializers.CharField(
            max_length=8, help_text=_("UNHCR specific-needs code, e.g. DS-PM.")
        )
        recorded_on = api.DateField(required=False, allow_null=True)
        note = _text(300)

        class Meta:
            ref_name = "NeedRecordInput"

    @extend_schema(
        operation_id="need_record",
        summary=_("Record a specific need of a member"),
        request=Input,
        responses={201: NeedOutput, **_errors(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """Protected needs (SV, TR, LP, SM) are recorded by protection staff only."""
        person = _person(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        code = (
            SpecificNeedCode.objects.select_related("parent")
            .filter(code=data["code"].strip().upper())
            .first()
        )
        if code is not None and _is_protected_code(code) and not _sees_protected(request):
            raise ValidationError(
                {
                    "code": ValidationError(
                        _("Only protection staff record protected needs."), code="protected"
                    )
                }
            )
        need = services.record_need(person=person, by=request.user, **data)
        return _need_response(request, need, status=201)


class NeedResolveApi(api.Api):
    capability = EDIT

    class Input(api.Serializer):
        resolved_on = api.DateField(required=False, allow_null=True)
        note = _text(300)

        class Meta:
            ref_name = "NeedResolveInput"

    @extend_schema(
        operation_id="need_resolve",
        summary=_("Resolve a specific need"),
        request=Input,
        responses={200: NeedOutput, **_errors(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """A need is resolved on a date no earlier than it was recorded, and stays on record."""
        need = get_for_user_or_404(
            SpecificNeed.objects.select_related("code"), request.user, uuid=uuid
        )
        if need.is_protected and not _sees_protected(request):
            raise Http404
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        need = services.resolve_need(need=need, by=request.user, **serializer.validated_data)
        return _need_response(request, need)
