"""How each kind of eligibility rule is checked against a household.

The rules themselves (which are active, their parameters and messages) are data
in ``EligibilityRule``; a kind here is the test it names. Each check returns
whether the household meets it and a short statement of what was found, which
the screening result keeps and the letters print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mehman.core import digits, names
from mehman.intake.models import Application, EligibilityRule, RuleKind
from mehman.registry.models import (
    SHARED_DOCUMENT_TYPES,
    DocumentType,
    HouseholdStatus,
    IdentityDocument,
    IndividualStatus,
)

RESIDENCE_DOCUMENTS = (DocumentType.AMAYESH, DocumentType.HEADCOUNT)


@dataclass(frozen=True)
class Finding:
    passed: bool
    detail: str


Check = Callable[[Application, dict[str, Any], date], Finding]


def _residence_document(application: Application, params: dict[str, Any], day: date) -> Finding:
    """A living member holds an unexpired Amayesh card or headcount slip of the province."""
    settlement = application.household.settlement
    provinces = {names.fold(settlement.province_fa), names.fold(settlement.province_en)} - {""}
    documents = IdentityDocument.objects.filter(
        individual__household=application.household,
        individual__status=IndividualStatus.ACTIVE,
        doc_type__in=RESIDENCE_DOCUMENTS,
    )
    held = list(documents.only("expires_on", "province"))
    if not held:
        return Finding(False, gettext("No Amayesh card or headcount slip is recorded."))
    valid = [d for d in held if d.expires_on is None or d.expires_on >= day]
    if not valid:
        return Finding(False, gettext("Every residence document recorded has expired."))
    if any(names.fold(d.province) in provinces for d in valid):
        return Finding(True, gettext("A valid residence document of this province."))
    return Finding(
        False, gettext("The valid residence documents recorded are of another province.")
    )


def _not_resident_elsewhere(application: Application, params: dict[str, Any], day: date) -> Finding:
    """No member's personal document number belongs to someone in a resident household."""
    household = application.household
    if household.status == HouseholdStatus.RESIDENT:
        return Finding(False, gettext("The household is already resident."))
    own = IdentityDocument.objects.filter(
        individual__household=household, individual__status=IndividualStatus.ACTIVE
    ).exclude(doc_type__in=SHARED_DOCUMENT_TYPES)
    pairs = {(d.doc_type, d.number) for d in own.only("doc_type", "number") if d.number}
    if not pairs:
        return Finding(True, gettext("No document of a member is found in another household."))
    elsewhere = (
        IdentityDocument.objects.filter(
            number__in={number for _kind, number in pairs},
            individual__status=IndividualStatus.ACTIVE,
            individual__household__status=HouseholdStatus.RESIDENT,
        )
        .exclude(individual__household=household)
        .values_list("doc_type", "number", "individual__household__reference")
    )
    found = sorted({ref for kind, number, ref in elsewhere if (kind, number) in pairs})
    if found:
        return Finding(
            False,
            gettext("A member's document is recorded in resident household %(references)s.")
            % {"references": gettext(", ").join(found)},
        )
    return Finding(True, gettext("No document of a member is found in another household."))


def _household_size(application: Application, params: dict[str, Any], day: date) -> Finding:
    low, high = int(params.get("min", 1)), int(params.get("max", 99))
    size = application.household.active_members().count()
    found = ngettext("%(size)s member", "%(size)s members", size) % {"size": digits.localize(size)}
    allowed = gettext("allowed %(low)s to %(high)s") % {
        "low": digits.localize(low),
        "high": digits.localize(high),
    }
    return Finding(low <= size <= high, f"{found}; {allowed}")


def _consent(application: Application, params: dict[str, Any], day: date) -> Finding:
    if application.consent_given:
        return Finding(True, gettext("Consent recorded."))
    return Finding(False, gettext("No consent recorded."))


def _document_seen(application: Application, params: dict[str, Any], day: date) -> Finding:
    seen = [str(dict(DocumentType.choices).get(k, k)) for k in application.documents_seen]
    if seen:
        return Finding(True, gettext(", ").join(seen))
    return Finding(False, gettext("No document was seen at the interview."))


CHECKS: dict[str, Check] = {
    RuleKind.RESIDENCE_DOCUMENT: _residence_document,
    RuleKind.NOT_RESIDENT_ELSEWHERE: _not_resident_elsewhere,
    RuleKind.HOUSEHOLD_SIZE: _household_size,
    RuleKind.CONSENT: _consent,
    RuleKind.DOCUMENT_SEEN: _document_seen,
}

# The rules a settlement starts with, in order; managers edit, switch off or reorder them.
DEFAULT_RULES: tuple[tuple[str, dict[str, Any], str, str], ...] = (
    (
        RuleKind.RESIDENCE_DOCUMENT,
        {},
        "خانوار باید کارت آمایش یا برگه سرشماری معتبرِ صادرشده در همین استان داشته باشد.",
        "The household must hold a valid Amayesh card or headcount slip issued in this province.",
    ),
    (
        RuleKind.NOT_RESIDENT_ELSEWHERE,
        {},
        "هیچ یک از اعضای خانوار نباید ساکن مهمانشهر یا محل اسکان دیگری باشد.",
        "No member of the household may already live in this or another settlement.",
    ),
    (
        RuleKind.HOUSEHOLD_SIZE,
        {"min": 1, "max": 12},
        "تعداد اعضای خانوار باید در محدوده‌ای باشد که واحدهای مسکونی جای می‌دهند.",
        "The household's size must be within the range the housing units can hold.",
    ),
    (
        RuleKind.CONSENT,
        {},
        "رضایت خانوار برای پردازش اطلاعاتش باید ثبت شده باشد.",
        "The household's consent to the processing of its data must be recorded.",
    ),
)

# Parameters each kind takes (the rule form shows these fields only).
PARAMETERS: dict[str, tuple[tuple[str, Any], ...]] = {
    RuleKind.HOUSEHOLD_SIZE: (("min", _("Smallest household")), ("max", _("Largest household"))),
}


def evaluate(
    application: Application, rules: list[EligibilityRule], day: date
) -> list[dict[str, Any]]:
    """What each active rule finds, in the rules' order, as the screening result keeps it."""
    results = []
    for rule in rules:
        if not rule.is_active:
            continue
        check = CHECKS[rule.kind]
        with translation.override("fa"), digits.override(None):
            persian = check(application, dict(rule.params), day)
        with translation.override("en"), digits.override(None):
            english = check(application, dict(rule.params), day)
        results.append(
            {
                "kind": rule.kind,
                "passed": english.passed,
                "message_fa": rule.message_fa,
                "message_en": rule.message_en,
                "detail_fa": persian.detail,
                "detail_en": english.detail,
            }
        )
    return results
