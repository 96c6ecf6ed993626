"""Timeline events of units, facilities, work orders, households (moves and offers)
and settlements (allocation runs)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mehman.core.events import choice_label, field_labels, register
from mehman.housing.models import EndReason, MoveReason, UnitState, WorkStatus

# Units and facilities
UNIT_ADDED = register(
    "housing.unit_added", _("Unit added to the site"), _("{reference}"), ("reference",)
)
UNIT_CHANGED = register(
    "housing.unit_changed",
    _("Unit details changed"),
    _("{fields}: {reason}"),
    ("reason",),
    render=field_labels("housing.Unit"),
)
UNIT_STATE = register(
    "housing.unit_state",
    _("Unit state changed"),
    _("{state}: {reason}"),
    ("reason",),
    render=choice_label("state", UnitState),
)
FACILITY_ADDED = register(
    "housing.facility_added", _("Facility added to the site"), _("{reference}"), ("reference",)
)
FACILITY_CHANGED = register(
    "housing.facility_changed",
    _("Facility details changed"),
    _("{fields}: {reason}"),
    ("reason",),
    render=field_labels("housing.Facility"),
)
SURVEYED = register("housing.surveyed", _("Condition surveyed"), _("Score {score}"), ("score",))

# Work orders (on the order's own timeline, and on its unit's or facility's)
WORK_CREATED = register(
    "housing.work_created",
    _("Work order opened"),
    _("{reference}: {title}"),
    ("reference", "title"),
)
WORK_STATUS = register(
    "housing.work_status",
    _("Work order status changed"),
    _("{reference}: {status}"),
    ("reference",),
    render=choice_label("status", WorkStatus),
)
WORK_CHANGED = register(
    "housing.work_changed",
    _("Work order changed"),
    _("{fields}"),
    (),
    render=field_labels("housing.WorkOrder"),
)
WORK_PHOTO = register("housing.work_photo", _("Photo added"), _("{stage}"), ("stage",))
WORK_FUNDED = register(
    "housing.work_funded",
    _("Donation spent on the work"),
    _("{amount} rials from {donor}"),
    ("amount", "donor"),
)

# Households: moves and offers
MOVED_IN = register(
    "housing.moved_in",
    _("Moved into a unit"),
    _("{unit} ({reason})"),
    ("unit",),
    render=choice_label("reason", MoveReason),
)
MOVED_OUT = register(
    "housing.moved_out",
    _("Moved out of a unit"),
    _("{unit} ({end_reason})"),
    ("unit",),
    render=choice_label("end_reason", EndReason),
)
UNIT_OFFERED = register(
    "housing.offered", _("Unit offered"), _("{unit} to {application}"), ("unit", "application")
)
OFFER_ANSWERED = register(
    "housing.offer_answered", _("Offer answered"), _("{unit}: {answer}"), ("unit", "answer")
)

# Settlements: allocation runs
RUN_STARTED = register(
    "housing.run_started",
    _("Batch allocation started"),
    _("{reference}: {vacancies} vacancies"),
    ("reference", "vacancies"),
)
RUN_EDITED = register(
    "housing.run_edited",
    _("Batch allocation changed by hand"),
    _("{reference}: {application} — {reason}"),
    ("reference", "application", "reason"),
)
RUN_COMMITTED = register(
    "housing.run_committed",
    _("Batch allocation committed"),
    _("{reference}: {offers} offers sent"),
    ("reference", "offers"),
)
RUN_DISCARDED = register(
    "housing.run_discarded",
    _("Batch allocation discarded"),
    _("{reference}: {reason}"),
    ("reference", "reason"),
)
