"""Text messages to residents: the templates' words, sending one message to a household,
delivering it through the SMS backend, and the daily reminders (reviews due, terms ending,
documents expiring), each sent once whatever reruns.

A message names its template on the household's timeline, never its words; nothing here
logs a phone number or a message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from mehman.core import dates, digits, names
from mehman.core.models import Settlement
from mehman.registry.models import (
    DocumentType,
    Household,
    IdentityDocument,
    IndividualStatus,
)
from mehman.residence import events as residence_events
from mehman.residence import sms
from mehman.residence.models import (
    MessageStatus,
    MessageTemplate,
    ResidenceTerm,
    Review,
    ReviewStatus,
    TermStatus,
    TextMessage,
)
from mehman.residence.queries.documents import followed_documents
from mehman.residence.services._common import (
    check_version,
    household_event,
    require_text,
    save_recorded,
)

logger = logging.getLogger(__name__)

# What a template may name; anything else is refused when the template is saved.
PLACEHOLDERS = frozenset({"household", "date", "member", "document", "campaign"})
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MAX_BODY = 1000
# Reminders: terms ending within this many days, documents expiring within this many.
TERM_ENDING_DAYS = 90
DOCUMENT_EXPIRING_DAYS = 30
# The terms a "term ending" reminder is for: not those whose exit has begun or ended.
REMINDED_TERM_STATUSES = (TermStatus.ACTIVE, TermStatus.UNDER_REVIEW, TermStatus.EXTENDED)


# --- The words ---------------------------------------------------------------------------------


def placeholders_in(text: str) -> set[str]:
    return {name.strip() for name in _PLACEHOLDER.findall(text or "")}


def check_placeholders(text: str, field: str) -> None:
    """Refuse a template naming a placeholder no message can fill."""
    unknown = placeholders_in(text) - PLACEHOLDERS
    if unknown:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Unknown placeholder: %(names)s. Use only %(known)s."),
                    code="placeholder",
                    params={
                        "names": ", ".join("{" + name + "}" for name in sorted(unknown)),
                        "known": ", ".join("{" + name + "}" for name in sorted(PLACEHOLDERS)),
                    },
                )
            }
        )


def _shown(value: Any) -> str:
    """A value as the message reads it, in the active language: dates in its calendar."""
    if isinstance(value, date):  # a datetime too: format_date reads it in local time
        return dates.format_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return digits.localize(value)
    return str(value)


def render(template: MessageTemplate, context: Mapping[str, Any], language: str = "fa") -> str:
    """The template's words in ``language`` with its placeholders filled from ``context``
    (Persian: Jalali dates, Persian digits); a placeholder without a value stays as written."""
    persian = language.startswith("fa")
    text = template.body_fa if persian or not template.body_en else template.body_en
    style = digits.DigitStyle.PERSIAN if persian else digits.DigitStyle.LATIN
    with translation.override("fa" if persian else "en"), digits.override(style):
        values = {name: _shown(value) for name, value in context.items() if value is not None}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        return values.get(name, match.group(0))

    return _PLACEHOLDER.sub(fill, text).strip()


@transaction.atomic
def update_template(
    *,
    template: MessageTemplate,
    by: Any,
    title: str,
    body_fa: str,
    body_en: str,
    is_active: bool,
    expected_version: int | None = None,
) -> MessageTemplate:
    """A template's words may name only the placeholders a message fills."""
    template = MessageTemplate.objects.select_for_update().get(pk=template.pk)
    check_version(template, expected_version)
    title = require_text(title, "title", _("Give the template a title."))
    body_fa = require_text(body_fa, "body_fa", _("Write the message in Persian."))
    body_en = (body_en or "").strip()
    check_placeholders(body_fa, "body_fa")
    check_placeholders(body_en, "body_en")
    changed = (title, body_fa, body_en, bool(is_active)) != (
        template.title,
        template.body_fa,
        template.body_en,
        template.is_active,
    )
    if not changed:
        return template
    template.title = title
    template.body_fa = body_fa
    template.body_en = body_en
    template.is_active = bool(is_active)
    save_recorded(template, by, "Template changed")
    return template


# --- Sending --------------------------------------------------------------------------------


def phone_for(household: Household) -> str:
    """The number a message goes to: the household's, else its head's (normalised)."""
    phone = names.phone_key(household.phone)
    head = household.head
    if not phone and head is not None and head.status == IndividualStatus.ACTIVE:
        phone = names.phone_key(head.phone)
    return phone


def _template(code: str) -> MessageTemplate:
    template = MessageTemplate.objects.filter(code=code, is_active=True).first()
    if template is None:
        raise ValidationError(
            {
                "template": ValidationError(
                    _("This message template does not exist or is no longer in use."),
                    code="template",
                )
            }
        )
    return template


def compose(
    *,
    household: Household,
    template_code: str = "",
    body: str = "",
    context: Mapping[str, Any] | None = None,
) -> str:
    """The words a message to the household would carry (a template's or typed ones)."""
    if template_code:
        values = {"household": household.reference, **(context or {})}
        text = render(_template(template_code), values, "fa")
    else:
        text = require_text(body, "body", _("Write the message or choose a template."))
    if len(text) > MAX_BODY:
        raise ValidationError(
            {
                "body": ValidationError(
                    _("A text message has at most %(max)s characters."),
                    code="too_long",
                    params={"max": MAX_BODY},
                )
            }
        )
    return text


@transaction.atomic
def send_message(
    *,
    household: Household,
    by: Any,
    template_code: str = "",
    body: str = "",
    context: Mapping[str, Any] | None = None,
    key: str = "",
) -> TextMessage | None:
    """A text message goes to the household's phone (or its head's); a message keyed as one
    already sent is not sent again (``None``)."""
    if key and TextMessage.objects.filter(key=key).exists():
        return None
    household = Household.objects.select_related("head").get(pk=household.pk)
    text = compose(household=household, template_code=template_code, body=body, context=context)
    phone = phone_for(household)
    if not phone:
        raise ValidationError(
            _("Household %(household)s has no phone number: record one on the household first."),
            code="no_phone",
            params={"household": household.reference},
        )
    message = TextMessage(
        settlement_id=household.settlement_id,
        household=household,
        phone=phone,
        template=template_code,
        body=text,
        key=key,
    )
    try:
        with transaction.atomic():
            save_recorded(message, by, "Message queued")
    except IntegrityError:
        if key:  # the same reminder, queued meanwhile by another run
            return None
        raise
    household_event(
        household, residence_events.MESSAGE_SENT, by, template=template_code or "free_text"
    )
    uuid = str(message.uuid)
    transaction.on_commit(lambda: sms.deliver_message.enqueue(uuid))
    return message


def deliver(message: TextMessage) -> TextMessage:
    """A queued message is sent through the backend once: sent, or failed with why."""
    with transaction.atomic():
        message = TextMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != MessageStatus.QUEUED:
            return message
        message.backend = sms.backend_path()[:80]
        try:
            sms.get_backend().send(phone=message.phone, body=message.body)
        except sms.SmsError as exc:
            message.status = MessageStatus.FAILED
            message.error = (str(exc) or "The SMS backend refused the message.")[:300]
        except ImproperlyConfigured:
            message.status = MessageStatus.FAILED
            message.error = "The SMS backend is not configured correctly (MEHMAN_SMS_BACKEND)."
        except Exception as exc:  # a gateway's own failure: record it, never the message
            logger.warning("text message %s failed: %s", message.uuid, type(exc).__name__)
            message.status = MessageStatus.FAILED
            message.error = f"The SMS backend failed ({type(exc).__name__})."
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.error = ""
        save_recorded(message, None, f"Delivery: {message.status}")
    return message


# --- Reminders -------------------------------------------------------------------------------


def notice_days() -> int:
    return int(settings.MEHMAN_REVIEW_NOTICE_DAYS)


def _remind(
    counts: dict[str, int],
    kind: str,
    *,
    household: Household,
    by: Any,
    key: str,
    context: Mapping[str, Any],
) -> None:
    try:
        with transaction.atomic():
            sent = send_message(
                household=household, by=by, template_code=kind, context=context, key=key
            )
    except ValidationError as error:
        counts["no_phone" if getattr(error, "code", "") == "no_phone" else "skipped"] += 1
        return
    counts[kind if sent is not None else "already"] += 1


def queue_reminders(*, settlement: Settlement, on: date, by: Any = None) -> dict[str, int]:
    """Residents are reminded once of a review coming due, a term ending within 90 days and
    a watched document expiring within 30 days; households without a phone are counted."""
    counts = dict.fromkeys(
        ("review_due", "term_ending", "document_expiring", "already", "no_phone", "skipped"), 0
    )
    reviews = Review.objects.filter(
        term__settlement=settlement,
        status=ReviewStatus.OPEN,
        due_on__lte=on + timedelta(days=notice_days()),
    ).select_related("term__household__head")
    for review in reviews.order_by("due_on", "id"):
        _remind(
            counts,
            "review_due",
            household=review.term.household,
            by=by,
            key=f"review:{review.uuid}",
            context={"date": max(review.due_on, on)},
        )
    terms = ResidenceTerm.objects.filter(
        settlement=settlement,
        status__in=REMINDED_TERM_STATUSES,
        planned_end__gte=on,
        planned_end__lte=on + timedelta(days=TERM_ENDING_DAYS),
    ).select_related("household__head")
    for term in terms.order_by("planned_end", "id"):
        _remind(
            counts,
            "term_ending",
            household=term.household,
            by=by,
            key=f"term-end:{term.uuid}:{term.planned_end.isoformat()}",
            context={"date": term.planned_end},
        )
    documents = followed_documents(IdentityDocument.objects.all()).filter(
        individual__household__settlement=settlement,
        expires_on__gte=on,
        expires_on__lte=on + timedelta(days=DOCUMENT_EXPIRING_DAYS),
    )
    for document in documents.select_related("individual__household__head").order_by(
        "expires_on", "id"
    ):
        _remind(
            counts,
            "document_expiring",
            household=document.individual.household,
            by=by,
            key=f"expiry:{document.uuid}",
            context={
                "member": document.individual.full_name,
                "document": DocumentType(document.doc_type).label,
                "date": document.expires_on,
            },
        )
    return counts
