"""Timeline events of organisations: their agreements, staff, volunteers, activities,
pledges and donations. Parameters never name a resident."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mehman.core.events import choice_label, field_labels, register
from mehman.partners.models import ActivityStatus, PledgeStatus

ORGANISATION_REGISTERED = register(
    "organisation.registered", _("Organisation registered"), _("{name}"), ("name",)
)
ORGANISATION_UPDATED = register(
    "organisation.updated",
    _("Organisation details changed"),
    _("Changed: {fields}"),
    ("fields",),
    render=field_labels("partners.Organisation"),
)
CONTACT_ADDED = register("organisation.contact_added", _("Contact added"), _("{name}"), ("name",))
STAFF_LINKED = register(
    "organisation.staff_linked", _("Staff account linked"), _("{username}"), ("username",)
)
STAFF_UNLINKED = register(
    "organisation.staff_unlinked", _("Staff account unlinked"), _("{username}"), ("username",)
)
AGREEMENT_RECORDED = register(
    "agreement.recorded",
    _("Memorandum of understanding recorded"),
    _("{title}, {valid_from} to {valid_to}"),
    ("title", "valid_from", "valid_to"),
)
AGREEMENT_REVOKED = register(
    "agreement.revoked",
    _("Memorandum of understanding revoked"),
    _("{title}: {reason}"),
    ("title", "reason"),
)
DATA_AGREEMENT_RECORDED = register(
    "data_agreement.recorded",
    _("Data-sharing agreement recorded"),
    _("{purpose}, {valid_from} to {valid_to}"),
    ("purpose", "valid_from", "valid_to"),
)
DATA_AGREEMENT_REVOKED = register(
    "data_agreement.revoked",
    _("Data-sharing agreement revoked"),
    _("{purpose}: {reason}"),
    ("purpose", "reason"),
)
VOLUNTEER_REGISTERED = register(
    "volunteer.registered", _("Volunteer registered"), _("{name}"), ("name",)
)
VOLUNTEER_UPDATED = register(
    "volunteer.updated",
    _("Volunteer details changed"),
    _("{name} — changed: {fields}"),
    ("name", "fields"),
    render=field_labels("partners.Volunteer"),
)
VOLUNTEER_ASSIGNED = register(
    "volunteer.assigned", _("Volunteer assigned"), _("{name} to {activity}"), ("name", "activity")
)
HOURS_RECORDED = register(
    "volunteer.hours",
    _("Volunteer hours recorded"),
    _("{name}: {hours} h on {activity}"),
    ("name", "hours", "activity"),
)
ACTIVITY_PLANNED = register(
    "activity.planned", _("Activity planned"), _("{activity}"), ("activity",)
)
ACTIVITY_UPDATED = register(
    "activity.updated",
    _("Activity changed"),
    _("{activity} — changed: {fields}"),
    ("activity", "fields"),
    render=field_labels("partners.Activity"),
)
ACTIVITY_STATUS = register(
    "activity.status",
    _("Activity status changed"),
    _("{activity}: {status}"),
    ("activity", "status"),
    render=choice_label("status", ActivityStatus),
)
PLEDGE_RECORDED = register(
    "pledge.recorded",
    _("Pledge recorded"),
    _("{pledge}: {quantity} {unit} {item}"),
    ("pledge", "quantity", "unit", "item"),
)
DONATION_RECEIVED = register(
    "pledge.received",
    _("Donation received"),
    _("{pledge}: {quantity} {unit}"),
    ("pledge", "quantity", "unit"),
)
DONATION_STORED = register(
    "pledge.stored", _("Donation stored"), _("{pledge}: at {place}"), ("pledge", "place")
)
PLEDGE_STATUS = register(
    "pledge.status",
    _("Pledge status changed"),
    _("{pledge}: {status}"),
    ("pledge", "status"),
    render=choice_label("status", PledgeStatus),
)
PLEDGE_CANCELLED = register(
    "pledge.cancelled", _("Pledge cancelled"), _("{pledge}: {reason}"), ("pledge", "reason")
)
DONATION_USED = register(
    "pledge.used",
    _("Donation used"),
    _("{pledge}: {quantity} {unit} for {purpose}"),
    ("pledge", "quantity", "unit", "purpose"),
)
