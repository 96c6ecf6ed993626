"""What every API endpoint shares: one error shape, version preconditions, scope.

Every error answers ``{"errors": [{"code", "message", "field"}]}`` with the
message in the user's language. A broken business rule (a service's
``ValidationError``) is 400, a stale version 412, a missing version 428, a
record out of scope 404, and nothing unexpected leaves the server but a short
500: the stack trace goes to the log.

Endpoints are one ``APIView`` per operation (subclasses of ``Api``); where two
operations share a URL (``GET`` and ``PATCH`` of a household), ``by_method``
routes each HTTP method to its view.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any, TypedDict

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView, set_rollback

from mehman.core import dates, digits
from mehman.core.permissions import require_capability

logger = logging.getLogger(__name__)

# The code services give a ValidationError when the record changed since it was read.
STALE = "stale"


# --- The error body -------------------------------------------------------------------------


class Serializer(serializers.Serializer):  # type: ignore[misc]
    """Base of every Input and Output serializer of the API."""


class ErrorItem(TypedDict):
    code: str
    message: str
    field: str | None


class Error(Serializer):
    code = serializers.CharField(help_text=_("Stable machine-readable code, e.g. required, stale."))
    message = serializers.CharField(help_text=_("The message in the user's language."))
    field = serializers.CharField(
        allow_null=True, help_text=_("The input field, e.g. members.0.given_name; null if none.")
    )

    class Meta:
        ref_name = "Error"


class Errors(Serializer):
    errors = Error(many=True)

    class Meta:
        ref_name = "Errors"


def _item(code: str | None, message: Any, field: str | None = None) -> ErrorItem:
    return {"code": str(code or "invalid"), "message": str(message), "field": field}


def _django_errors(exc: DjangoValidationError, aliases: Mapping[str, str]) -> Iterator[ErrorItem]:
    """A service's errors, each with its code; field names as the API spells them."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = None if field == NON_FIELD_ERRORS else aliases.get(field, field)
            for error in errors:
                yield _item(error.code, _message(error), name)
    else:
        for error in exc.error_list:
            yield _item(error.code, _message(error))


def _message(error: DjangoValidationError) -> str:
    message = error.message
    if error.params:
        message = message % error.params
    return str(message)


def _drf_errors(detail: Any, path: tuple[str, ...] = ()) -> Iterator[ErrorItem]:
    """DRF's nested error details, flattened with dotted paths (``members.1.sex``)."""
    if isinstance(detail, Mapping):
        for key, value in detail.items():
            inner = path if key == api_settings.NON_FIELD_ERRORS_KEY else (*path, str(key))
            yield from _drf_errors(value, inner)
    elif isinstance(detail, list | tuple):
        for index, value in enumerate(detail):
            nested = isinstance(value, Mapping | list | tuple)
            yield from _drf_errors(value, (*path, str(index)) if nested else path)
    else:
        yield _item(getattr(detail, "code", None), detail, ".".join(path) or None)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response:
    """Every error of every endpoint in one translated shape, never with a stack trace."""
    view = context.get("view")
    headers: dict[str, str] = {}
    errors: list[ErrorItem]
    if isinstance(exc, DjangoValidationError):
        errors = list(_django_errors(exc, getattr(view, "field_names", {})))
        status = 412 if any(error["code"] == STALE for error in errors) else 400
    elif isinstance(exc, Http404 | ObjectDoesNotExist):
        errors = [_item("not_found", exceptions.NotFound.default_detail)]
        status = 404
    elif isinstance(exc, DjangoPermissionDenied):
        errors = [_item("permission_denied", exceptions.PermissionDenied.default_detail)]
        status = 403
    elif isinstance(exc, exceptions.APIException):
        errors = list(_drf_errors(exc.detail))
        status = exc.status_code
        if auth_header := getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = auth_header
        if wait := getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(wait))
    else:
        logger.exception("Unexpected error in %s", type(view).__name__)
        errors = [
            _item(
                "server_error",
                _("Something went wrong. The error was recorded; please try again."),
            )
        ]
        status = 500
    set_rollback()
    return Response({"errors": errors}, status=status, headers=headers)


# --- Versions: ETag, If-Match ----------------------------------------------------------------


class PreconditionRequired(exceptions.APIException):  # type: ignore[misc]
    status_code = 428
    default_detail = _('Send the version you edited: "version" in the body or an If-Match header.')
    default_code = "precondition_required"


_IF_MATCH = re.compile(r'(?:W/)?"?([0-9]+)"?', re.ASCII)


def etag(version: int) -> str:
    """The ETag of a record at a version: ``"3"``."""
    return f'"{version}"'


def if_match_version(request: Request) -> int | None:
    """The version named by an If-Match header (``"3"``), or None without one."""
    header = digits.to_ascii(request.headers.get("If-Match", "")).strip()
    if not header:
        return None
    match = _IF_MATCH.fullmatch(header)
    if match is None:
        raise exceptions.ValidationError(
            _('If-Match must be the ETag you received, e.g. "3".'), code="if_match"
        )
    return int(match.group(1))


def expected_version(request: Request, in_body: int | None) -> int:
    """The version the client edited, from the body or If-Match; 428 without either."""
    in_header = if_match_version(request)
    if in_body is not None and in_header is not None and in_body != in_header:
        raise exceptions.ValidationError(
            _("The version in the body and in If-Match differ."), code="version_mismatch"
        )
    version = in_body if in_body is not None else in_header
    if version is None:
        raise PreconditionRequired()
    return version


# --- Views --------------------------------------------------------------------------------------


class HasCapability(BasePermission):  # type: ignore[misc]
    """The view's ``capability`` (if any) is required; without it the endpoint is 404."""

    def has_permission(self, request: Request, view: Any) -> bool:
        capability = getattr(view, "capability", "")
        if capability:
            require_capability(request.user, capability)
        return True


class Api(APIView):  # type: ignore[misc]
    """Base of every endpoint: JSON in and out, signed-in staff, a capability where named."""

    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]
    permission_classes = [IsAuthenticated, HasCapability]
    # A capability the user's role must carry, e.g. "registry.edit" ("" for none).
    capability = ""
    # Field names a service uses that the API spells otherwise (service → API).
    field_names: Mapping[str, str] = {}


def by_method(**views: type[APIView]) -> Callable[..., HttpResponseBase]:
    """One URL for several operations: each HTTP method goes to its own view.

    The schema generator sees one view with each operation's handler (and so
    its ``extend_schema``); requests are dispatched to the operation's view,
    with its own permissions and serializers.
    """
    routes = {method.lower(): view.as_view() for method, view in views.items()}
    if "get" in routes:
        routes.setdefault("head", routes["get"])

    def dispatch(self: APIView, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        route = routes.get((request.method or "").lower())
        if route is None:  # OPTIONS, or a method no operation takes (405)
            return APIView.dispatch(self, request, *args, **kwargs)
        return route(request, *args, **kwargs)

    handlers = {method.lower(): getattr(view, method.lower()) for method, view in views.items()}
    name = "".join(view.__name__ for view in views.values()) + "Route"
    route_class: type[Api] = type(
        name,
        (Api,),
        {
            **handlers,
            "dispatch": dispatch,
            "__module__": next(iter(views.values())).__module__,
            "__doc__": None,  # each operation is described by its own handler
        },
    )
    view: Callable[..., HttpResponseBase] = route_class.as_view()
    return view


# --- Fields and pages ---------------------------------------------------------------------------


class VersionField(serializers.IntegerField):  # type: ignore[misc]
    """The version of the record the client read, sent back with a step (optional)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("help_text", _("The version you read (optional on steps)."))
        super().__init__(**kwargs)


class DateField(serializers.DateField):  # type: ignore[misc]
    """An ISO date (Gregorian). Persian or Arabic-Indic digits, "/" between the parts
    and a Jalali year (1300-1499, e.g. 1365-06-15) are understood too."""

    def to_internal_value(self, value: Any) -> date | None:
        if isinstance(value, str):
            if not value.strip() and self.allow_null:
                return None
            try:
                return dates.parse_date(value, calendar=dates.GREGORIAN)
            except (ValueError, OverflowError):
                self.fail("invalid", format="YYYY-MM-DD")
        parsed: date | None = super().to_internal_value(value)
        return parsed


def page_of(item: type[Serializer], name: str) -> type[Serializer]:
    """The schema of a page of ``item`` (what ``paginate`` answers)."""
    meta = type("Meta", (), {"ref_name": name})
    return type(
        name,
        (Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
            "Meta": meta,
        },
    )


def paginate(
    request: Request,
    view: APIView,
    items: QuerySet[Any],
    render: Callable[[Sequence[Model]], Any],
) -> Response:
    """One page of ``items`` (``?page=``, PAGE_SIZE a page) with count and links."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(items, request, view=view)
    return paginator.get_paginated_response(render(page or []))
