"""Timeline events of duplicate detection, on the households of the two people of a pair.

``member`` is the given name of the person on this household's list, ``other`` the given name
of the other person of the pair and ``household`` the reference of the other's household (it
may be this one: a person entered twice in one household). ``pair`` is the pair's uuid; a
confirmation also keeps ``duplicate``, the uuid of the record it merged ("" when the two were
already one through another pair), so that undoing it undoes exactly that merge.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mehman.core.events import register

PARAMS = ("member", "other", "household")

PAIR_PROPOSED = register(
    "matching.pair_proposed",
    _("Possible duplicate flagged at registration"),
    _("{member} may be the same person as {other} of {household}"),
    PARAMS,
)
PAIR_CONFIRMED = register(
    "matching.pair_confirmed",
    _("Duplicate records confirmed"),
    _("{member} is the same person as {other} of {household}"),
    PARAMS,
)
PAIR_REJECTED = register(
    "matching.pair_rejected",
    _("Not duplicates: different people"),
    _("{member} and {other} of {household} are different people"),
    PARAMS,
)
MERGE_UNDONE = register(
    "matching.merge_undone",
    _("Duplicate confirmation undone"),
    _("{member} and {other} of {household}: the merge was undone"),
    PARAMS,
)
