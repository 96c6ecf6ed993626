"""Assistance over HTTP (``/api/v1/``): whom activities reached, deliveries and
distributions, referrals, and donations spent on work.

One APIView per operation, calling the same services as the pages. Reads start
from ``for_user``: partner staff see only what is referred to their
organisation under a data-sharing agreement live today, and a household
appears by its reference number only where the caller may see it. Records are
named by UUID; one out of scope is 404, as is an operation the caller's role
does not carry. ``access`` says who sees what; the views are named here for
``api_urls``.
"""

from mehman.assistance.api.deliveries import (
    DeliveryListApi,
    DeliveryRecordApi,
    DistributionRecordApi,
)
from mehman.assistance.api.expenditures import ExpenditureListApi, ExpenditureRecordApi
from mehman.assistance.api.reach import ActivityReachApi
from mehman.assistance.api.referrals import (
    ReferralAcceptApi,
    ReferralCloseApi,
    ReferralDeclineApi,
    ReferralDetailApi,
    ReferralListApi,
    ReferralReferApi,
)

__all__ = [
    "ActivityReachApi",
    "DeliveryListApi",
    "DeliveryRecordApi",
    "DistributionRecordApi",
    "ExpenditureListApi",
    "ExpenditureRecordApi",
    "ReferralAcceptApi",
    "ReferralCloseApi",
    "ReferralDeclineApi",
    "ReferralDetailApi",
    "ReferralListApi",
    "ReferralReferApi",
]
