"""The document-validity worklist: Amayesh cards, work permits, laissez-passers and visas of
a settlement's residents expired or expiring within 30, 60 or 90 days, per household.

Needs ``residence.view`` (partner staff and analysts get 404). The settlement is the user's
(``?settlement=CODE`` for staff of several); ``?format=csv`` downloads the list shown.
"""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mehman.accounts.requests import AuthenticatedRequest
from mehman.core import dates
from mehman.core.permissions import require_capability
from mehman.core.queries import chosen_settlement
from mehman.residence.forms.documents import WINDOW_CHOICES, ExpiryFilterForm
from mehman.residence.queries.documents import (
    HouseholdDocuments,
    blocks_of,
    expiry_counts,
    expiry_worklist,
)

VIEW = "residence.view"
PER_PAGE = 50


def _csv(groups: list[HouseholdDocuments]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="expiring-documents-{dates.today().isoformat()}.csv"'
    )
    response.write("\ufeff")  # so spreadsheet programs read the Persian names right
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Household"),
            _("Block"),
            _("Address"),
            _("Member"),
            _("Document"),
            _("Number"),
            _("Expires on"),
            _("Days left"),
        ]
    )
    for group in groups:
        for row in group.documents:
            writer.writerow(
                [
                    group.household.reference,
                    group.household.block,
                    group.household.address,
                    row.member.full_name,
                    row.document.get_doc_type_display(),
                    row.document.number_typed,
                    row.document.expires_on.isoformat() if row.document.expires_on else "",
                    row.days,
                ]
            )
    return response


@require_GET
@login_required
def expiring_documents(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    require_capability(user, VIEW)
    settlement, settlements = chosen_settlement(user, request.GET.get("settlement") or "")
    form = ExpiryFilterForm(request.GET or None, blocks=blocks_of(user, settlement))
    chosen = form.filters()
    groups = expiry_worklist(
        user,
        settlement=settlement,
        window=chosen["window"],
        doc_type=chosen["doc_type"],
        block=chosen["block"],
    )
    if request.GET.get("format") == "csv":
        # Names and document numbers leave Mehman only with the export capability.
        require_capability(user, "registry.export")
        return _csv(groups)
    counts = expiry_counts(
        user, settlement=settlement, doc_type=chosen["doc_type"], block=chosen["block"]
    )
    keep = {"settlement": settlement.code, "doc_type": chosen["doc_type"], "block": chosen["block"]}
    tabs = [
        (
            code,
            label,
            counts.get(code, counts["expired"] + counts["90"]),
            urlencode({**keep, "window": code}),
        )
        for code, label in WINDOW_CHOICES
    ]
    context = {
        "form": form,
        "settlement": settlement,
        "settlements": settlements,
        "window": chosen["window"],
        "tabs": tabs,
        "page_obj": Paginator(groups, PER_PAGE).get_page(request.GET.get("page")),
        "households": len(groups),
        "csv_query": urlencode({**keep, "window": chosen["window"], "format": "csv"}),
    }
    return render(request, "residence/documents.html", context)


urlpatterns: list[URLPattern] = [
    path("documents/", expiring_documents, name="documents"),
]
