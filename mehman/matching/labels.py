"""The engine's comparison levels in words, for reviewers and clerks (one list for the review
pages, the API and the check at registration)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

LEVEL_LABELS: dict[str, StrOrPromise] = {
    "null": _("not recorded"),
    "exact": _("the same"),
    "exact_estimated": _("the same date (estimated)"),
    "core": _("the same without Mohammad or Gholam"),
    "typo": _("one letter apart"),
    "skeleton": _("the same in Latin letters"),
    "one_part": _("one part of the date differs"),
    "year_estimated": _("the same year (estimated)"),
    "near_estimated": _("a year apart (estimated)"),
    "same_year": _("the same year, another day"),
    "near": _("within two years"),
    "else": _("different"),
}

# Where a level reads otherwise for one field.
FIELD_LEVEL_LABELS: dict[tuple[str, str], StrOrPromise] = {
    ("document", "typo"): _("one digit wrong or two swapped"),
    ("alike", "two"): _("only these two"),
    ("alike", "few"): _("up to four"),
    ("alike", "some"): _("up to ten"),
    ("alike", "else"): _("more than ten"),
    # The family name's consonant level holds whatever the script (given names: Latin only).
    ("family", "skeleton"): _("the same consonants, spelled differently"),
}
