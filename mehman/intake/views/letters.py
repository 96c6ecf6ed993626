"""(being written by the letters helper: receipt.pdf and letter PDFs)"""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, path


def _not_yet(request: HttpRequest, reference: str, kind: str = "") -> HttpResponse:
    raise Http404


urlpatterns: list[URLPattern] = [
    path("applications/<str:reference>/receipt.pdf", _not_yet, name="receipt"),
    path("applications/<str:reference>/letter/<str:kind>.pdf", _not_yet, name="letter"),
]
