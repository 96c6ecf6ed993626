"""Registration and life events: members, births, deaths, marriages, splits, merges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mehman.core import dates
from mehman.core.models import Settlement
from mehman.registry import departures, queries
from mehman.registry import events as registry_events
from mehman.registry.models import (
    ALLOWED_TRANSITIONS,
    Household,
    HouseholdStatus,
    Individual,
    IndividualStatus,
    MaritalStatus,
    Relationship,
    Sex,
)
from mehman.registry.services._common import (
    REGISTRABLE_STATUSES,
    _build_person,
    _event,
    _lock,
    _lock_person,
    _member_label,
    _person_keys,
    _refresh_size,
    _save,
    _set_household_keys,
    next_reference,
    remember_names,
)
from mehman.registry.services.documents import _create_document


@transaction.atomic
def register_household(
    *,
    settlement: Settlement,
    members: Sequence[Mapping[str, Any]],
    by: Any,
    status: str = HouseholdStatus.APPLICANT,
    phone: str = "",
    block: str = "",
    address: str = "",
    registered_on: date | None = None,
    consent_given: bool = False,
    consent_on: date | None = None,
    consent_note: str = "",
    documents: Mapping[int, Sequence[Mapping[str, Any]]] | None = None,
) -> Household:
    """A household is registered with all its members at once, exactly one of them its head.

    ``documents`` maps a member's position in ``members`` to the documents they hold.
    """
    if not members:
        raise ValidationError(_("A household needs at least one member."), code="empty")
    if status not in REGISTRABLE_STATUSES:
        raise ValidationError(
            _("A household is registered as an applicant or a resident."), code="status"
        )
    heads = [i for i, m in enumerate(members) if m.get("relationship") == Relationship.HEAD]
    if len(heads) != 1:
        raise ValidationError(
            _("Mark exactly one member as the head of household."), code="one_head"
        )
    if consent_given and consent_on is None:
        consent_on = dates.today()
    household = Household(
        reference=next_reference(settlement),
        settlement=settlement,
        status=status,
        phone=phone,
        block=block,
        address=address,
        registered_on=registered_on or dates.today(),
        consent_given=consent_given,
        consent_on=consent_on,
        consent_note=consent_note,
    )
    _set_household_keys(household)
    household.full_clean(exclude=["head", "external_id", "merged_into"])
    _save(household, by, bump=False)
    people = []
    for index, data in enumerate(members):
        try:
            person = _build_person(household, data)
        except ValidationError as exc:
            raise ValidationError(
                _("Member %(n)s: %(error)s") % {"n": index + 1, "error": " ".join(exc.messages)},
                code=_code_of(exc) or "member",
            ) from exc
        _save(person, by, bump=False)
        people.append(person)
    household.head = people[heads[0]]
    household.size = len(people)
    _save(household, by, bump=False)
    remember_names(k for p in people for k in _person_keys(p))
    for index, docs in (documents or {}).items():
        for doc in docs:
            _create_document(people[index], by=by, **doc)
    _event(household, registry_events.REGISTERED, by, size=len(people))
    return household


def _code_of(exc: ValidationError) -> str | None:
    """The first code of an error, also when it is keyed by field."""
    if hasattr(exc, "error_dict"):
        errors = [error for field in exc.error_dict.values() for error in field]
    else:
        errors = exc.error_list
    return next((error.code for error in errors if error.code), None)


@transaction.atomic
def add_member(*, household: Household, by: Any, **data: Any) -> Individual:
    """A new member joins a household that is still open, as anything but a second head."""
    household = _lock(household)
    _ensure_open(household)
    if data.get("relationship") == Relationship.HEAD:
        raise ValidationError(
            _("A household has one head; change the head instead."), code="one_head"
        )
    person = _build_person(household, data)
    _save(person, by, bump=False)
    remember_names(_person_keys(person))
    _refresh_size(household)
    _save(household, by)
    _event(
        household,
        registry_events.MEMBER_ADDED,
        by,
        member=_member_label(person),
        relationship=person.relationship,
        individual=str(person.uuid),
    )
    return person


def _ensure_open(household: Household) -> None:
    if household.status in (HouseholdStatus.CLOSED, HouseholdStatus.DEPARTED):
        raise ValidationError(
            _("This household is closed or has departed; its members cannot change."),
            code="closed",
        )


def _child_relationship(parents: Sequence[Individual], sex: str) -> str:
    near = {Relationship.HEAD, Relationship.SPOUSE}
    if any(p.relationship in near for p in parents):
        return Relationship.DAUGHTER if sex == Sex.FEMALE else Relationship.SON
    return Relationship.GRANDCHILD if parents else Relationship.OTHER_RELATIVE


@transaction.atomic
def record_birth(
    *,
    household: Household,
    by: Any,
    given_name: str,
    sex: str,
    birth_date: date,
    mother: Individual | None = None,
    father: Individual | None = None,
    family_name: str | None = None,
) -> Individual:
    """A child born to a member joins the household, with an exact date of birth."""
    household = _lock(household)
    _ensure_open(household)
    parents = [p for p in (mother, father) if p is not None]
    for parent in parents:
        if parent.household_id != household.pk or not parent.is_active:
            raise ValidationError(
                _("A parent must be a living member of this household."), code="parent"
            )
    if mother is not None and mother.sex != Sex.FEMALE:
        raise ValidationError(_("The mother must be a female member."), code="parent")
    if father is not None and father.sex != Sex.MALE:
        raise ValidationError(_("The father must be a male member."), code="parent")
    if family_name is None:
        family_name = (father or mother).family_name if parents else ""  # type: ignore[union-attr]
    data = {
        "given_name": given_name,
        "family_name": family_name,
        "father_name": father.given_name if father else "",
        "grandfather_name": father.father_name if father else "",
        "sex": sex,
        "birth_date": birth_date,
        "birth_date_estimated": False,
        "relationship": _child_relationship(parents, sex),
        "marital_status": MaritalStatus.SINGLE,
    }
    person = _build_person(household, data)
    _save(person, by, bump=False)
    remember_names(_person_keys(person))
    _refresh_size(household)
    _save(household, by)
    _event(
        household,
        registry_events.BIRTH,
        by,
        member=_member_label(person),
        individual=str(person.uuid),
        birth_date=birth_date.isoformat(),
    )
    return person


@transaction.atomic
def record_death(
    *, person: Individual, died_on: date, by: Any, new_head: Individual | None = None
) -> Individual:
    """A death is recorded, never deleted; a head who dies is succeeded by another member."""
    person = _lock_person(person)
    household = _lock(person.household)
    if not person.is_active:
        raise ValidationError(_("This person is no longer a member."), code="inactive")
    if died_on > dates.today() or (person.birth_date and died_on < person.birth_date):
        raise ValidationError(
            {
                "died_on": ValidationError(
                    _("The date of death must lie between birth and today."), code="date"
                )
            }
        )
    others = household.active_members().exclude(pk=person.pk)
    if household.head_id == person.pk and others.exists():
        if new_head is None:
            raise ValidationError(
                _("The head of household has died: choose the new head."), code="new_head"
            )
        if not others.filter(pk=new_head.pk).exists():
            raise ValidationError(
                _("The new head must be a living member of this household."), code="new_head"
            )
    person.status = IndividualStatus.DECEASED
    person.died_on = died_on
    _save(person, by, _("Death"))
    if spouse := _spouse_of(person, household):
        spouse.marital_status = MaritalStatus.WIDOWED
        _save(spouse, by, _("Spouse died"))
    _event(
        household,
        registry_events.DEATH,
        by,
        member=_member_label(person),
        individual=str(person.uuid),
        died_on=died_on.isoformat(),
    )
    if household.head_id == person.pk and new_head is not None:
        _make_head(household, new_head, by, former_relationship=_former_head(person, new_head))
    _refresh_size(household)
    if household.size == 0:
        household.status = HouseholdStatus.CLOSED
    _save(household, by)
    if household.size == 0:
        departures.leaving(household, HouseholdStatus.CLOSED, departures.DEATH, by, died_on)
    return person


def _former_head(person: Individual, new_head: Individual) -> str:
    """What a former head is to the member who succeeds them."""
    if new_head.relationship == Relationship.SPOUSE:
        return Relationship.SPOUSE
    if new_head.relationship in (Relationship.SON, Relationship.DAUGHTER):
        return Relationship.MOTHER if person.sex == Sex.FEMALE else Relationship.FATHER
    return Relationship.OTHER_RELATIVE


def _spouse_of(person: Individual, household: Household) -> Individual | None:
    if person.relationship == Relationship.HEAD:
        return household.active_members().filter(relationship=Relationship.SPOUSE).first()
    if person.relationship == Relationship.SPOUSE and household.head is not None:
        head = household.head
        return head if head.is_active and head.pk != person.pk else None
    return None


def _make_head(
    household: Household, new_head: Individual, by: Any, *, former_relationship: str | None
) -> None:
    old = household.head
    if old is not None and old.pk != new_head.pk and former_relationship:
        old = Individual.objects.select_for_update().get(pk=old.pk)
        old.relationship = former_relationship
        _save(old, by, _("Head changed"))
    new_head = Individual.objects.select_for_update().get(pk=new_head.pk)
    new_head.relationship = Relationship.HEAD
    _save(new_head, by, _("Head changed"))
    household.head = new_head
    _event(
        household,
        registry_events.HEAD_CHANGED,
        by,
        member=_member_label(new_head),
        individual=str(new_head.uuid),
    )


@transaction.atomic
def change_head(
    *,
    household: Household,
    new_head: Individual,
    by: Any,
    former_head_relationship: str = Relationship.OTHER_RELATIVE,
) -> Household:
    """The head of household is always one of its living members."""
    household = _lock(household)
    _ensure_open(household)
    if not household.active_members().filter(pk=new_head.pk).exists():
        raise ValidationError(
            _("The new head must be a living member of this household."), code="new_head"
        )
    if household.head_id == new_head.pk:
        return household
    if former_head_relationship == Relationship.HEAD:
        raise ValidationError(_("A household has one head."), code="one_head")
    _make_head(household, new_head, by, former_relationship=former_head_relationship)
    _save(household, by)
    return household


def _move(
    person: Individual, to: Household, relationship: str, by: Any, reason: StrOrPromise
) -> None:
    person.household = to
    person.relationship = relationship
    _save(person, by, reason)


@transaction.atomic
def record_marriage(
    *,
    person: Individual,
    spouse: Individual,
    married_on: date,
    by: Any,
    new_head: Individual | None = None,
) -> Individual:
    """Two registered people marry; the first moves into the spouse's household."""
    person = _lock_person(person)
    spouse = _lock_person(spouse)
    if person.pk == spouse.pk or not person.is_active or not spouse.is_active:
        raise ValidationError(_("Both spouses must be living members."), code="spouse")
    if any(
        p.marital_status == MaritalStatus.MARRIED and p.sex == Sex.FEMALE for p in (person, spouse)
    ):
        raise ValidationError(_("She is already recorded as married."), code="married")
    if married_on > dates.today():
        raise ValidationError(_("The date of marriage cannot be in the future."), code="date")
    origin = _lock(person.household)
    target = _lock(spouse.household)
    _ensure_open(target)
    if origin.settlement_id != target.settlement_id:
        raise ValidationError(
            _("Both households must be in the same settlement."), code="settlement"
        )
    if origin.pk != target.pk:
        others = origin.active_members().exclude(pk=person.pk)
        if origin.head_id == person.pk and others.exists():
            if new_head is None or not others.filter(pk=new_head.pk).exists():
                raise ValidationError(
                    _("The head is leaving: choose the new head among the remaining members."),
                    code="new_head",
                )
            _make_head(origin, new_head, by, former_relationship=None)
        relationship: str = {
            Relationship.HEAD: Relationship.SPOUSE,
            Relationship.SON: Relationship.DAUGHTER_IN_LAW,
            Relationship.DAUGHTER: Relationship.SON_IN_LAW,
        }.get(Relationship(spouse.relationship), Relationship.OTHER_RELATIVE)
        person.marital_status = MaritalStatus.MARRIED
        _move(person, target, relationship, by, _("Marriage"))
        _refresh_size(origin)
        if origin.size == 0:
            origin.status = HouseholdStatus.CLOSED
        _save(origin, by)
        if origin.size == 0:
            departures.leaving(origin, HouseholdStatus.CLOSED, departures.MARRIAGE, by, married_on)
        _refresh_size(target)
        _save(target, by)
        _event(
            origin,
            registry_events.MARRIED_OUT,
            by,
            member=_member_label(person),
            other=target.reference,
            individual=str(person.uuid),
        )
        _event(
            target,
            registry_events.MARRIED_IN,
            by,
            member=_member_label(person),
            other=origin.reference,
            individual=str(person.uuid),
        )
    else:
        person.marital_status = MaritalStatus.MARRIED
        _save(person, by, _("Marriage"))
        _event(target, registry_events.MARRIAGE, by, member=_member_label(person))
    spouse.marital_status = MaritalStatus.MARRIED
    _save(spouse, by, _("Marriage"))
    return person


@transaction.atomic
def split_household(
    *,
    household: Household,
    members: Sequence[Individual],
    new_head: Individual,
    by: Any,
    block: str = "",
    address: str = "",
    phone: str = "",
) -> Household:
    """Some members leave to form a household of their own; the rest keep theirs and its head."""
    household = _lock(household)
    _ensure_open(household)
    moving = {m.pk for m in members}
    active = set(household.active_members().values_list("pk", flat=True))
    if not moving or not moving <= active:
        raise ValidationError(_("Choose members of this household to move."), code="members")
    if new_head.pk not in moving:
        raise ValidationError(_("The new head must be one of the moving members."), code="new_head")
    if household.head_id in moving:
        raise ValidationError(
            _("The head stays: change the head first if the head is leaving."), code="head"
        )
    new = Household(
        reference=next_reference(household.settlement),
        settlement=household.settlement,
        status=household.status,
        block=block,
        address=address,
        phone=phone,
        consent_given=household.consent_given,
        consent_on=household.consent_on,
        consent_note=household.consent_note,
    )
    _set_household_keys(new)
    _save(new, by, _("Split"), bump=False)
    for person in Individual.objects.select_for_update().filter(pk__in=moving):
        if person.pk == new_head.pk:
            relationship: str = Relationship.HEAD
            new.head = person
        elif person.relationship in (Relationship.HEAD, Relationship.SPOUSE):
            relationship = Relationship.OTHER_RELATIVE
        else:
            relationship = person.relationship
        _move(person, new, relationship, by, _("Split"))
    _refresh_size(new)
    _save(new, by, bump=False)
    _refresh_size(household)
    _save(household, by)
    _event(household, registry_events.SPLIT_FROM, by, count=len(moving), other=new.reference)
    _event(new, registry_events.SPLIT_INTO, by, count=len(moving), other=household.reference)
    return new


@transaction.atomic
def merge_households(
    *,
    keep: Household,
    absorb: Household,
    by: Any,
    former_head_relationship: str = Relationship.OTHER_RELATIVE,
) -> Household:
    """Two households of one settlement become one; the absorbed one stays on record, closed."""
    if keep.pk == absorb.pk:
        raise ValidationError(_("A household cannot merge with itself."), code="same")
    first, second = sorted([keep, absorb], key=lambda h: h.pk)
    _lock(first)
    _lock(second)
    keep = Household.objects.get(pk=keep.pk)
    absorb = Household.objects.get(pk=absorb.pk)
    _ensure_open(keep)
    _ensure_open(absorb)
    if keep.settlement_id != absorb.settlement_id:
        raise ValidationError(
            _("Both households must be in the same settlement."), code="settlement"
        )
    moved = list(absorb.active_members().select_for_update())
    previous = {"status": absorb.status, "head": str(absorb.head.uuid) if absorb.head else ""}
    relationships = {str(person.uuid): person.relationship for person in moved}
    # The absorbed household's head and spouse are no longer head and spouse.
    new_relationship: dict[str, str] = {
        Relationship.HEAD: former_head_relationship,
        Relationship.SPOUSE: Relationship.OTHER_RELATIVE,
    }
    for person in moved:
        relationship = new_relationship.get(person.relationship, person.relationship)
        _move(person, keep, relationship, by, _("Merge"))
    absorb.status = HouseholdStatus.CLOSED
    absorb.merged_into = keep
    _refresh_size(absorb)
    _save(absorb, by, _("Merge"))
    departures.leaving(absorb, HouseholdStatus.CLOSED, departures.MERGE, by, dates.today())
    _refresh_size(keep)
    _save(keep, by, _("Merge"))
    _event(
        absorb,
        registry_events.MERGED_AWAY,
        by,
        other=keep.reference,
        moved=relationships,
        previous=previous,
    )
    _event(keep, registry_events.MERGED_IN, by, count=len(moved), other=absorb.reference)
    return keep


@transaction.atomic
def unmerge_households(*, absorbed: Household, by: Any) -> Household:
    """A merge is undone: members who came from the absorbed household go back to it."""
    absorbed = _lock(absorbed)
    if absorbed.merged_into_id is None:
        raise ValidationError(_("This household was not merged."), code="not_merged")
    keep = _lock(absorbed.merged_into)  # type: ignore[arg-type]
    merge = queries.household_merge(absorbed)
    if merge is None:
        raise ValidationError(_("The merge is not on record."), code="not_merged")
    moved: dict[str, str] = merge.params.get("moved", {})
    previous = merge.params.get("previous", {})
    back = list(keep.active_members().select_for_update().filter(uuid__in=list(moved)))
    if any(person.pk == keep.head_id for person in back):
        raise ValidationError(
            _("The head of %(keep)s came from this household: change that head first.")
            % {"keep": keep.reference},
            code="head",
        )
    for person in back:
        _move(person, absorbed, moved[str(person.uuid)], by, _("Merge undone"))
        if str(person.uuid) == previous.get("head"):
            absorbed.head = person
    absorbed.status = previous.get("status", HouseholdStatus.APPLICANT)
    absorbed.merged_into = None
    _refresh_size(absorbed)
    _save(absorbed, by, _("Merge undone"))
    _refresh_size(keep)
    _save(keep, by, _("Merge undone"))
    _event(absorbed, registry_events.UNMERGED, by, count=len(back), other=absorbed.reference)
    _event(keep, registry_events.UNMERGED, by, count=len(back), other=absorbed.reference)
    return absorbed


@transaction.atomic
def change_status(*, household: Household, status: str, by: Any, reason: str = "") -> Household:
    """A household's status follows ALLOWED_TRANSITIONS (intake, housing and exits call this)."""
    household = _lock(household)
    if status == household.status:
        return household
    if status not in ALLOWED_TRANSITIONS.get(household.status, frozenset()):
        raise ValidationError(
            _("A household cannot go from %(old)s to %(new)s.")
            % {
                "old": household.get_status_display(),
                "new": dict(HouseholdStatus.choices).get(status, status),
            },
            code="transition",
        )
    household.status = status
    _save(household, by, reason)
    if status in (HouseholdStatus.DEPARTED, HouseholdStatus.CLOSED):
        departures.leaving(household, status, departures.STATUS, by, dates.today())
    _event(household, registry_events.STATUS_CHANGED, by, status=status, reason=reason)
    return household
