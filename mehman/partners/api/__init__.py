"""Partners over HTTP (``/api/v1/``): organisations and their agreements, volunteers,
activities (5W), pledges and donations.

One APIView per operation, calling the same services as the pages. Reads start
from ``for_user``; records are named by UUID and a record out of scope is 404,
as is an operation the caller's role does not carry. Edits carry the version
they were made from (``version`` in the body or ``If-Match``): a stale one is
412 and changes nothing.

One module per topic; ``serializers`` holds what several share (the assistance
API uses it too) and ``access`` who sees what. The views are named here for
``api_urls``.
"""

from mehman.partners.api.activities import (
    ActivityDetailApi,
    ActivityListApi,
    ActivityPlanApi,
    ActivityStatusChangeApi,
    ActivityUpdateApi,
)
from mehman.partners.api.organisations import (
    AgreementListApi,
    AgreementRecordApi,
    AgreementRevokeApi,
    DataAgreementListApi,
    DataAgreementRecordApi,
    DataAgreementRevokeApi,
    OrganisationDetailApi,
    OrganisationListApi,
    OrganisationRegisterApi,
    OrganisationUpdateApi,
)
from mehman.partners.api.pledges import (
    DonationListApi,
    DonationReceiveApi,
    DonationStoreApi,
    PledgeCancelApi,
    PledgeDetailApi,
    PledgeDonationListApi,
    PledgeListApi,
    PledgeRecordApi,
)
from mehman.partners.api.volunteers import (
    AssignmentListApi,
    HoursRecordApi,
    VolunteerAssignApi,
    VolunteerDetailApi,
    VolunteerListApi,
    VolunteerRegisterApi,
    VolunteerUpdateApi,
)

__all__ = [
    "ActivityDetailApi",
    "ActivityListApi",
    "ActivityPlanApi",
    "ActivityStatusChangeApi",
    "ActivityUpdateApi",
    "AgreementListApi",
    "AgreementRecordApi",
    "AgreementRevokeApi",
    "AssignmentListApi",
    "DataAgreementListApi",
    "DataAgreementRecordApi",
    "DataAgreementRevokeApi",
    "DonationListApi",
    "DonationReceiveApi",
    "DonationStoreApi",
    "HoursRecordApi",
    "OrganisationDetailApi",
    "OrganisationListApi",
    "OrganisationRegisterApi",
    "OrganisationUpdateApi",
    "PledgeCancelApi",
    "PledgeDetailApi",
    "PledgeDonationListApi",
    "PledgeListApi",
    "PledgeRecordApi",
    "VolunteerAssignApi",
    "VolunteerDetailApi",
    "VolunteerListApi",
    "VolunteerRegisterApi",
    "VolunteerUpdateApi",
]
