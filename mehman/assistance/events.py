"""Timeline events on households for what partners and benefactors gave them.

Parameters name organisations, activities and items, never a protected need.
"""

from django.utils.translation import gettext_lazy as _

from mehman.core.events import register

REFERRED = register(
    "assistance.referred",
    _("Referred to a partner"),
    _("{organisation}: {service}"),
    ("organisation", "service"),
)
REFERRAL_ACCEPTED = register(
    "assistance.referral_accepted",
    _("Referral accepted"),
    _("{organisation}: {service}"),
    ("organisation", "service"),
)
REFERRAL_DECLINED = register(
    "assistance.referral_declined",
    _("Referral declined"),
    _("{organisation}: {reason}"),
    ("organisation", "reason"),
)
REFERRAL_CLOSED = register(
    "assistance.referral_closed",
    _("Referral closed"),
    _("{organisation}: {outcome}"),
    ("organisation", "outcome"),
)
DELIVERED = register(
    "assistance.delivered",
    _("Assistance received"),
    _("{quantity} {unit} {item} — {activity} ({organisation})"),
    ("quantity", "unit", "item", "activity", "organisation"),
)
ATTENDED = register(
    "assistance.attended",
    _("Attended an activity"),
    _("{name}: {activity}"),
    ("name", "activity"),
)
WORK_FUNDED = register(
    "assistance.work_funded",
    _("Work funded by a donation"),
    _("{work_order}: {description} ({donor})"),
    ("work_order", "description", "donor"),
)
