"""OpenAPI pieces every app's endpoints share: error responses, versions, optional text,
code lists."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_field
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


_ENUM_FIELDS: dict[str, type[serializers.ChoiceField]] = {}


def enum_field(choices: Any, component: str, **kwargs: Any) -> serializers.ChoiceField:
    """A choice whose values are a schema component of their own: many code lists share a
    field name ("status"), which drf-spectacular would otherwise name by a hash."""
    field_class = _ENUM_FIELDS.get(component)
    if field_class is None:
        # One class per component: DRF copies declared fields by building them anew.
        values = [str(value) for value, _label in choices]
        field_class = extend_schema_field(
            {"type": "string", "enum": values}, component_name=component
        )(type(component + "Field", (serializers.ChoiceField,), {}))
        _ENUM_FIELDS[component] = field_class
    field: serializers.ChoiceField = field_class(choices=choices, **kwargs)
    return field
