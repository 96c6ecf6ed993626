"""Why a batch allocation run proposed what it did, in the reader's language.

The optimiser (``mehman.housing.allocation``) gives each household a list of reasons,
each a stable code with plain parameters; a proposal keeps them as
``[{"code": ..., "params": {...}}]``. This module turns one reason into a sentence:
numbers in the active digits, block codes isolated in ``<bdi>`` for the HTML form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from mehman.core import digits

Params = Mapping[str, Any]


def _int(params: Params, name: str) -> int:
    try:
        return int(params.get(name) or 0)
    except (TypeError, ValueError):
        return 0


def _score(priority: int) -> Decimal:
    """The waitlist score from the optimiser's priority (the score in hundredths)."""
    return (Decimal(priority) / 100).quantize(Decimal("0.01"))


def _rank(p: Params) -> tuple[str, dict[str, Any]]:
    return (
        gettext("Rank %(rank)s on the waitlist (score %(score)s)."),
        {"rank": _int(p, "rank"), "score": _score(_int(p, "priority"))},
    )


def _fits(p: Params) -> tuple[str, dict[str, Any]]:
    size, spare = _int(p, "size"), _int(p, "spare")
    members = ngettext("%(size)s member fits", "All %(size)s members fit", size)
    if spare <= 0:
        message = gettext("%(members)s; no place spare.")
    else:
        message = ngettext(
            "%(members)s; %(spare)s place spare.", "%(members)s; %(spare)s places spare.", spare
        )
    # The members part is itself a sentence with a number: filled in first.
    return message, {"members": members % {"size": digits.localize(size)}, "spare": spare}


def _accessible(p: Params) -> tuple[str, dict[str, Any]]:
    return gettext("A member needs a step-free home, and this unit is step-free."), {}


def _family(p: Params) -> tuple[str, dict[str, Any]]:
    together, group = _int(p, "placed_together"), _int(p, "group_size")
    others = max(0, together - 1)
    values = {"block": str(p.get("group_block", "")), "others": others, "group": group}
    if together >= group:
        message = ngettext(
            "Placed in block %(block)s with its %(others)s related household.",
            "Placed in block %(block)s with all %(others)s related households.",
            others,
        )
    else:
        message = ngettext(
            "Placed in block %(block)s with %(others)s related household; "
            "the family has %(group)s households on the waitlist.",
            "Placed in block %(block)s with %(others)s related households; "
            "the family has %(group)s households on the waitlist.",
            others,
        )
    return message, values


def _family_split(p: Params) -> tuple[str, dict[str, Any]]:
    blocks = _int(p, "blocks")
    message = ngettext(
        "Its family could not be kept together: it is spread over %(blocks)s block.",
        "Its family could not be kept together: it is spread over %(blocks)s blocks.",
        blocks,
    )
    return message, {"blocks": blocks}


def _smallest_fit(p: Params) -> tuple[str, dict[str, Any]]:
    return gettext("No smaller vacancy that fits the household was left."), {}


def _not_placed(p: Params) -> tuple[str, dict[str, Any]]:
    why, size, fitting = str(p.get("why", "")), _int(p, "size"), _int(p, "fitting")
    values = {"size": size, "fitting": fitting}
    if why == "no_fit":
        message = ngettext(
            "Not placed: no vacancy of this run holds its %(size)s member "
            "(or is step-free where needed).",
            "Not placed: no vacancy of this run holds its %(size)s members "
            "(or is step-free where needed).",
            size,
        )
    elif why == "outranked":
        message = ngettext(
            "Not placed: the %(fitting)s vacancy that would fit went to another household.",
            "Not placed: all %(fitting)s vacancies that would fit went to other households.",
            fitting,
        )
    elif why == "not_worth":
        message = ngettext(
            "Not placed: %(fitting)s vacancy would fit, but it would leave too many places unused.",
            "Not placed: %(fitting)s vacancies would fit, but each would leave too many places "
            "unused.",
            fitting,
        )
    else:
        message = gettext("Not placed.")
    return message, values


_SENTENCES: dict[str, Callable[[Params], tuple[str, dict[str, Any]]]] = {
    "rank": _rank,
    "fits": _fits,
    "accessible": _accessible,
    "family": _family,
    "family_split": _family_split,
    "smallest_fit": _smallest_fit,
    "not_placed": _not_placed,
}

# Parameters that are codes (not numbers): kept as typed, isolated in HTML.
_CODES = frozenset({"block"})


def _parts(reason: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    code = str(reason.get("code", ""))
    params = reason.get("params") or {}
    build = _SENTENCES.get(code)
    if build is None:
        return gettext("Another reason (%(code)s)."), {"code": code}
    return build(params)


def sentence(reason: Mapping[str, Any]) -> str:
    """One reason (``{"code", "params"}``) as plain text in the active language and digits."""
    message, values = _parts(reason)
    shown = {
        name: value if name in _CODES or isinstance(value, str) else digits.localize(value)
        for name, value in values.items()
    }
    return message % shown


def sentence_html(reason: Mapping[str, Any]) -> SafeString:
    """The same sentence for a page: escaped, with block codes in ``<bdi>``."""
    message, values = _parts(reason)
    shown: dict[str, Any] = {}
    for name, value in values.items():
        if name in _CODES or name == "code":
            shown[name] = format_html("<bdi>{}</bdi>", value)
        elif isinstance(value, str):
            shown[name] = conditional_escape(value)
        else:
            shown[name] = digits.localize(value)
    return mark_safe(conditional_escape(message) % shown)  # noqa: S308 -- every part escaped


def sentences(reasons: Iterable[Mapping[str, Any]]) -> list[SafeString]:
    """Every reason of a proposal, in the order the optimiser gave them."""
    return [sentence_html(reason) for reason in reasons]
