"""The daily digest: each staff member with something due receives one e-mail a day of it."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext

from mehman.accounts.models import User
from mehman.core import dates, digits
from mehman.residence.models import Digest
from mehman.residence.queries.digest import Due, due_for

logger = logging.getLogger(__name__)


def site_url() -> str:
    """Where links in e-mails point (``MEHMAN_SITE_URL``; else the first trusted origin)."""
    configured = str(settings.MEHMAN_SITE_URL or "")
    if not configured and settings.CSRF_TRUSTED_ORIGINS:
        configured = str(settings.CSRF_TRUSTED_ORIGINS[0])
    return configured.rstrip("/")


def digest_subject(due: Due) -> str:
    return gettext("Mehman: what is due today (%(count)s)") % {"count": digits.localize(due.total)}


def _email(user: User, due: Due) -> EmailMultiAlternatives:
    context: dict[str, Any] = {"user": user, "due": due, "site": site_url()}
    message = EmailMultiAlternatives(
        subject=digest_subject(due),
        body=render_to_string("residence/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("residence/email/digest.html", context), "text/html"
    )
    return message


def send_digests(*, on: date | None = None) -> int:
    """Each active staff member with an e-mail address and something due receives one digest
    a day, in their language; a second run the same day sends nothing. Returns how many."""
    day = on or dates.today()
    already = set(Digest.objects.filter(day=day).values_list("user_id", flat=True))
    staff = User.objects.filter(is_active=True).exclude(email="").exclude(pk__in=already)
    sent = 0
    for user in staff.order_by("pk"):
        with translation.override(user.language), digits.override(user.digit_style):
            due = due_for(user, day)
            if not due.total:
                continue
            email = _email(user, due)
        try:
            with transaction.atomic():
                _digest, created = Digest.objects.get_or_create(
                    user=user, day=day, defaults={"items": due.total}
                )
                if created:
                    email.send()
        except Exception as exc:  # one mailbox failing must not stop the others
            logger.warning("digest to user %s failed: %s", user.pk, type(exc).__name__)
            continue
        sent += int(created)
    return sent
