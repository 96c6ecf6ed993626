"""Every change to referrals, deliveries, attendance and spending on work."""

from mehman.assistance.services.deliveries import (
    distribute_donation,
    record_attendance,
    record_delivery,
    record_expenditure,
)
from mehman.assistance.services.eligibility import meets_restriction, reached_in
from mehman.assistance.services.referrals import (
    accept_referral,
    close_referral,
    decline_referral,
    refer_household,
)

__all__ = [
    "accept_referral",
    "close_referral",
    "decline_referral",
    "distribute_donation",
    "meets_restriction",
    "reached_in",
    "record_attendance",
    "record_delivery",
    "record_expenditure",
    "refer_household",
]
