"""The check at registration: the people on file most likely to be the person being registered,
with the evidence side by side, before anything is saved.

It must feel instant, so nothing is scanned: the candidates come from the registry's indexed
keys (consonant skeletons of the names with the father's or family name or the birth year,
the Latin name's skeleton, a prefix-less given name with the father's name, phone, document
number), each key within the same budget as in a run (a key shared by too many people finds
nothing: the narrower keys do), a few hundred people at most. They are scored in Python with
the registry's name frequencies (``_common.registry_model``, kept a few minutes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import Any, Final

from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mehman.core import dates, names
from mehman.matching.engine import Match, Prepared, prepare
from mehman.matching.engine.comparisons import levels, vetoed
from mehman.matching.engine.frame import BLOCK_CAPS
from mehman.matching.engine.pipeline import KEEP_THRESHOLD
from mehman.matching.engine.prepare import BirthDate
from mehman.matching.labels import FIELD_LEVEL_LABELS, LEVEL_LABELS
from mehman.matching.services._common import (
    Document,
    RegistryModel,
    comparable,
    engine_row,
    person_values,
    personal_documents,
    registry_model,
)
from mehman.registry.duplicates import FieldEvidence, PossibleMatch
from mehman.registry.models import (
    SHARED_DOCUMENT_TYPES,
    IdentityDocument,
    Individual,
    IndividualStatus,
    Sex,
)

MAX_CANDIDATES: Final = 300
DEFAULT_BUDGET: Final = 60
SHOWN: Final = 5
# Given names often written with or without one of these in front (محمد حسین / حسین).
PREFIXES: Final = ("محمد", "غلام")

SAME, SIMILAR, DIFFERENT, MISSING = "same", "similar", "different", "missing"
# The documents set side by side: the typed one and the one on file (either may be missing).
Side = tuple[Document | None, Document | None]

FIELD_LABELS: Final[dict[str, StrOrPromise]] = {
    "given": _("Given name"),
    "father": _("Father's name"),
    "family": _("Family name"),
    "latin": _("Name in Latin letters"),
    "birth_date": _("Date of birth"),
    "document": _("Document"),
    "phone": _("Phone"),
    "sex": _("Sex"),
}
VERDICT_LABELS: Final[dict[str, StrOrPromise]] = {
    SAME: _("the same"),
    DIFFERENT: _("different"),
    MISSING: _("not recorded"),
}
SPELLED_DIFFERENTLY: Final = _("spelled differently")
SIMILAR_LABEL: Final = _("similar")
NAME_FIELDS: Final = ("given", "father", "family")


# --- Candidates ---------------------------------------------------------------------------


def _years(p: Prepared) -> tuple[date, date] | None:
    if p.dob is None:
        return None
    return date(p.dob.year - 1, 1, 1), date(p.dob.year + 1, 12, 31)


def _exact(dob: BirthDate | None) -> date | None:
    if dob is None or not dob.month:
        return None
    try:
        return date(dob.year, dob.month, dob.day)
    except ValueError:
        return None


def _skeletons(engine_skel: str, typed: str) -> list[str]:
    """The name's skeleton as the engine reads it (honorifics dropped) and as the registry
    stored it (as typed)."""
    return sorted({s for s in (engine_skel, names.skeleton(typed)) if s})


def _given_keys(p: Prepared) -> list[str]:
    """The given name's key with and without a prefix (محمد حسین, حسین)."""
    core = p.given.core or p.given.key
    if not core:
        return []
    return sorted({p.given.key, core, *(prefix + core for prefix in PREFIXES)} - {""})


def _budget(rule: str) -> int:
    """The most people one key of the engine's blocking rule may gather."""
    return int(BLOCK_CAPS.get(rule, DEFAULT_BUDGET))


def _lookups(p: Prepared, member: Mapping[str, Any], numbers: Sequence[str]) -> Iterator[Any]:
    """(budget, filter) for each indexed key of the person being registered, narrowest first."""
    if numbers:
        holders = IdentityDocument.objects.filter(number__in=list(numbers))
        yield _budget("b_doc"), Q(pk__in=holders.values("individual_id"))
    if p.phone:
        yield _budget("b_tel"), Q(phone_key=p.phone)
    given = _skeletons(p.given.skel, str(member.get("given_name") or ""))
    father = _skeletons(p.father.skel, str(member.get("father_name") or ""))
    family = _skeletons(p.family.skel, str(member.get("family_name") or ""))
    years, exact = _years(p), _exact(p.dob)
    if given and father:
        yield _budget("b_gf"), Q(given_skel__in=given, father_skel__in=father)
    if given and family and years:
        yield (
            _budget("b_gsy"),
            Q(given_skel__in=given, family_skel__in=family, birth_date__range=years),
        )
    if given and exact:
        yield _budget("b_gd"), Q(given_skel__in=given, birth_date=exact)
    if given and years:
        yield _budget("b_gy"), Q(given_skel__in=given, birth_date__range=years)
    if father and family and exact:
        yield (
            _budget("b_fsd"),
            Q(birth_date=exact, father_skel__in=father, family_skel__in=family),
        )
    if given and years:
        yield _budget("b_gy"), Q(latin_skel__in=given, birth_date__range=years)
    if given and family:
        yield _budget("b_gfs"), Q(latin_skel__in=given, family_skel__in=family)
    father_key = names.name_key(str(member.get("father_name") or ""))
    keys = _given_keys(p)
    if keys and father_key:
        yield _budget("b_cfy"), Q(given_key__in=keys, father_key=father_key)


def _candidates(
    people: QuerySet[Individual], p: Prepared, member: Mapping[str, Any], numbers: Sequence[str]
) -> list[int]:
    """Ids of the people sharing a key with the person being registered (a key shared by more
    people than its budget finds nothing, as in a run)."""
    found: dict[int, None] = {}
    for budget, lookup in _lookups(p, member, numbers):
        ids = list(people.filter(lookup).order_by().values_list("pk", flat=True)[: budget + 1])
        if len(ids) > budget:
            continue
        for pk in ids:
            found.setdefault(pk)
            if len(found) >= MAX_CANDIDATES:
                return list(found)
    return list(found)


# --- The evidence, side by side -----------------------------------------------------------


def _sex_label(code: str) -> str:
    return str(dict(Sex.choices).get(code, code or ""))


def _date_text(dob: BirthDate | None, typed: Any) -> str:
    if dob is None:
        return str(typed or "")
    day = date(dob.year, dob.month or 1, dob.day or 1)
    if not dob.month:
        return gettext("%(date)s (estimated)") % {"date": dates.format_date(day)}
    return dates.format_date(day)


def _latin(given: str, family: str, given_latin: str, family_latin: str) -> str:
    """The name in Latin letters: the Latin fields, or Latin letters typed in the others."""
    parts = [
        latin or (text if text and names.fold(text).isascii() else "")
        for text, latin in ((given, given_latin), (family, family_latin))
    ]
    return " ".join(part.strip() for part in parts if part and part.strip())


def _latin_verdict(typed: str, on_file: str) -> tuple[str, StrOrPromise]:
    if not typed or not on_file:
        return MISSING, VERDICT_LABELS[MISSING]
    if names.fold(typed) == names.fold(on_file):
        return SAME, VERDICT_LABELS[SAME]
    if names.skeleton(typed) == names.skeleton(on_file):
        return SIMILAR, SPELLED_DIFFERENTLY
    return DIFFERENT, VERDICT_LABELS[DIFFERENT]


def _verdict(field: str, level: str, typed: str, on_file: str) -> tuple[str, StrOrPromise]:
    if level == "null":
        return MISSING, VERDICT_LABELS[MISSING]
    if level.startswith("exact"):
        if field in NAME_FIELDS and typed.strip() != on_file.strip():
            return SAME, SPELLED_DIFFERENTLY
        return SAME, VERDICT_LABELS[SAME]
    if level == "else":
        return DIFFERENT, VERDICT_LABELS[DIFFERENT]
    label = FIELD_LEVEL_LABELS.get((field, level)) or LEVEL_LABELS.get(level)
    if label is None:
        label = SPELLED_DIFFERENTLY if field in NAME_FIELDS else SIMILAR_LABEL
    return SIMILAR, label


def _typed_documents(member: Mapping[str, Any]) -> list[Document]:
    """The member's documents, normalised as the registry keeps them."""
    found = []
    for doc_type, number in member.get("documents") or ():
        key = names.document_key(str(number or ""))
        if key:
            found.append(Document(str(doc_type), key, str(number).strip()))
    return found


def _document_sides(member: Mapping[str, Any], documents: Side) -> tuple[str, str]:
    mine, theirs = documents
    if mine is None:
        typed = _typed_documents(member)
        return (typed[0].typed if typed else ""), ""
    return mine.typed, theirs.typed if theirs else ""


def _evidence(
    member: Mapping[str, Any],
    typed: Prepared,
    person: Individual,
    on_file: Prepared,
    documents: Side,
    match: Match,
) -> tuple[FieldEvidence, ...]:
    sides: dict[str, tuple[str, str]] = {
        "given": (str(member.get("given_name") or ""), person.given_name),
        "father": (str(member.get("father_name") or ""), person.father_name),
        "family": (str(member.get("family_name") or ""), person.family_name),
        "birth_date": (
            _date_text(typed.dob, member.get("birth_date")),
            _date_text(on_file.dob, person.birth_date),
        ),
        "document": _document_sides(member, documents),
        "phone": (str(member.get("phone") or ""), person.phone),
        "sex": (_sex_label(str(member.get("sex") or "")), person.get_sex_display()),
    }
    levels_by_field = {e.field: e.level for e in match.evidence}
    rows = []
    for field, label in FIELD_LABELS.items():
        if field == "latin":
            typed_text = _latin(
                str(member.get("given_name") or ""),
                str(member.get("family_name") or ""),
                str(member.get("given_name_latin") or ""),
                str(member.get("family_name_latin") or ""),
            )
            on_file_text = person.latin_name
            verdict, verdict_label = _latin_verdict(typed_text, on_file_text)
        else:
            typed_text, on_file_text = sides[field]
            verdict, verdict_label = _verdict(
                field, levels_by_field.get(field, "null"), typed_text, on_file_text
            )
        rows.append(
            FieldEvidence(
                label=str(label),
                typed=typed_text,
                on_file=on_file_text,
                verdict=verdict,
                verdict_label=str(verdict_label),
            )
        )
    return tuple(rows)


# --- The check ----------------------------------------------------------------------------


def check_person(people: QuerySet[Individual], member: dict[str, Any]) -> list[PossibleMatch]:
    """The people on file among ``people`` (the clerk's scope) most likely to be ``member``
    (as the registration wizard cleaned it, with ``documents`` as ``(type, number)``), most
    likely first, at most five, each with the evidence field by field.

    Twins and siblings (a given name plainly different, the rest alike) are not offered.
    """
    # Also those who died or left: registering them again is worth a look. A record merged
    # into another is not a person of its own.
    on_file = people.exclude(status=IndividualStatus.MERGED)
    model: RegistryModel = registry_model(people)
    documents = _typed_documents(member)
    personal = [d for d in documents if d.doc_type not in SHARED_DOCUMENT_TYPES]
    typed_row = engine_row({**member, "pk": ""})
    typed = prepare(-1, typed_row, model.table)
    ids = _candidates(on_file, typed, member, [d.number for d in documents])
    if not ids:
        return []
    on_file_documents = personal_documents(ids)
    scorer = model.scorer()
    frequencies = model.with_alike(on_file, [typed], extra=1)
    buckets = frequencies.buckets()
    found: list[tuple[Match, Individual, Prepared, Prepared, Side]] = []
    for person in on_file.filter(pk__in=ids).select_related("household"):
        mine, theirs = comparable(personal, on_file_documents.get(person.pk, []))
        # The person being registered is read with the document set beside this candidate's.
        me = prepare(-1, {**typed_row, "document_number": mine.number if mine else ""}, model.table)
        row = engine_row(person_values(person), theirs.number if theirs else "")
        other = prepare(person.pk, row, model.table)
        if vetoed(me, other, levels(me, other, buckets)):
            continue
        match = scorer.compare(me, other, frequencies)
        if match.probability >= KEEP_THRESHOLD:
            found.append((match, person, me, other, (mine, theirs)))
    found.sort(key=lambda item: (-item[0].probability, item[1].pk))
    return [
        PossibleMatch(
            individual=person,
            probability=match.probability,
            evidence=_evidence(member, me, person, other, side, match),
        )
        for match, person, me, other, side in found[:SHOWN]
    ]
