"""Identity documents: recorded as typed, compared normalised, verified once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mehman.core import names
from mehman.registry import events as registry_events
from mehman.registry.models import (
    SHARED_DOCUMENT_TYPES,
    DocumentType,
    IdentityDocument,
    Individual,
)
from mehman.registry.services._common import (
    DOCUMENT_FIELDS,
    _by,
    _event,
    _lock_person,
    _member_label,
    _save,
)


def national_code_is_valid(number: str) -> bool:
    """Iranian national code: 10 digits, the last a mod-11 check digit."""
    if len(number) != 10 or not number.isdigit() or len(set(number)) == 1:
        return False
    total = sum(int(number[i]) * (10 - i) for i in range(9)) % 11
    check = int(number[9])
    return check == total if total < 2 else check == 11 - total


def validate_document_number(doc_type: str, number: str) -> None:
    """The format rules of each document type (on the normalised number)."""
    if doc_type == DocumentType.NATIONAL_CODE and not national_code_is_valid(number):
        raise ValidationError(
            {
                "number_typed": ValidationError(
                    _("An Iranian national code has 10 digits and a valid check digit."),
                    code="national_code",
                )
            }
        )
    if doc_type == DocumentType.FIDA and not (len(number) == 12 and number.isdigit()):
        raise ValidationError(
            {"number_typed": ValidationError(_("A FIDA code has 12 digits."), code="fida")}
        )
    if len(number) < 3:
        raise ValidationError(
            {
                "number_typed": ValidationError(
                    _("A document number has at least 3 letters or digits."), code="number"
                )
            }
        )


def _check_document(document: IdentityDocument) -> None:
    document.number = names.document_key(document.number_typed)
    validate_document_number(document.doc_type, document.number)
    if document.issued_on and document.expires_on and document.expires_on < document.issued_on:
        raise ValidationError(
            {
                "expires_on": ValidationError(
                    _("A document cannot expire before it was issued."), code="dates"
                )
            }
        )
    if document.doc_type not in SHARED_DOCUMENT_TYPES:
        clash = (
            IdentityDocument.objects.filter(doc_type=document.doc_type, number=document.number)
            .exclude(individual_id=document.individual_id)
            .exclude(pk=document.pk)
        )
        if clash.exists():
            raise ValidationError(
                {
                    "number_typed": ValidationError(
                        _("This number is already registered to another person."),
                        code="duplicate_document",
                    )
                }
            )


def _create_document(
    person: Individual,
    *,
    by: Any,
    doc_type: str,
    number_typed: str,
    scan: UploadedFile[Any] | None = None,
    **details: Any,
) -> IdentityDocument:
    unknown = set(details) - set(DOCUMENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown document fields: {sorted(unknown)}")
    document = IdentityDocument(
        individual=person, doc_type=doc_type, number_typed=number_typed.strip(), **details
    )
    _check_document(document)
    document.full_clean(exclude=["individual", "number", "scan"])
    if scan is not None:
        document.scan.save(scan.name or "scan", scan, save=False)
    _save(document, by, bump=False)
    return document


@transaction.atomic
def add_document(
    *,
    person: Individual,
    by: Any,
    doc_type: str,
    number_typed: str,
    scan: UploadedFile[Any] | None = None,
    **details: Any,
) -> IdentityDocument:
    """A document is recorded with its number as typed and its number as compared."""
    person = _lock_person(person)
    if not person.is_active:
        raise ValidationError(_("This person is no longer a member."), code="inactive")
    document = _create_document(
        person, by=by, doc_type=doc_type, number_typed=number_typed, scan=scan, **details
    )
    _event(
        person.household,
        registry_events.DOCUMENT_ADDED,
        by,
        member=_member_label(person),
        doc_type=doc_type,
        document=str(document.uuid),
    )
    return document


@transaction.atomic
def verify_document(*, document: IdentityDocument, by: Any) -> IdentityDocument:
    """A staff member who has seen the original marks a document verified, once."""
    document = (
        IdentityDocument.objects.select_for_update()
        .select_related("individual__household")
        .get(pk=document.pk)
    )
    if document.verified_at is not None:
        raise ValidationError(_("This document is already verified."), code="verified")
    if _by(by) is None:
        raise ValidationError(_("Only a signed-in staff member verifies."), code="by")
    document.verified_by = by
    document.verified_at = timezone.now()
    _save(document, by, _("Verified"))
    _event(
        document.individual.household,
        registry_events.DOCUMENT_VERIFIED,
        by,
        member=_member_label(document.individual),
        doc_type=document.doc_type,
        document=str(document.uuid),
    )
    return document
