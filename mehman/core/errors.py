"""Error pages: translated, in the shell, never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    body: str
    try:
        body = render_to_string(
            "errors/error.html", {"status": status, "title": title, "text": text}, request
        )
    except Exception:  # the error page itself must never fail
        body = f"<h1>{status}</h1>"
    return HttpResponse(body, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(
        request, 404, _("Not found"), _("There is nothing here, or you do not have access to it.")
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, _("Not allowed"), _("This action is not allowed."))


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("Bad request"), _("The request could not be understood."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        _("Something went wrong"),
        _("The error was recorded. Please try again; if it happens again, tell the administrator."),
    )
