"""Exits and post-exit follow-ups over HTTP: recording a case's exit (all or some members,
who heads whom, where those who stay move, whether the freed home is offered), the list of
exits and one exit, and the follow-ups due 3, 6 and 12 months later (list, read, record).

Reading needs ``solutions.view``, recording ``solutions.manage``; without the capability, or
out of scope, 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api, dates
from mehman.core.api_schema import enum_field, error_responses, optional_text
from mehman.core.names import reference_key
from mehman.housing.api.access import key
from mehman.residence.models import Pathway
from mehman.solutions import services
from mehman.solutions.api.access import (
    MANAGE,
    SolutionsApi,
    body_members,
    body_unit_or_uuid,
    case_for,
    lookup_uuid,
    optional_member,
)
from mehman.solutions.api.serializers import (
    CASE,
    EXIT,
    FOLLOW_UP,
    ExitOutput,
    ExitSummaryOutput,
    FollowUpOutput,
    exit_type_field,
)
from mehman.solutions.models import CaseExit, ExitFollowUp, FollowUpStatus

_EXIT_RELATED = (
    "case__settlement",
    "household",
    "remaining",
    "freed_unit",
    "offer",
    "recorded_by",
)
_FOLLOW_UP_RELATED = ("exit__case", "exit__household", "done_by")


def exits() -> Any:
    return CaseExit.objects.select_related(*_EXIT_RELATED)


def exit_for(request: Request, uuid: UUID) -> CaseExit:
    rows = Prefetch("follow_ups", queryset=follow_ups().order_by("due_on", "pk"))
    found: CaseExit = lookup_uuid(request, exits().prefetch_related(rows), uuid)
    return found


def follow_ups() -> Any:
    return ExitFollowUp.objects.select_related(*_FOLLOW_UP_RELATED)


def follow_up_for(request: Request, uuid: UUID) -> ExitFollowUp:
    found: ExitFollowUp = lookup_uuid(request, follow_ups(), uuid)
    return found


# --- Exits ----------------------------------------------------------------------------------------


class ExitRecordApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        exit_type = exit_type_field()
        exit_on = api.DateField(help_text=_("The day they left; not in the future."))
        members = serializers.ListField(
            child=serializers.UUIDField(),
            required=False,
            help_text=_("The members leaving (UUIDs); all of them if left out."),
        )
        new_head = serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text=_("Who heads the members leaving, among them (UUID)."),
        )
        staying_head = serializers.UUIDField(
            required=False,
            allow_null=True,
            help_text=_("When the head leaves: who heads those who stay (UUID)."),
        )
        move_remaining_to = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=64,
            help_text=_("A unit for those who stay, by reference (TJ-B01-003) or UUID."),
        )
        offer_home = serializers.BooleanField(
            required=False,
            default=True,
            help_text=_("Offer the freed home to the next household on the waitlist."),
        )
        note = optional_text(300)
        version = api.VersionField()

        class Meta:
            ref_name = "SolutionsExitInput"

    @extend_schema(
        operation_id="solutions_exit_record",
        summary=_("Record a case's exit"),
        parameters=[CASE],
        request=Input,
        responses={201: ExitOutput, **error_responses(400, 404, 412)},
    )
    def post(self, request: Request, reference: str) -> Response:
        """A return or a resettlement only once a second approver approved it (code
        needs_approval). All leaving ends the residence term and frees the home; some leaving
        form their own household, and the rest stay or move. The case closes, and follow-ups
        fall due at 3, 6 and 12 months."""
        case = case_for(request, reference)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        unit_text = (data.get("move_remaining_to") or "").strip()
        case_exit = services.record_exit(
            case=case,
            by=request.user,
            exit_type=data["exit_type"],
            exit_on=data["exit_on"],
            members=body_members(case, data.get("members") or [], "members"),
            new_head=optional_member(case, data.get("new_head"), "new_head"),
            staying_head=optional_member(case, data.get("staying_head"), "staying_head"),
            move_remaining_to=(
                body_unit_or_uuid(request, unit_text, "move_remaining_to") if unit_text else None
            ),
            offer_home=data["offer_home"],
            note=data.get("note", ""),
            expected_version=data.get("version"),
        )
        headers = {
            "Location": reverse("api:solutions:exit_detail", kwargs={"uuid": case_exit.uuid})
        }
        body = ExitOutput(exit_for(request, case_exit.uuid)).data
        return Response(body, status=201, headers=headers)


class ExitListApi(SolutionsApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        exit_type = exit_type_field(required=False)
        pathway = serializers.ChoiceField(choices=Pathway.choices, required=False)
        household = serializers.CharField(
            required=False, allow_blank=True, help_text=_("Household reference, e.g. TJ-000123.")
        )
        since = api.DateField(required=False, allow_null=True)
        until = api.DateField(required=False, allow_null=True)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "SolutionsExitQuery"

    @extend_schema(
        operation_id="solutions_exit_list",
        summary=_("List exits"),
        parameters=[Query],
        responses={
            200: api.page_of(ExitSummaryOutput, "SolutionsExitPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """Latest first; by settlement, departure type, pathway, household (that left or
        stayed) or dates (inclusive)."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = exits().for_user(request.user)
        if code := key(params.get("settlement", "")):
            found = found.filter(case__settlement__code=code)
        if exit_type := params.get("exit_type"):
            found = found.filter(exit_type=exit_type)
        if pathway := params.get("pathway"):
            found = found.filter(case__pathway=pathway)
        if text := (params.get("household") or "").strip():
            wanted = reference_key(text) or key(text)
            found = found.filter(
                Q(case__household__reference=wanted) | Q(household__reference=wanted)
            )
        since: date | None = params.get("since")
        until: date | None = params.get("until")
        if since is not None:
            found = found.filter(exit_on__gte=since)
        if until is not None:
            found = found.filter(exit_on__lte=until)
        found = found.order_by("-exit_on", "-pk")
        render = lambda page: ExitSummaryOutput(page, many=True).data  # noqa: E731
        return api.paginate(request, self, found, render)


class ExitDetailApi(SolutionsApi):
    @extend_schema(
        operation_id="solutions_exit_detail",
        summary=_("An exit"),
        parameters=[EXIT],
        responses={200: ExitOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: UUID) -> Response:
        """With the members who left and its follow-ups."""
        return Response(ExitOutput(exit_for(request, uuid)).data)


# --- Follow-ups -----------------------------------------------------------------------------------


class FollowUpListApi(SolutionsApi):
    class Query(api.Serializer):
        settlement = serializers.CharField(
            required=False, allow_blank=True, help_text=_("A settlement code, e.g. TJ.")
        )
        due = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text=_("true: not yet recorded and on or past their date; false: the others."),
        )
        status = enum_field(FollowUpStatus.choices, "SolutionsFollowUpStatus", required=False)
        page = serializers.IntegerField(required=False, min_value=1)

        class Meta:
            ref_name = "SolutionsFollowUpQuery"

    @extend_schema(
        operation_id="solutions_follow_up_list",
        summary=_("List post-exit follow-ups"),
        parameters=[Query],
        responses={
            200: api.page_of(FollowUpOutput, "SolutionsFollowUpPage"),
            **error_responses(400),
        },
    )
    def get(self, request: Request) -> Response:
        """The earliest due first; due=true is the worklist of follow-ups to make."""
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        found = follow_ups().for_user(request.user)
        if code := key(params.get("settlement", "")):
            found = found.filter(exit__case__settlement__code=code)
        if params.get("due") is not None:
            due = ExitFollowUp.objects.due(dates.today()).values("pk")
            found = found.filter(pk__in=due) if params["due"] else found.exclude(pk__in=due)
        if status := params.get("status"):
            found = found.filter(status=status)
        found = found.order_by("due_on", "pk")
        render = lambda page: FollowUpOutput(page, many=True).data  # noqa: E731
        return api.paginate(request, self, found, render)


class FollowUpDetailApi(SolutionsApi):
    @extend_schema(
        operation_id="solutions_follow_up_detail",
        summary=_("A post-exit follow-up"),
        parameters=[FOLLOW_UP],
        responses={200: FollowUpOutput, **error_responses(404)},
    )
    def get(self, request: Request, uuid: UUID) -> Response:
        """Due, or recorded with what was found."""
        return Response(FollowUpOutput(follow_up_for(request, uuid)).data)


class FollowUpRecordApi(SolutionsApi):
    capability = MANAGE

    class Input(api.Serializer):
        reached = serializers.BooleanField(help_text=_("Whether the household was reached."))
        outcome = serializers.CharField(max_length=4000, allow_blank=True)
        done_on = api.DateField(required=False, allow_null=True, help_text=_("Today if left out."))

        class Meta:
            ref_name = "SolutionsFollowUpInput"

    @extend_schema(
        operation_id="solutions_follow_up_record",
        summary=_("Record a post-exit follow-up"),
        parameters=[FOLLOW_UP],
        request=Input,
        responses={200: FollowUpOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: UUID) -> Response:
        """Once (code recorded): whether the household was reached and what was found (code
        required), on a day between the exit and today (codes dates, future)."""
        follow_up = follow_up_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.record_follow_up(
            follow_up=follow_up,
            by=request.user,
            reached=data["reached"],
            outcome=data["outcome"],
            done_on=data.get("done_on"),
        )
        return Response(FollowUpOutput(follow_up_for(request, uuid)).data)


urlpatterns: list[URLPattern] = [
    path("solutions/cases/<str:reference>/exit/", ExitRecordApi.as_view(), name="case_exit"),
    path("solutions/exits/", ExitListApi.as_view(), name="exit_list"),
    path("solutions/exits/<uuid:uuid>/", ExitDetailApi.as_view(), name="exit_detail"),
    path("solutions/follow-ups/", FollowUpListApi.as_view(), name="follow_up_list"),
    path(
        "solutions/follow-ups/<uuid:uuid>/",
        api.by_method(get=FollowUpDetailApi, post=FollowUpRecordApi),
        name="follow_up_detail",
    ),
]
