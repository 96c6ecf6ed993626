"""Organisations, their contacts and staff accounts, and their agreements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.core.models import Settlement
from mehman.partners import events
from mehman.partners.models import (
    Agreement,
    Contact,
    DataCategory,
    DataSharingAgreement,
    Organisation,
    OrganisationStaff,
    OrganisationType,
)
from mehman.partners.services._common import (
    check_period,
    check_sectors,
    check_version,
    jsonable,
    record_event,
    save_recorded,
    today,
)

ORGANISATION_FIELDS = (
    "name_fa",
    "name_en",
    "acronym",
    "org_type",
    "sectors",
    "phone",
    "email",
    "address",
    "website",
    "notes",
    "is_active",
)


def _check_names(name_fa: str, name_en: str) -> None:
    if not (name_fa or "").strip() or not (name_en or "").strip():
        raise ValidationError(
            _("An organisation needs its name in Persian and in English."), code="name"
        )


@transaction.atomic
def register_organisation(
    *,
    by: Any,
    name_fa: str,
    name_en: str,
    org_type: str,
    settlements: Iterable[Settlement] = (),
    acronym: str = "",
    sectors: Iterable[str] = (),
    phone: str = "",
    email: str = "",
    address: str = "",
    website: str = "",
    notes: str = "",
) -> Organisation:
    """An organisation is known by its names in both languages and its type."""
    _check_names(name_fa, name_en)
    if org_type not in OrganisationType.values:
        raise ValidationError({"org_type": ValidationError(_("Unknown type."), code="type")})
    organisation = Organisation(
        name_fa=name_fa.strip(),
        name_en=name_en.strip(),
        acronym=acronym.strip(),
        org_type=org_type,
        sectors=check_sectors(sectors),
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
        website=website.strip(),
        notes=notes,
    )
    organisation.full_clean(exclude=["settlements"])
    save_recorded(organisation, by)
    organisation.settlements.set(list(settlements))
    record_event(organisation, events.ORGANISATION_REGISTERED, by, name=organisation.name_en)
    return organisation


@transaction.atomic
def update_organisation(
    *,
    organisation: Organisation,
    by: Any,
    version: int | None = None,
    settlements: Iterable[Settlement] | None = None,
    **fields: Any,
) -> Organisation:
    """Change an organisation's details; a stale copy is refused."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    check_version(locked, version)
    unknown = set(fields) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if "sectors" in fields:
        fields["sectors"] = check_sectors(fields["sectors"])
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, fields[name])
    _check_names(locked.name_fa, locked.name_en)
    if locked.org_type not in OrganisationType.values:
        raise ValidationError({"org_type": ValidationError(_("Unknown type."), code="type")})
    if settlements is not None:
        new = {s.pk for s in settlements}
        if new != set(locked.settlements.values_list("pk", flat=True)):
            changed.append("settlements")
    if not changed:
        return locked
    locked.full_clean(exclude=["settlements"])
    save_recorded(locked, by)
    if settlements is not None:
        locked.settlements.set(list(settlements))
    record_event(locked, events.ORGANISATION_UPDATED, by, fields=sorted(changed))
    return locked


@transaction.atomic
def add_contact(
    *,
    organisation: Organisation,
    by: Any,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
) -> Contact:
    """A contact person has at least a name and a way to reach them."""
    if not name.strip():
        raise ValidationError({"name": ValidationError(_("Give the contact's name."), code="name")})
    if not (phone.strip() or email.strip()):
        raise ValidationError(_("Give a phone number or an email address."), code="reach")
    contact = Contact(
        organisation=organisation,
        name=name.strip(),
        title=title.strip(),
        phone=phone.strip(),
        email=email.strip(),
    )
    contact.full_clean()
    save_recorded(contact, by)
    record_event(organisation, events.CONTACT_ADDED, by, name=contact.name)
    return contact


def _is_partner_account(user: Any) -> bool:
    return not getattr(user, "sees_settlement_records", True) and not getattr(
        user, "has_national_scope", False
    )


@transaction.atomic
def link_staff(*, organisation: Organisation, user: Any, by: Any) -> OrganisationStaff:
    """Only a partner staff account may work for an organisation, and for one at a time."""
    if not _is_partner_account(user):
        raise ValidationError(
            _("Only accounts with the partner staff role can be linked to an organisation."),
            code="not_partner",
        )
    existing = OrganisationStaff.objects.select_for_update().filter(user=user).first()
    if existing is not None and existing.is_active and existing.organisation_id != organisation.pk:
        raise ValidationError(
            _("This account already works for another organisation; unlink it there first."),
            code="other_organisation",
        )
    if existing is not None and existing.is_active:
        return existing
    link = existing or OrganisationStaff(user=user, organisation=organisation)
    link.organisation = organisation
    link.is_active = True
    save_recorded(link, by)
    record_event(organisation, events.STAFF_LINKED, by, username=user.get_username())
    return link


@transaction.atomic
def unlink_staff(*, link: OrganisationStaff, by: Any) -> OrganisationStaff:
    """The account loses every view through the organisation at once."""
    locked = OrganisationStaff.objects.select_for_update().get(pk=link.pk)
    if not locked.is_active:
        return locked
    locked.is_active = False
    save_recorded(locked, by)
    record_event(
        locked.organisation, events.STAFF_UNLINKED, by, username=locked.user.get_username()
    )
    return locked


def _check_settlements(organisation: Organisation, settlements: list[Settlement]) -> None:
    if not settlements:
        raise ValidationError(
            {
                "settlements": ValidationError(
                    _("Choose at least one settlement."), code="settlements"
                )
            }
        )
    works_in = set(organisation.settlements.values_list("pk", flat=True))
    outside = [s for s in settlements if s.pk not in works_in]
    if outside:
        raise ValidationError(
            {
                "settlements": ValidationError(
                    _("The organisation does not work in %(names)s."),
                    code="settlements",
                    params={"names": ", ".join(str(s) for s in outside)},
                )
            }
        )


@transaction.atomic
def record_agreement(
    *,
    organisation: Organisation,
    by: Any,
    title: str,
    scope: str,
    settlements: Iterable[Settlement],
    valid_from: date,
    valid_to: date,
    sectors: Iterable[str] = (),
    signed_on: date | None = None,
    reference: str = "",
) -> Agreement:
    """A memorandum of understanding states its scope, settlements and validity."""
    chosen = list(settlements)
    _check_settlements(organisation, chosen)
    check_period(valid_from, valid_to)
    if not title.strip() or not scope.strip():
        raise ValidationError(_("Give the agreement's title and scope."), code="scope")
    agreement = Agreement(
        organisation=organisation,
        title=title.strip(),
        scope=scope.strip(),
        sectors=check_sectors(sectors),
        valid_from=valid_from,
        valid_to=valid_to,
        signed_on=signed_on,
        reference=reference.strip(),
    )
    save_recorded(agreement, by)
    agreement.settlements.set(chosen)
    record_event(
        organisation,
        events.AGREEMENT_RECORDED,
        by,
        title=agreement.title,
        valid_from=jsonable(valid_from),
        valid_to=jsonable(valid_to),
    )
    return agreement


@transaction.atomic
def record_data_agreement(
    *,
    organisation: Organisation,
    by: Any,
    purpose: str,
    categories: Iterable[str],
    settlements: Iterable[Settlement],
    valid_from: date,
    valid_to: date,
    signed_on: date | None = None,
    reference: str = "",
) -> DataSharingAgreement:
    """A data-sharing agreement names the settlements, the data and the period it covers."""
    chosen = list(settlements)
    _check_settlements(organisation, chosen)
    check_period(valid_from, valid_to)
    picked = [c for c in dict.fromkeys(categories) if c]
    unknown = [c for c in picked if c not in DataCategory.values]
    if unknown:
        raise ValidationError(
            {"categories": ValidationError(_("Unknown data category."), code="category")}
        )
    if not purpose.strip():
        raise ValidationError(
            {"purpose": ValidationError(_("State the purpose of sharing."), code="purpose")}
        )
    agreement = DataSharingAgreement(
        organisation=organisation,
        purpose=purpose.strip(),
        categories=picked,
        valid_from=valid_from,
        valid_to=valid_to,
        signed_on=signed_on,
        reference=reference.strip(),
    )
    save_recorded(agreement, by)
    agreement.settlements.set(chosen)
    record_event(
        organisation,
        events.DATA_AGREEMENT_RECORDED,
        by,
        purpose=agreement.purpose,
        valid_from=jsonable(valid_from),
        valid_to=jsonable(valid_to),
    )
    return agreement


@transaction.atomic
def revoke_agreement(
    *, agreement: Agreement | DataSharingAgreement, by: Any, reason: str, on: date | None = None
) -> Agreement | DataSharingAgreement:
    """Revoking ends an agreement from the given day (today by default), with a reason."""
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for revoking."), code="reason")}
        )
    locked: Agreement | DataSharingAgreement = (
        type(agreement).objects.select_for_update().get(pk=agreement.pk)
    )
    if locked.revoked_on is not None:
        raise ValidationError(_("This agreement is already revoked."), code="revoked")
    locked.revoked_on = on or today()
    locked.revoke_reason = reason.strip()
    save_recorded(locked, by, reason)
    if isinstance(locked, DataSharingAgreement):
        record_event(
            locked.organisation,
            events.DATA_AGREEMENT_REVOKED,
            by,
            purpose=locked.purpose,
            reason=locked.revoke_reason,
        )
    else:
        record_event(
            locked.organisation,
            events.AGREEMENT_REVOKED,
            by,
            title=locked.title,
            reason=locked.revoke_reason,
        )
    return locked
