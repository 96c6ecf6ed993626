"""Every change to the registry: registration, life events, documents, needs, corrections,
people registered twice.

Each service runs in one transaction, locks what it changes, bumps the record's
version, leaves a history row (django-simple-history) and writes an event on
the household timeline. Broken rules raise ``ValidationError`` with a code.
"""

from mehman.registry.services._common import (
    CORRECTABLE,
    DOCUMENT_FIELDS,
    HOUSEHOLD_FIELDS,
    INDIVIDUAL_FIELDS,
    format_reference,
    next_reference,
    remember_names,
    set_search_keys,
)
from mehman.registry.services.corrections import correct
from mehman.registry.services.documents import (
    add_document,
    national_code_is_valid,
    validate_document_number,
    verify_document,
)
from mehman.registry.services.households import (
    add_member,
    change_head,
    change_status,
    merge_households,
    record_birth,
    record_death,
    record_marriage,
    register_household,
    split_household,
    unmerge_households,
)
from mehman.registry.services.links import (
    link_households,
    related_households,
    set_home,
    unlink_households,
)
from mehman.registry.services.needs import add_case_note, record_need, resolve_need
from mehman.registry.services.people import merge_individuals, unmerge_individual

__all__ = [
    "CORRECTABLE",
    "DOCUMENT_FIELDS",
    "HOUSEHOLD_FIELDS",
    "INDIVIDUAL_FIELDS",
    "add_case_note",
    "add_document",
    "add_member",
    "change_head",
    "change_status",
    "correct",
    "format_reference",
    "link_households",
    "merge_households",
    "merge_individuals",
    "national_code_is_valid",
    "next_reference",
    "record_birth",
    "record_death",
    "record_marriage",
    "record_need",
    "register_household",
    "related_households",
    "remember_names",
    "resolve_need",
    "set_home",
    "set_search_keys",
    "split_household",
    "unlink_households",
    "unmerge_households",
    "unmerge_individual",
    "validate_document_number",
    "verify_document",
]
