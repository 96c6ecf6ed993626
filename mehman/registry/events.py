"""Timeline events of households.

Parameters name members by their given name only (the timeline is read inside
the household's own scope) and never name a protected need.
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from mehman.core.events import choice_label, field_labels, register
from mehman.registry.models import (
    DocumentType,
    HouseholdStatus,
    Kinship,
    Relationship,
    SpecificNeedCode,
)


def _need(params: dict[str, Any]) -> dict[str, str]:
    if params.get("protected"):
        return {"need": str(_("a protected need"))}
    code = _need_codes().get(str(params.get("code", "")))
    return {"need": code.label if code else str(params.get("code", ""))}


# The code table is small and rarely changes: read once per process, not once per event.
# Labels are still read in the active language when the timeline is rendered.
_CODES: dict[str, SpecificNeedCode] = {}


def _need_codes() -> dict[str, SpecificNeedCode]:
    if not _CODES:
        _CODES.update({c.code: c for c in SpecificNeedCode.objects.select_related("parent")})
    return _CODES


def forget_need_codes() -> None:
    """Read the code table again on the next timeline (after ``mehman needcodes``)."""
    _CODES.clear()


REGISTERED = register(
    "household.registered",
    _("Household registered"),
    _("{size} members"),
    ("size",),
)
IMPORTED = register(
    "household.imported",
    _("Household imported"),
    _("{size} members, from {source}"),
    ("size", "source"),
)
MEMBER_ADDED = register(
    "household.member_added",
    _("Member added"),
    _("{member} ({relationship})"),
    ("member",),
    render=choice_label("relationship", Relationship),
)
BIRTH = register("household.birth", _("Birth recorded"), _("{member}"), ("member",))
DEATH = register("household.death", _("Death recorded"), _("{member}"), ("member",))
MARRIED_OUT = register(
    "household.married_out",
    _("Member left on marriage"),
    _("{member} joined {other}"),
    ("member", "other"),
)
MARRIED_IN = register(
    "household.married_in",
    _("Member joined on marriage"),
    _("{member} from {other}"),
    ("member", "other"),
)
MARRIAGE = register(
    "household.marriage",
    _("Marriage recorded"),
    _("{member}"),
    ("member",),
)
SPLIT_FROM = register(
    "household.split_from",
    _("Household split"),
    _("{count} members formed {other}"),
    ("count", "other"),
)
SPLIT_INTO = register(
    "household.split_into",
    _("Household formed by a split"),
    _("{count} members from {other}"),
    ("count", "other"),
)
MERGED_AWAY = register(
    "household.merged_away",
    _("Household merged into another"),
    _("Members moved to {other}"),
    ("other",),
)
MERGED_IN = register(
    "household.merged_in",
    _("Household merged in"),
    _("{count} members from {other}"),
    ("count", "other"),
)
UNMERGED = register(
    "household.unmerged",
    _("Merge undone"),
    _("{count} members back to {other}"),
    ("count", "other"),
)
# A person registered twice: the duplicate record stays on file, merged into the one kept.
# ``member`` is the given name of the person on this household's list; ``other`` the
# reference of the other record's household (it may be this one, or another settlement's).
PERSON_MERGED_AWAY = register(
    "household.person_merged_away",
    _("Duplicate record merged"),
    _("{member}: the same person as a member of {other}"),
    ("member", "other"),
)
PERSON_MERGED_IN = register(
    "household.person_merged_in",
    _("Duplicate record of a member merged"),
    _("{member}: a duplicate record from {other}"),
    ("member", "other"),
)
PERSON_UNMERGED = register(
    "household.person_unmerged",
    _("Merge of duplicate records undone"),
    _("{member}: separate again from the record in {other}"),
    ("member", "other"),
)
HEAD_CHANGED = register(
    "household.head_changed", _("Head of household changed"), _("{member}"), ("member",)
)
STATUS_CHANGED = register(
    "household.status_changed",
    _("Status changed"),
    _("Now: {status}"),
    ("status",),
    render=choice_label("status", HouseholdStatus),
)
DOCUMENT_ADDED = register(
    "household.document_added",
    _("Document added"),
    _("{doc_type} of {member}"),
    ("member",),
    render=choice_label("doc_type", DocumentType),
)
DOCUMENT_VERIFIED = register(
    "household.document_verified",
    _("Document verified"),
    _("{doc_type} of {member}"),
    ("member",),
    render=choice_label("doc_type", DocumentType),
)
NEED_RECORDED = register(
    "household.need_recorded",
    _("Specific need recorded"),
    _("{need} ({member})"),
    ("member",),
    render=_need,
)
NEED_RESOLVED = register(
    "household.need_resolved",
    _("Specific need resolved"),
    _("{need} ({member})"),
    ("member",),
    render=_need,
)
CORRECTED = register(
    "household.corrected",
    _("Record corrected"),
    _("{fields}: {reason}"),
    ("reason",),
    render=field_labels("registry.Individual"),
)
NOTE_ADDED = register("household.note_added", _("Case note written"))
LINKED = register(
    "household.linked",
    _("Related household linked"),
    _("{other} ({kinship})"),
    ("other",),
    render=choice_label("kinship", Kinship),
)
UNLINKED = register(
    "household.unlinked",
    _("Related household unlinked"),
    _("{other}: {reason}"),
    ("other", "reason"),
)
HOME_SET = register(
    "household.home_set", _("Home recorded"), _("Block {block}, {address}"), ("block", "address")
)
