"""Corrections of recorded fields, always with a reason and from the version seen."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mehman.registry import events as registry_events
from mehman.registry.models import (
    Household,
    IdentityDocument,
    Individual,
    Relationship,
)
from mehman.registry.services._common import (
    CORRECTABLE,
    _check_birth_date,
    _check_version,
    _event,
    _jsonable,
    _person_keys,
    _save,
    _set_household_keys,
    remember_names,
    set_search_keys,
)
from mehman.registry.services.documents import _check_document


def _household_of(record: Household | Individual | IdentityDocument) -> Household:
    if isinstance(record, Household):
        return record
    if isinstance(record, Individual):
        return record.household
    return record.individual.household


@transaction.atomic
def correct(
    *,
    record: Household | Individual | IdentityDocument,
    by: Any,
    reason: str,
    expected_version: int | None = None,
    **changes: Any,
) -> Household | Individual | IdentityDocument:
    """A field is corrected only with a reason, from the version the editor saw."""
    model = type(record)
    allowed = CORRECTABLE[model]
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError(
            _("These fields cannot be corrected here: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
            code="not_correctable",
        )
    if not reason.strip():
        raise ValidationError(
            {"reason": ValidationError(_("Give the reason for the correction."), code="reason")}
        )
    locked: Any = model.objects.select_for_update().get(pk=record.pk)
    _check_version(locked, expected_version)
    if isinstance(locked, Individual) and "relationship" in changes:
        becomes_head = changes["relationship"] == Relationship.HEAD
        if becomes_head and locked.relationship != Relationship.HEAD:
            raise ValidationError(_("Use “change head” to make someone the head."), code="one_head")
        if not becomes_head and locked.relationship == Relationship.HEAD:
            raise ValidationError(_("Use “change head” to replace the head."), code="one_head")
    changed = {
        name: [_jsonable(getattr(locked, name)), _jsonable(value)]
        for name, value in changes.items()
        if getattr(locked, name) != value
    }
    if not changed:
        return locked  # type: ignore[no-any-return]
    for name, value in changes.items():
        setattr(locked, name, value)
    if isinstance(locked, Individual):
        set_search_keys(locked)
        _check_birth_date(locked)
        locked.full_clean(exclude=["household", "given_key"])
        remember_names(_person_keys(locked))
    elif isinstance(locked, Household):
        _set_household_keys(locked)
        locked.full_clean(exclude=["head", "external_id", "merged_into"])
    else:
        _check_document(locked)
        locked.full_clean(exclude=["individual", "number", "scan"])
    _save(locked, by, reason)
    _event(
        _household_of(locked),
        registry_events.CORRECTED,
        by,
        record_model=model._meta.label,
        fields=sorted(changed),
        reason=reason,
        record=str(locked.uuid),
    )
    return locked  # type: ignore[no-any-return]
