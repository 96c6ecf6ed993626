"""Registry reads: the one search box, list filters and figures.

Search works on the indexed keys the services derive (``mehman.core.names``):
a reference number, a document number, a phone, or names; names match across
Arabic/Persian letters, compound spellings and one typo, and combine with the
father's name and the year of birth.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, When

from mehman.core import dates, names
from mehman.core.models import Event, Settlement
from mehman.registry import events as registry_events
from mehman.registry.models import (
    EXPIRING_DOCUMENT_TYPES,
    Household,
    HouseholdStatus,
    IdentityDocument,
    Individual,
    IndividualStatus,
    NameVariant,
    SpecificNeed,
)

SEARCH_LIMIT = 100
# Candidates fetched through an index before the scope is applied; past this
# many the scoped query runs as it is.
CANDIDATES = 2000


@dataclass
class SearchResult:
    """Households in rank order, and the people in them who matched."""

    household_ids: list[int] = field(default_factory=list)
    person_ids: set[int] = field(default_factory=set)
    kind: str = ""  # reference, document, phone, name, latin, father, year
    # More people matched than the limit: the clerk should add father's name or birth year.
    truncated: bool = False

    def add(self, household_id: int, person_id: int | None = None) -> None:
        if household_id not in self.household_ids:
            self.household_ids.append(household_id)
        if person_id is not None:
            self.person_ids.add(person_id)


def similar_keys(key: str) -> set[str]:
    """Name keys in the registry within one typo of ``key`` (including itself)."""
    if not key:
        return set()
    found = set(
        NameVariant.objects.filter(variant__in=names.deletions(key)).values_list("key", flat=True)
    )
    return {k for k in found if names.within_one_edit(key, k)} | {key}


def birth_year_range(year: int) -> tuple[date, date]:
    """The dates of a birth year, Jalali (1300-1499) or Gregorian."""
    if year in dates.JALALI_YEARS_IN_GREGORIAN_FIELD:
        return dates.to_gregorian(year, 1, 1), dates.to_gregorian(year + 1, 1, 1) - timedelta(1)
    return date(year, 1, 1), date(year, 12, 31)


def _name_conditions(tokens: list[str], *, fuzzy: bool) -> list[Q]:
    """Each way of reading the words as names, as one simple condition per reading.

    Kept apart rather than OR-ed together, so that each uses its own index
    (SQLite otherwise settles for the father's-name index alone).
    """

    def keys(key: str) -> list[str]:
        return sorted(similar_keys(key)) if fuzzy else [key]

    if len(tokens) == 1:
        only = keys(tokens[0])
        return [Q(given_key__in=only), Q(family_key__in=only)]
    conditions = []
    for given, family in names.compound_splits(tokens):
        if family:
            conditions.append(Q(given_key__in=keys(given), family_key__in=keys(family)))
        else:
            # All the words as one name: a compound given or family name ("نور زاده").
            whole = keys(given)
            conditions += [Q(given_key__in=whole), Q(family_key__in=whole)]
    return conditions


def search(
    individuals: QuerySet[Individual],
    households: QuerySet[Household],
    text: str,
    *,
    father: str = "",
    year: int | None = None,
    limit: int | None = None,
) -> SearchResult:
    """Find households by what a clerk types; ``individuals`` and ``households`` are scoped.

    Each lookup first finds its candidates through the selective index alone,
    then applies the scope to those few ids: a planner (SQLite's especially)
    would otherwise start from "every household of the settlement".
    """
    limit = limit or SEARCH_LIMIT
    result = SearchResult()
    text = (text or "").strip()
    extra = Q()
    if father:
        extra &= Q(father_key__in=similar_keys(names.name_key(father)))
    if year:
        extra &= Q(birth_date__range=birth_year_range(year))
    people = individuals.filter(extra).order_by()  # unordered: LIMIT stops at the first matches

    def matching(condition: Q) -> None:
        """Add in-scope people meeting ``condition``, up to the limit (noting when it bites)."""
        room = limit - len(result.person_ids)
        if room <= 0:
            result.truncated = True
            return
        rows = _scoped_matches(
            people, condition & extra, exclude=set(result.person_ids), limit=room + 1
        )
        if len(rows) > room:
            result.truncated = True
        for pk, household_id in rows[:room]:
            result.add(household_id, pk)

    if text and (reference := names.reference_key(text)):
        result.kind = "reference"
        for pk in households.filter(reference=reference).values_list("pk", flat=True):
            result.add(pk)
        if result.household_ids:
            return result

    if text and names.looks_like_number(text):
        number = names.document_key(text)
        holders = (
            IdentityDocument.objects.filter(number=number)
            .order_by()
            .values_list("individual_id", flat=True)
        )
        result.kind = "document"
        matching(Q(pk__in=list(holders[:CANDIDATES])))
        phone = names.phone_key(text)
        if phone and len(phone) >= 7:
            if not result.household_ids:
                result.kind = "phone"
            matching(Q(phone_key=phone))
            if not father and not year:
                # Unordered: ordered by reference, SQLite walks that index instead.
                ids = (
                    Household.objects.filter(phone_key=phone)
                    .order_by()
                    .values_list("pk", flat=True)
                )
                for pk in households.filter(pk__in=list(ids[:CANDIDATES])).values_list(
                    "pk", flat=True
                )[:limit]:
                    result.add(pk)
        return result

    tokens = names.name_tokens(text)
    if tokens and all(t.isascii() for t in tokens):
        result.kind = "latin"
        folded = " ".join(tokens)
        matching(Q(latin_key=folded) | Q(latin_key__startswith=folded + " "))
        return result

    if not tokens:
        if father or year:
            result.kind = "father" if father else "year"
            matching(Q())
        return result

    result.kind = "name"
    exact = _name_conditions(tokens, fuzzy=False)
    for condition in exact:
        matching(condition)
    if len(result.person_ids) < limit:  # then one typo, ranked after every exact match
        for condition in _name_conditions(tokens, fuzzy=True):
            if condition not in exact:  # no typo neighbour: already asked
                matching(condition)
    return result


def _scoped_matches(
    people: QuerySet[Individual],
    condition: Q,
    *,
    limit: int,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[tuple[int, int]]:
    """(person, household) ids of in-scope people meeting ``condition``, at most ``limit``."""
    if limit <= 0:
        return []
    candidates = list(
        Individual.objects.filter(condition)
        .exclude(pk__in=exclude)
        .order_by()
        .values_list("pk", flat=True)[: CANDIDATES + 1]
    )
    scoped = people.exclude(pk__in=exclude)
    if len(candidates) <= CANDIDATES:
        scoped = scoped.filter(pk__in=candidates)
    else:
        scoped = scoped.filter(condition)
    return list(scoped.values_list("pk", "household_id")[:limit])


def in_rank_order(queryset: QuerySet[Household], ids: list[int]) -> QuerySet[Household]:
    """``queryset`` restricted to ``ids``, in that order."""
    if not ids:
        return queryset.none()
    order = Case(*(When(pk=pk, then=i) for i, pk in enumerate(ids)), output_field=IntegerField())
    return queryset.filter(pk__in=ids).annotate(rank=order).order_by("rank")


# --- List filters -----------------------------------------------------------------------------

AGE_GROUPS = {
    "0-4": (0, 4),
    "5-11": (5, 11),
    "12-17": (12, 17),
    "18-59": (18, 59),
    "60+": (60, 200),
}


EXPIRY_FILTERS = ("30", "60", "90", "expired")


def _born_between(min_age: int, max_age: int, on: date) -> tuple[date, date]:
    """Birth dates of people aged ``min_age`` to ``max_age`` on ``on``."""
    latest = _years_before(on, min_age)
    earliest = _years_before(on, max_age + 1) + timedelta(1)
    return earliest, latest


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def filter_households(
    queryset: QuerySet[Household], params: Mapping[str, Any]
) -> QuerySet[Household]:
    """Apply the list page's filters; unknown or empty values are ignored."""
    if status := params.get("status"):
        queryset = queryset.filter(status=status)
    if block := params.get("block"):
        queryset = queryset.filter(block=block)
    if (size_min := params.get("size_min")) is not None:
        queryset = queryset.filter(size__gte=size_min)
    if (size_max := params.get("size_max")) is not None:
        queryset = queryset.filter(size__lte=size_max)
    if head_sex := params.get("head_sex"):
        queryset = queryset.filter(head__sex=head_sex)
    if (age_group := params.get("age_group")) in AGE_GROUPS:
        low, high = AGE_GROUPS[age_group]
        earliest, latest = _born_between(low, high, dates.today())
        members = Individual.objects.filter(
            household=OuterRef("pk"),
            status=IndividualStatus.ACTIVE,
            birth_date__range=(earliest, latest),
        )
        queryset = queryset.filter(Exists(members))
    if need := params.get("need"):
        needs = SpecificNeed.objects.filter(
            individual__household=OuterRef("pk"),
            individual__status=IndividualStatus.ACTIVE,
            resolved_on__isnull=True,
        )
        if need != "any":
            needs = needs.filter(Q(code__code=need) | Q(code__parent__code=need))
        queryset = queryset.filter(Exists(needs))
    if (expiry := str(params.get("document_expiry") or "")) in EXPIRY_FILTERS:
        today = dates.today()
        documents = IdentityDocument.objects.filter(
            individual__household=OuterRef("pk"),
            individual__status=IndividualStatus.ACTIVE,
            doc_type__in=EXPIRING_DOCUMENT_TYPES,
        )
        if expiry == "expired":
            documents = documents.filter(expires_on__lt=today)
        else:
            documents = documents.filter(
                expires_on__gte=today, expires_on__lte=today + timedelta(int(expiry))
            )
        queryset = queryset.filter(Exists(documents))
    return queryset


def household_list(queryset: QuerySet[Household]) -> QuerySet[Household]:
    """What the list page shows per household, in a fixed number of queries."""
    return queryset.select_related("head", "settlement")


def blocks(queryset: QuerySet[Household]) -> list[str]:
    return list(
        queryset.exclude(block="").order_by("block").values_list("block", flat=True).distinct()
    )


# --- Figures -------------------------------------------------------------------------------------


def count_households(settlement_ids: Iterable[int], status: str | None = None) -> Mapping[int, int]:
    condition = Q()
    if status is not None:
        condition = Q(households__status=status)
    rows = (
        Settlement.objects.filter(pk__in=list(settlement_ids))
        .annotate(n=Count("households", filter=condition))
        .values_list("pk", "n")
    )
    return dict(rows)


def count_residents(settlement_ids: Iterable[int]) -> Mapping[int, int]:
    rows = (
        Individual.objects.filter(
            household__settlement_id__in=list(settlement_ids),
            household__status=HouseholdStatus.RESIDENT,
            status=IndividualStatus.ACTIVE,
        )
        .values_list("household__settlement_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def register_figures() -> None:
    from django.utils.translation import gettext_lazy as _

    from mehman.core.figures import register_figure

    register_figure(
        "resident_households",
        _("Resident households"),
        lambda ids: count_households(ids, HouseholdStatus.RESIDENT),
        order=10,
    )
    register_figure("residents", _("Residents"), count_residents, order=20)
    register_figure(
        "applicant_households",
        _("Applicant households"),
        lambda ids: count_households(ids, HouseholdStatus.APPLICANT),
        order=30,
    )


def household_merge(household: Household) -> Event | None:
    """The merge of households that closed ``household`` and may be undone from it; None when
    it was not merged, or when the last merge that closed it was a person's (undone in the
    review of duplicates)."""
    if household.merged_into_id is None:
        return None
    last = household.events.filter(
        kind__in=(registry_events.MERGED_AWAY.code, registry_events.PERSON_MERGED_AWAY.code)
    ).first()
    return last if last is not None and last.kind == registry_events.MERGED_AWAY.code else None


def members_in_order(household: Household) -> list[Individual]:
    """Head first, then living members by date of birth (oldest first), then former members."""
    people = list(household.members.all())
    return sorted(
        people,
        key=lambda p: (
            p.pk != household.head_id,
            not p.is_active,
            p.birth_date or date.max,
            p.pk,
        ),
    )


# --- Duplicate check at registration -------------------------------------------------------

DUPLICATES_LIMIT = 10


def likely_duplicates(
    individuals: QuerySet[Individual],
    given_name: str,
    father_name: str,
    birth_year: int | None,
    *,
    limit: int = DUPLICATES_LIMIT,
) -> list[Individual]:
    """People in ``individuals`` (scoped) who may be the person about to be registered.

    A simple check until duplicate detection replaces it: the same given-name and
    father's-name keys, and a Gregorian birth year within one year when both are known.
    """
    given_key = names.name_key(given_name)
    if not given_key:
        return []
    people = individuals.filter(given_key=given_key, father_key=names.name_key(father_name))
    if birth_year is not None:
        people = people.filter(
            Q(birth_date__isnull=True)
            | Q(birth_date__range=(date(birth_year - 1, 1, 1), date(birth_year + 1, 12, 31)))
        )
    return list(people.select_related("household").order_by("household__reference", "pk")[:limit])
