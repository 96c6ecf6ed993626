"""Every change to organisations, agreements, volunteers, activities and gifts."""

from mehman.partners.services._common import positive_decimal
from mehman.partners.services.activities import (
    change_activity_status,
    plan_activity,
    update_activity,
)
from mehman.partners.services.organisations import (
    add_contact,
    link_staff,
    record_agreement,
    record_data_agreement,
    register_organisation,
    revoke_agreement,
    unlink_staff,
    update_organisation,
)
from mehman.partners.services.pledges import (
    cancel_pledge,
    lock_donation,
    receive_donation,
    record_pledge,
    store_donation,
    totals,
    use_donation,
)
from mehman.partners.services.volunteers import (
    assign_volunteer,
    record_hours,
    register_volunteer,
    update_volunteer,
)

__all__ = [
    "add_contact",
    "assign_volunteer",
    "cancel_pledge",
    "change_activity_status",
    "link_staff",
    "lock_donation",
    "plan_activity",
    "positive_decimal",
    "receive_donation",
    "record_agreement",
    "record_data_agreement",
    "record_hours",
    "record_pledge",
    "register_organisation",
    "register_volunteer",
    "revoke_agreement",
    "store_donation",
    "totals",
    "unlink_staff",
    "update_activity",
    "update_organisation",
    "update_volunteer",
    "use_donation",
]
