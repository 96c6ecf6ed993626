"""OpenAPI pieces every app's endpoints share: error responses, versions, optional text."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from mehman.core import api


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: _("Invalid input or a broken rule; each error has a code, a message and a field."),
        404: _("No such record, or out of your scope."),
        412: _("The record changed since the version you sent (code stale)."),
        428: _('No version: send "version" in the body or an If-Match header.'),
    }
    return {status: OpenApiResponse(api.Errors, descriptions[status]) for status in statuses}


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=_('The ETag you read, e.g. "3" (or send "version" in the body).'),
)


def etag_header(*statuses: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag",
        str,
        OpenApiParameter.HEADER,
        response=list(statuses),
        description=_('The record\'s version, e.g. "3": send it back as If-Match.'),
    )


def optional_text(max_length: int) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, required=False, allow_blank=True)
