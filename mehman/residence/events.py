"""Timeline events of residence: on the household's timeline (terms, reviews, renewals,
messages) and the settlement's (conversions, campaigns)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mehman.core.events import labels_and_dates, register
from mehman.residence.models import Decision, ExitReason, Pathway, TermOrigin, TermStatus

TERM_STARTED = register(
    "residence.term_started",
    _("Residence term started"),
    _("{reference}, until {planned_end} ({origin})"),
    ("reference",),
    render=labels_and_dates(planned_end="date", origin=TermOrigin),
)
TERM_STATUS = register(
    "residence.term_status",
    _("Residence term status changed"),
    _("{reference}: {status}"),
    ("reference",),
    render=labels_and_dates(status=TermStatus),
)
AGREEMENT_SIGNED = register(
    "residence.agreement_signed",
    _("Residence agreement signed"),
    _("{reference}, signed on {signed_on}"),
    ("reference",),
    render=labels_and_dates(signed_on="date"),
)
TERM_CHANGED = register(
    "residence.term_changed",
    _("Residence term changed"),
    _("{reference}: {what}"),
    ("reference", "what"),
)
PLAN_CHANGED = register(
    "residence.plan_changed",
    _("Exit plan changed"),
    _("{reference}: {pathway}"),
    ("reference",),
    render=labels_and_dates(pathway=Pathway),
)
REVIEW_OPENED = register(
    "residence.review_opened",
    _("Term review due"),
    _("{reference}, due {due_on}"),
    ("reference",),
    render=labels_and_dates(due_on="date"),
)
REVIEWED = register(
    "residence.reviewed",
    _("Term reviewed"),
    _("{reference}: {decision}"),
    ("reference",),
    render=labels_and_dates(decision=Decision),
)
EXTENDED = register(
    "residence.extended",
    _("Residence term extended"),
    _("{reference}, until {planned_end}: {reason}"),
    ("reference", "reason"),
    render=labels_and_dates(planned_end="date"),
)
EXIT_BEGUN = register(
    "residence.exit_begun",
    _("Exit begun"),
    _("{reference}: {reason}"),
    ("reference", "reason"),
)
TERM_ENDED = register(
    "residence.term_ended",
    _("Residence term ended"),
    _("{reference}: {exit_reason}, {exit_on}"),
    ("reference",),
    render=labels_and_dates(exit_reason=ExitReason, exit_on="date"),
)
TERM_REVOKED = register(
    "residence.term_revoked",
    _("Residence term withdrawn"),
    _("{reference}: {reason}"),
    ("reference", "reason"),
)
CONVERSION_PREPARED = register(
    "residence.conversion_prepared",
    _("Conversion prepared"),
    _("{reference}: {households} households"),
    ("reference", "households"),
)
CONVERSION_COMMITTED = register(
    "residence.conversion_committed",
    _("Conversion committed"),
    _("{reference}: {households} households"),
    ("reference", "households"),
)
CONVERSION_REVERSED = register(
    "residence.conversion_reversed",
    _("Conversion reversed"),
    _("{reference}: {reason}"),
    ("reference", "reason"),
)
CONVERSION_DISCARDED = register(
    "residence.conversion_discarded",
    _("Conversion discarded"),
    _("{reference}: {reason}"),
    ("reference", "reason"),
)
CAMPAIGN_OPENED = register(
    "residence.campaign_opened",
    _("Renewal campaign opened"),
    _("{reference}: {title}"),
    ("reference", "title"),
)
CAMPAIGN_CLOSED = register(
    "residence.campaign_closed",
    _("Renewal campaign closed"),
    _("{reference}: {title}"),
    ("reference", "title"),
)
DOCUMENT_RENEWED = register(
    "residence.document_renewed",
    _("Document renewed"),
    _("{member}: {campaign}"),
    ("member", "campaign"),
)
FOLLOWED_UP = register(
    "residence.followed_up",
    _("Renewal followed up"),
    _("{member}: {campaign}"),
    ("member", "campaign"),
)
RENEWAL_EXCUSED = register(
    "residence.renewal_excused",
    _("Not required to renew"),
    _("{member}: {campaign}"),
    ("member", "campaign"),
)
MESSAGE_SENT = register(
    "residence.message_sent",
    _("Text message sent"),
    _("{template}"),
    ("template",),
)
