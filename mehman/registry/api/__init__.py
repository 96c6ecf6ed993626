"""The registry over HTTP (``/api/v1/``): households, members, documents, specific needs.

One APIView per operation, calling the same services as the pages. Reads start
from ``for_user``; records are named by reference number or UUID and a record
out of scope is 404. Edits carry the version they were made from (``version``
in the body or ``If-Match``): a stale one is 412 and changes nothing. Protected
needs are named only to protection staff, and each read of one is logged.

One module per topic (``households``, ``members``, ``documents``, ``needs``);
``serializers`` holds what several share and ``access`` who sees what. The
views are named here for ``api_urls``.
"""

from mehman.registry.api.documents import DocumentAddApi, DocumentListApi
from mehman.registry.api.households import (
    HouseholdDetailApi,
    HouseholdListApi,
    HouseholdRegisterApi,
    HouseholdUpdateApi,
)
from mehman.registry.api.members import MemberAddApi, MemberListApi, MemberUpdateApi
from mehman.registry.api.needs import NeedListApi, NeedRecordApi, NeedResolveApi

__all__ = [
    "DocumentAddApi",
    "DocumentListApi",
    "HouseholdDetailApi",
    "HouseholdListApi",
    "HouseholdRegisterApi",
    "HouseholdUpdateApi",
    "MemberAddApi",
    "MemberListApi",
    "MemberUpdateApi",
    "NeedListApi",
    "NeedRecordApi",
    "NeedResolveApi",
]
