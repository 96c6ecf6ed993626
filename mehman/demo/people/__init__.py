"""A synthetic population of Afghan refugee households (see ``households``).

``names`` holds the name tables, Latin spellings and spelling variants;
``households`` builds deterministic, streaming households and flat rows.
"""

from mehman.demo.people.households import (
    FIELDS,
    MARITAL_STATUSES,
    MAX_HOUSEHOLD_SIZE,
    MAX_SERIAL,
    RELATIONSHIPS,
    Household,
    Person,
    generate,
    jalali_midyear,
    jalali_year,
    to_rows,
)
from mehman.demo.people.names import (
    FAMILY_NAMES,
    FEMALE_GIVEN_NAMES,
    LATIN_WORDS,
    MALE_GIVEN_NAMES,
    ZWNJ,
    family_name_shares,
    latin_spellings,
    name_shares,
    spelling_variant,
    spelling_variants,
)

__all__ = [
    "FAMILY_NAMES",
    "FEMALE_GIVEN_NAMES",
    "FIELDS",
    "LATIN_WORDS",
    "MALE_GIVEN_NAMES",
    "MARITAL_STATUSES",
    "MAX_HOUSEHOLD_SIZE",
    "MAX_SERIAL",
    "RELATIONSHIPS",
    "ZWNJ",
    "Household",
    "Person",
    "family_name_shares",
    "generate",
    "jalali_midyear",
    "jalali_year",
    "latin_spellings",
    "name_shares",
    "spelling_variant",
    "spelling_variants",
    "to_rows",
]
