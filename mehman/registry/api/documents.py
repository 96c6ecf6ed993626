"""A member's identity documents over HTTP: list them, record one."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from mehman.core import api
from mehman.registry import services
from mehman.registry.api.access import EDIT, person_for
from mehman.registry.api.serializers import (
    DocumentFields,
    DocumentOutput,
    document_arguments,
    error_responses,
)
from mehman.registry.models import IdentityDocument


class DocumentListApi(api.Api):
    @extend_schema(
        operation_id="document_list",
        summary=_("A member's identity documents"),
        responses={200: DocumentOutput(many=True), **error_responses(404)},
    )
    def get(self, request: Request, uuid: Any) -> Response:
        """Amayesh cards, passports, tazkiras and the rest, numbers as typed."""
        person = person_for(request, uuid)
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
        responses={201: DocumentOutput, **error_responses(400, 404)},
    )
    def post(self, request: Request, uuid: Any) -> Response:
        """The number is kept as typed and compared normalised; one person per number."""
        person = person_for(request, uuid)
        serializer = self.Input(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.add_document(
            person=person, by=request.user, **document_arguments(serializer.validated_data)
        )
        return Response(DocumentOutput(document).data, status=201)
