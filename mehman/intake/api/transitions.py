"""An application's steps over HTTP, one operation each: submit, screen, waitlist, offer,
accept or decline, admit; withdraw, expire, appeal and decide; a new PIN; a re-read.

Each calls the service the pages call. A step the application's status does not
allow is 400 with code ``transition`` and a message that names both statuses.
Intake staff record the household's own steps (``intake.apply``); managers decide
(``intake.decide``). Without the capability, or out of scope, the answer is 404.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.intake import services
from mehman.intake.api.access import APPLY, DECIDE, application_for
from mehman.intake.api.applications import application_response
from mehman.intake.api.serializers import REFERENCE, ApplicationOutput, ApplicationWithPinOutput
from mehman.partners.api.serializers import error_responses

_ERRORS = error_responses(400, 404)


def _input(serializer: type[api.Serializer], request: Request) -> dict[str, Any]:
    found = serializer(data=request.data)
    found.is_valid(raise_exception=True)
    return dict(found.validated_data)


class ApplicationSubmitApi(api.Api):
    capability = APPLY

    @extend_schema(
        operation_id="application_submit",
        summary=_("Submit an application"),
        parameters=[REFERENCE],
        request=None,
        responses={200: ApplicationWithPinOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """A draft with the household's consent and a living member is submitted. The
        answer carries the PIN for the public status page: it is shown in this response
        only and can never be read again (ask for a new one with ``pin/``)."""
        application, pin = services.submit_application(
            application=application_for(request, reference), by=request.user
        )
        return application_response(request, application, pin=pin)


class ApplicationPinApi(api.Api):
    capability = APPLY

    @extend_schema(
        operation_id="application_pin",
        summary=_("Issue a new PIN for the status page"),
        parameters=[REFERENCE],
        request=None,
        responses={200: ApplicationWithPinOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """For a submitted, open application whose PIN was lost; the old PIN stops working
        at once. The new PIN is shown in this response only."""
        application = application_for(request, reference)
        pin = services.issue_pin(application=application, by=request.user)
        return application_response(request, application, pin=pin)


class ApplicationScreenApi(api.Api):
    capability = DECIDE

    @extend_schema(
        operation_id="application_screen",
        summary=_("Screen a submitted application against the eligibility rules"),
        parameters=[REFERENCE],
        request=None,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Eligible when every active rule is met; otherwise ineligible, with what each
        rule found (``eligibility``)."""
        application = services.screen_application(
            application=application_for(request, reference), by=request.user
        )
        return application_response(request, application)


class ApplicationWaitlistApi(api.Api):
    capability = DECIDE

    @extend_schema(
        operation_id="application_waitlist",
        summary=_("Place an eligible application on the waitlist"),
        parameters=[REFERENCE],
        request=None,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """It takes its place by its score, and the waitlist is re-ranked."""
        application = services.place_on_waitlist(
            application=application_for(request, reference), by=request.user
        )
        return application_response(request, application)


class ApplicationOfferApi(api.Api):
    capability = DECIDE

    class Input(api.Serializer):
        place = serializers.CharField(max_length=200, allow_blank=True)
        respond_by = api.DateField(
            required=False, allow_null=True, help_text=_("By default in MEHMAN_OFFER_DAYS.")
        )
        skip_reason = serializers.CharField(
            max_length=300,
            required=False,
            allow_blank=True,
            help_text=_("Why households ranked higher are passed over (required if any)."),
        )

        class Meta:
            ref_name = "ApplicationOfferInput"

    @extend_schema(
        operation_id="application_offer",
        summary=_("Offer a home to a waitlisted household"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """Homes go in rank order; passing over higher-ranked households needs a reason
        (else code rank_order)."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        offered = services.make_offer(application=application, by=request.user, **data)
        return application_response(request, offered)


class ApplicationAcceptApi(api.Api):
    capability = APPLY

    class Input(api.Serializer):
        answered_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "ApplicationAcceptInput"

    @extend_schema(
        operation_id="application_accept",
        summary=_("Record that the household accepts the home offered"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """On today's date unless another is given."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        accepted = services.accept_offer(
            application=application, by=request.user, day=data.get("answered_on")
        )
        return application_response(request, accepted)


class ApplicationDeclineApi(api.Api):
    capability = APPLY

    class Input(api.Serializer):
        reason = serializers.CharField(max_length=300, allow_blank=True)
        back_to_waitlist = serializers.BooleanField(
            default=True, help_text=_("The household keeps its score and returns to the list.")
        )

        class Meta:
            ref_name = "ApplicationDeclineInput"

    @extend_schema(
        operation_id="application_decline",
        summary=_("Record that the household declines the home offered"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the household's reason."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        declined = services.decline_offer(application=application, by=request.user, **data)
        return application_response(request, declined)


class ApplicationAdmitApi(api.Api):
    capability = DECIDE

    class Input(api.Serializer):
        admitted_on = api.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "ApplicationAdmitInput"

    @extend_schema(
        operation_id="application_admit",
        summary=_("Admit a household that accepted its offer"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """The household becomes a resident of the settlement in the registry."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        admitted = services.admit(
            application=application, by=request.user, day=data.get("admitted_on")
        )
        return application_response(request, admitted)


class _ReasonInput(api.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


class ApplicationWithdrawApi(api.Api):
    capability = APPLY

    class Input(_ReasonInput):
        class Meta:
            ref_name = "ApplicationWithdrawInput"

    @extend_schema(
        operation_id="application_withdraw",
        summary=_("Withdraw an application"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """At any stage before admission, with the reason; a place on the waitlist is
        given up."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        withdrawn = services.withdraw_application(application=application, by=request.user, **data)
        return application_response(request, withdrawn)


class ApplicationExpireApi(api.Api):
    capability = DECIDE

    class Input(_ReasonInput):
        class Meta:
            ref_name = "ApplicationExpireInput"

    @extend_schema(
        operation_id="application_expire",
        summary=_("Let an application lapse"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """When the household cannot be reached or lets an offer run out, with the reason."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        expired = services.expire_application(application=application, by=request.user, **data)
        return application_response(request, expired)


class ApplicationAppealApi(api.Api):
    capability = APPLY

    class Input(api.Serializer):
        grounds = serializers.CharField(allow_blank=True)

        class Meta:
            ref_name = "ApplicationAppealInput"

    @extend_schema(
        operation_id="application_appeal",
        summary=_("Lodge an appeal against ineligibility or a score"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """An ineligibility is appealed once, within the appeal period (else code late or
        appealed); a waitlisted household appeals its score and keeps its place."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        appealed = services.lodge_appeal(application=application, by=request.user, **data)
        return application_response(request, appealed)


class ApplicationDecideApi(api.Api):
    capability = DECIDE

    class Input(api.Serializer):
        upheld = serializers.BooleanField(
            help_text=_("For an appeal of ineligibility: true makes the application eligible.")
        )
        decision = serializers.CharField(allow_blank=True)

        class Meta:
            ref_name = "ApplicationDecideInput"

    @extend_schema(
        operation_id="application_decide",
        summary=_("Decide an appeal"),
        parameters=[REFERENCE],
        request=Input,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """With the decision and its reasons. An appeal of a score returns the household
        to the waitlist with its information re-read."""
        application = application_for(request, reference)
        data = _input(self.Input, request)
        decided = services.decide_appeal(application=application, by=request.user, **data)
        return application_response(request, decided)


class ApplicationRefreshApi(api.Api):
    capability = DECIDE

    @extend_schema(
        operation_id="application_refresh",
        summary=_("Re-read the household's information from the registry"),
        parameters=[REFERENCE],
        request=None,
        responses={200: ApplicationOutput, **_ERRORS},
    )
    def post(self, request: Request, reference: str) -> Response:
        """For an open application; the waitlist is re-ranked if its score moves."""
        application = services.refresh_application(
            application=application_for(request, reference), by=request.user
        )
        return application_response(request, application)
