"""An application's steps over HTTP, one operation each: submit, screen, waitlist, offer,
accept or decline, admit; withdraw, expire, appeal and decide; a new PIN; a re-read.

Each calls the service the pages call. A step the application's status does not
allow is 400 with code ``transition`` and a message that names both statuses.
Intake staff record the household's own steps (``intake.apply``); managers decide
(``intake.decide``). Without the capability, or out of scope, the answer is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.intake import handover, services
from mehman.intake.api.access import APPLY, DECIDE, application_for
from mehman.intake.api.applications import application_response
from mehman.intake.api.serializers import REFERENCE, ApplicationOutput, ApplicationWithPinOutput
from mehman.intake.models import Application
from mehman.partners.api.serializers import error_responses

_ERRORS = error_responses(400, 404)

View = TypeVar("View", bound=type[api.Api])


def _operation(
    operation_id: str, summary: Promise, output: type[api.Serializer] = ApplicationOutput
) -> Callable[[View], View]:
    """The schema of a step's POST: the application's reference, the view's ``Input`` as
    the body (none without one) and the application back. The description is the view's
    docstring."""

    def document(view: View) -> View:
        schema = extend_schema(
            operation_id=operation_id,
            summary=summary,
            parameters=[REFERENCE],
            request=getattr(view, "Input", None),
            responses={200: output, **_ERRORS},
        )
        return extend_schema_view(post=schema)(view)

    return document


class _Transition(api.Api):
    # The step: called with the application, the user and the fields of ``Input``; it
    # returns the application. Set as ``staticmethod(services.…)``.
    service: Callable[..., Application]
    Input: type[api.Serializer] | None = None

    def post(self, request: Request, reference: str) -> Response:
        application = application_for(request, reference)
        data: dict[str, Any] = {}
        if self.Input is not None:
            found = self.Input(data=request.data)
            found.is_valid(raise_exception=True)
            data = dict(found.validated_data)
        if self.service in (services.accept_offer, services.decline_offer, services.admit):
            handover.refuse_if_held(application)
        moved = self.service(application=application, by=request.user, **data)
        return application_response(request, moved)


@_operation("application_submit", _("Submit an application"), output=ApplicationWithPinOutput)
class ApplicationSubmitApi(api.Api):
    """A draft with the household's consent and a living member is submitted. The
    answer carries the PIN for the public status page: it is shown in this response
    only and can never be read again (ask for a new one with ``pin/``)."""

    capability = APPLY

    def post(self, request: Request, reference: str) -> Response:
        application, pin = services.submit_application(
            application=application_for(request, reference), by=request.user
        )
        return application_response(request, application, pin=pin)


@_operation(
    "application_pin", _("Issue a new PIN for the status page"), output=ApplicationWithPinOutput
)
class ApplicationPinApi(api.Api):
    """For a submitted, open application whose PIN was lost; the old PIN stops working
    at once. The new PIN is shown in this response only."""

    capability = APPLY

    def post(self, request: Request, reference: str) -> Response:
        application = application_for(request, reference)
        pin = services.issue_pin(application=application, by=request.user)
        return application_response(request, application, pin=pin)


@_operation("application_screen", _("Screen a submitted application against the eligibility rules"))
class ApplicationScreenApi(_Transition):
    """Eligible when every active rule is met; otherwise ineligible, with what each
    rule found (``eligibility``)."""

    capability = DECIDE
    service = staticmethod(services.screen_application)


@_operation("application_waitlist", _("Place an eligible application on the waitlist"))
class ApplicationWaitlistApi(_Transition):
    """It takes its place by its score, and the waitlist is re-ranked."""

    capability = DECIDE
    service = staticmethod(services.place_on_waitlist)


@_operation("application_offer", _("Offer a home to a waitlisted household"))
class ApplicationOfferApi(_Transition):
    """Homes go in rank order; passing over higher-ranked households needs a reason
    (else code rank_order)."""

    capability = DECIDE
    service = staticmethod(services.make_offer)

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


@_operation("application_accept", _("Record that the household accepts the home offered"))
class ApplicationAcceptApi(_Transition):
    """On today's date unless another is given."""

    capability = APPLY
    service = staticmethod(services.accept_offer)

    class Input(api.Serializer):
        answered_on = api.DateField(required=False, allow_null=True, source="day")

        class Meta:
            ref_name = "ApplicationAcceptInput"


class _ReasonInput(api.Serializer):
    reason = serializers.CharField(max_length=300, allow_blank=True)


@_operation("application_decline", _("Record that the household declines the home offered"))
class ApplicationDeclineApi(_Transition):
    """With the household's reason."""

    capability = APPLY
    service = staticmethod(services.decline_offer)

    class Input(_ReasonInput):
        back_to_waitlist = serializers.BooleanField(
            default=True, help_text=_("The household keeps its score and returns to the list.")
        )

        class Meta:
            ref_name = "ApplicationDeclineInput"


@_operation("application_admit", _("Admit a household that accepted its offer"))
class ApplicationAdmitApi(_Transition):
    """The household becomes a resident of the settlement in the registry."""

    capability = DECIDE
    service = staticmethod(services.admit)

    class Input(api.Serializer):
        admitted_on = api.DateField(required=False, allow_null=True, source="day")

        class Meta:
            ref_name = "ApplicationAdmitInput"


@_operation("application_withdraw", _("Withdraw an application"))
class ApplicationWithdrawApi(_Transition):
    """At any stage before admission, with the reason; a place on the waitlist is
    given up."""

    capability = APPLY
    service = staticmethod(services.withdraw_application)

    class Input(_ReasonInput):
        class Meta:
            ref_name = "ApplicationWithdrawInput"


@_operation("application_expire", _("Let an application lapse"))
class ApplicationExpireApi(_Transition):
    """When the household cannot be reached or lets an offer run out, with the reason."""

    capability = DECIDE
    service = staticmethod(services.expire_application)

    class Input(_ReasonInput):
        class Meta:
            ref_name = "ApplicationExpireInput"


@_operation("application_appeal", _("Lodge an appeal against ineligibility or a score"))
class ApplicationAppealApi(_Transition):
    """An ineligibility is appealed once, within the appeal period (else code late or
    appealed); a waitlisted household appeals its score and keeps its place."""

    capability = APPLY
    service = staticmethod(services.lodge_appeal)

    class Input(api.Serializer):
        grounds = serializers.CharField(allow_blank=True)

        class Meta:
            ref_name = "ApplicationAppealInput"


@_operation("application_decide", _("Decide an appeal"))
class ApplicationDecideApi(_Transition):
    """With the decision and its reasons. An appeal of a score returns the household
    to the waitlist with its information re-read."""

    capability = DECIDE
    service = staticmethod(services.decide_appeal)

    class Input(api.Serializer):
        upheld = serializers.BooleanField(
            help_text=_("For an appeal of ineligibility: true makes the application eligible.")
        )
        decision = serializers.CharField(allow_blank=True)

        class Meta:
            ref_name = "ApplicationDecideInput"


@_operation("application_refresh", _("Re-read the household's information from the registry"))
class ApplicationRefreshApi(_Transition):
    """For an open application; the waitlist is re-ranked if its score moves."""

    capability = DECIDE
    service = staticmethod(services.refresh_application)
