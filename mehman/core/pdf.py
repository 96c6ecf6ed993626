"""PDF: a Django template rendered by WeasyPrint in Vazirmatn, with nothing fetched from a network.

Templates link their stylesheets and images with ``{% static %}`` as web pages
do; the fetcher reads them from the static files (the app's ``static/`` and
the npm packages), and reads ``data:`` URIs. Every other URL is refused, so a
document never reaches out to the network nor reads any other local file.
Page sizes are set in CSS ``@page`` rules (``mehman/print.css`` has A4, A5, A6
and ID-card pages).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from contextlib import nullcontext
from functools import cache
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.text.fonts import FontConfiguration

from mehman.core import digits

CONTENT_TYPE: Final = "application/pdf"
FONT_FAMILY: Final = "Vazirmatn"
# The weights printed documents use: regular text, emphasis, headings.
FONT_WEIGHTS: Final = {400: "Regular", 500: "Medium", 700: "Bold"}

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")
# WeasyPrint's font configuration is shared between renderings (building it is
# the slow part) and is not documented as thread-safe: one rendering at a time.
_render_lock = threading.Lock()


def font_directory() -> Path:
    """Where npm installed Vazirmatn's TrueType files."""
    return Path(settings.NODE_MODULES) / "vazirmatn" / "fonts" / "ttf"


def font_face_css() -> str:
    """``@font-face`` rules for Vazirmatn pointing at the installed files (file:// URLs)."""
    directory = font_directory()
    rules = []
    for weight, style in FONT_WEIGHTS.items():
        path = directory / f"Vazirmatn-{style}.ttf"
        if not path.is_file():
            raise FileNotFoundError(f"{path} is missing: run `npm ci` (make setup)")
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; font-weight: {weight}; '
            f'font-style: normal; src: url("{path.as_uri()}"); }}'
        )
    return "\n".join(rules)


def _static_prefixes() -> tuple[str, ...]:
    """URL prefixes ``{% static %}`` produces: the path, and the full URL if absolute."""
    url = settings.STATIC_URL or "/static/"
    if "://" in url:
        return (url, urlsplit(url).path)
    return ("/" + url.lstrip("/"),)


def _static_file(path: str) -> Path | None:
    for prefix in _static_prefixes():
        if path.startswith(prefix):
            found = finders.find(unquote(path.removeprefix(prefix)))
            return Path(found) if isinstance(found, str) else None
    return None


class LocalFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
    """Reads static files, Vazirmatn and ``data:`` URIs; refuses everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        local = None
        if scheme == "file":
            path = urlsplit(url).path
            local = _static_file(path)
            if local is None and Path(unquote(path)).resolve().is_relative_to(_font_root()):
                local = Path(unquote(path)).resolve()
        elif scheme in ("http", "https"):  # only if STATIC_URL is absolute: read from disk
            local = _static_file(url)
        if local is None or not local.is_file():
            raise ValueError(f"refused to fetch {url!r}: only static files and data: URIs")
        return super().fetch(local.as_uri(), headers)


@cache
def _font_root() -> Path:
    return font_directory().resolve()


@cache
def _fonts() -> tuple[FontConfiguration, weasyprint.CSS]:
    font_config = FontConfiguration()
    css = weasyprint.CSS(
        string=font_face_css(), font_config=font_config, url_fetcher=LocalFetcher()
    )
    return font_config, css


def base_url() -> str:
    """Relative URLs in printed templates resolve under the static files."""
    return "file://" + _static_prefixes()[-1]


def render_html(
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
    language: str | None = None,
) -> str:
    """The HTML WeasyPrint is given: the template in ``language`` (default: the active one).

    An explicit language brings its own digits (Persian digits for Persian).
    """
    with (
        translation.override(language or translation.get_language()),
        digits.override(None) if language else nullcontext(),
    ):
        data = {
            "LANGUAGE_CODE": translation.get_language(),
            "text_dir": "rtl" if translation.get_language_bidi() else "ltr",
            **(context or {}),
        }
        return render_to_string(template_name, data, request=request)


def render_pdf(
    template_name: str,
    context: Mapping[str, Any] | None = None,
    *,
    request: HttpRequest | None = None,
    language: str | None = None,
) -> bytes:
    """The template rendered to PDF bytes (see ``render_html`` for the language)."""
    html = render_html(template_name, context, request=request, language=language)
    return html_to_pdf(html)


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of an HTML document, Vazirmatn available, no network access."""
    with _render_lock:
        pdf = _layout(html).write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        raise TypeError("WeasyPrint returned no bytes")
    return pdf


def layout(html: str) -> weasyprint.Document:
    """The laid-out pages of an HTML document, as ``html_to_pdf`` prints them."""
    with _render_lock:
        return _layout(html)


def _layout(html: str) -> weasyprint.Document:
    font_config, font_css = _fonts()
    document = weasyprint.HTML(string=html, base_url=base_url(), url_fetcher=LocalFetcher())
    rendered: weasyprint.Document = document.render(stylesheets=[font_css], font_config=font_config)
    return rendered


def safe_filename(name: str, *, default: str = "document") -> str:
    """An ASCII file name for a Content-Disposition header: ``TJ-000123.pdf``."""
    stem = _UNSAFE_FILENAME.sub("-", digits.to_ascii_digits(name)).strip("-.")[:80]
    return f"{stem or default}.pdf"


def pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    """Show the PDF in the browser (``inline``), never kept in a shared cache."""
    response = HttpResponse(pdf, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{safe_filename(filename)}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
