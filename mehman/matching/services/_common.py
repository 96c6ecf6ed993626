"""The registry's people as the engine reads them, and the model's figures for a registry.

The engine takes rows of its file format (``engine.FIELDS``); these functions make them from
``Individual`` records (a run, the people on file at a check) and from a member as the
registration wizard cleaned it (the person about to be registered).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.core.cache import cache
from django.db.models import Count, QuerySet

from mehman.core import names
from mehman.matching.engine import LatinTable, Prepared, Scorer
from mehman.matching.engine.comparisons import alike_key
from mehman.matching.engine.frame import Frequencies
from mehman.matching.engine.prepare import name as engine_name
from mehman.registry.models import (
    SHARED_DOCUMENT_TYPES,
    IdentityDocument,
    Individual,
    IndividualStatus,
)

# The model's prior is the chance that two records drawn at random are one person, from the
# number of records. A registry holds thousands; a prior taken from a handful of records
# (a new settlement, a test) would call any two people born on one day the same person.
MIN_POPULATION: Final = 1000
# How long the name frequencies and the Latin spellings learnt from a registry are kept.
MODEL_SECONDS: Final = 600
GENERATION_KEY: Final = "matching:model:generation"

# The columns of a person the engine compares.
PERSON_COLUMNS: Final = (
    "pk",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "birth_date",
    "birth_date_estimated",
    "given_name_latin",
    "family_name_latin",
    "phone",
)


def _latin_text(text: str) -> bool:
    folded = names.fold(text)
    return bool(folded) and folded.isascii() and any(ch.isalpha() for ch in folded)


def _scripts(persian: str, latin: str) -> tuple[str, str]:
    """A name typed in Latin letters in the Persian field is read as its Latin spelling (as a
    clerk copying a UNHCR or passport record does), so the engine compares it across scripts."""
    if _latin_text(persian):
        return "", latin or persian
    return persian, latin


def _birth_text(value: Any) -> str:
    """A stored date in ISO; text (a date as typed, maybe a Jalali one) as it was typed, for
    the engine reads both."""
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "").strip()


def engine_row(values: Mapping[str, Any], document: str = "") -> dict[str, str]:
    """A person (``PERSON_COLUMNS``, or a member as typed) as a row of the engine's format."""
    given, given_latin = _scripts(
        str(values.get("given_name") or ""), str(values.get("given_name_latin") or "")
    )
    family, family_latin = _scripts(
        str(values.get("family_name") or ""), str(values.get("family_name_latin") or "")
    )
    return {
        "record_id": str(values.get("pk") or ""),
        "given_name": given,
        "family_name": family,
        "father_name": str(values.get("father_name") or ""),
        "sex": str(values.get("sex") or ""),
        "birth_date": _birth_text(values.get("birth_date")),
        "birth_date_estimated": "1" if values.get("birth_date_estimated") else "0",
        "given_name_latin": given_latin,
        "family_name_latin": family_latin,
        "document_number": document,
        "phone": str(values.get("phone") or ""),
    }


@dataclass(frozen=True)
class Document:
    doc_type: str
    number: str  # normalised (``names.document_key``)
    typed: str


def personal_documents(person_ids: Iterable[int]) -> dict[int, list[Document]]:
    """Each person's own documents (not the ones a household shares), latest first."""
    found: dict[int, list[Document]] = {}
    ids = list(person_ids)
    for start in range(0, len(ids), 5000):
        documents = (
            IdentityDocument.objects.filter(individual_id__in=ids[start : start + 5000])
            .exclude(doc_type__in=SHARED_DOCUMENT_TYPES)
            .order_by("individual_id", "-created_at", "-pk")
            .values_list("individual_id", "doc_type", "number", "number_typed")
        )
        for person_id, doc_type, number, typed in documents:
            found.setdefault(person_id, []).append(Document(doc_type, number, typed))
    return found


def comparable(
    a: Sequence[Document], b: Sequence[Document]
) -> tuple[Document | None, Document | None]:
    """The documents of two people to set side by side: one number they share, else the latest
    of a type both hold; none if they hold no type in common (the numbers of two different
    documents say nothing about whether they are one person)."""
    numbers = {d.number: d for d in b}
    for document in a:
        if document.number in numbers:
            return document, numbers[document.number]
    for document in a:
        for other in b:
            if other.doc_type == document.doc_type:
                return document, other
    return None, None


def run_documents(person_ids: Iterable[int]) -> dict[int, str]:
    """One document number per person for a run (the engine compares one): the latest of the
    personal document most people hold, so that two numbers compared are always of one kind."""
    documents = personal_documents(person_ids)
    holders: Counter[str] = Counter(
        doc_type for docs in documents.values() for doc_type in {d.doc_type for d in docs}
    )
    if not holders:
        return {}
    kind = max(sorted(holders), key=lambda doc_type: holders[doc_type])
    return {
        pk: next(d.number for d in docs if d.doc_type == kind)
        for pk, docs in documents.items()
        if any(d.doc_type == kind for d in docs)
    }


def person_values(person: Individual) -> dict[str, Any]:
    """A person's ``PERSON_COLUMNS``."""
    return {column: getattr(person, column) for column in PERSON_COLUMNS}


def people_rows(people: QuerySet[Individual]) -> Iterator[dict[str, str]]:
    """The people as engine rows, each with their number of the settlement's usual document."""
    persons = list(people.order_by("pk").values(*PERSON_COLUMNS))
    documents = run_documents(p["pk"] for p in persons)
    for person in persons:
        yield engine_row(person, documents.get(person["pk"], ""))


# --- The registry's figures: name frequencies, Latin spellings, size ----------------------


@dataclass
class RegistryModel:
    """What the model knows of a registry: how common each name is, the Latin spellings its
    records written in both scripts teach, and how many people it holds."""

    frequencies: Frequencies
    table: LatinTable
    population: int

    def scorer(self) -> Scorer:
        return Scorer(n_records=max(self.population, MIN_POPULATION))

    def with_alike(
        self, people: QuerySet[Individual], records: Iterable[Prepared], *, extra: int = 0
    ) -> Frequencies:
        """The frequencies, with how many of ``people`` share each record's given name,
        father's name and birth year (``engine.comparisons.alike_key``), plus ``extra`` (the
        person being registered, not yet on file)."""
        alike: dict[str, int] = {}
        for p in records:
            key = alike_key(p)
            if not key or key in alike or p.dob is None:
                continue
            year = p.dob.year
            alike[key] = (
                extra
                + people.filter(
                    given_key=p.given.key,
                    father_key=p.father.key,
                    birth_date__range=(date(year, 1, 1), date(year, 12, 31)),
                ).count()
            )
        return dataclasses.replace(self.frequencies, alike=alike)


def _counts(people: QuerySet[Individual], column: str) -> dict[str, int]:
    """How many people carry each name key (the engine's key, honorifics dropped)."""
    counts: Counter[str] = Counter()
    for text, n in people.values_list(column).annotate(n=Count("pk")).order_by():
        key = engine_name(text or "").key
        if key:
            counts[key] += n
    return dict(counts)


def _latin_spellings(people: QuerySet[Individual]) -> Iterator[tuple[str, str]]:
    """(Latin, Persian) spellings of the names of records written in both scripts, each
    repeated as often as it occurs (as ``LatinTable.learn`` counts them)."""
    for latin_column, column in (
        ("given_name_latin", "given_name"),
        ("family_name_latin", "family_name"),
    ):
        pairs = (
            people.exclude(**{latin_column: ""})
            .exclude(**{column: ""})
            .values_list(latin_column, column)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for latin, persian, n in pairs:
            if not _latin_text(persian):
                for _ in range(n):
                    yield latin, persian


def registry_model(people: QuerySet[Individual]) -> RegistryModel:
    """The model's figures for the current people of ``people``, kept a few minutes (the
    frequencies of thousands of names barely move from one registration to the next)."""
    current = people.filter(status=IndividualStatus.ACTIVE)
    sql, params = current.query.sql_with_params()
    scope = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()
    key = f"matching:model:{cache.get(GENERATION_KEY, 0)}:{scope}"
    found = cache.get(key)
    if isinstance(found, RegistryModel):
        return found
    frequencies = Frequencies(
        given=_counts(current, "given_name"),
        father=_counts(current, "father_name"),
        family=_counts(current, "family_name"),
        total=current.count(),
        alike={},  # counted for the records compared (``with_alike``)
    )
    model = RegistryModel(
        frequencies=frequencies,
        table=LatinTable.learn(_latin_spellings(current)),
        population=frequencies.total,
    )
    cache.set(key, model, MODEL_SECONDS)
    return model


def forget_registry_models() -> None:
    """Forget the kept figures: the next check counts again (after a bulk import, in tests)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)
