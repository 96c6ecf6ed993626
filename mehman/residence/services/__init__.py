"""Every state change of residence: terms and reviews, conversions, campaigns, messages."""

from mehman.residence.services.terms import (
    begin_exit,
    choose_conditions,
    complete_review,
    end_term,
    lock_term,
    open_review,
    open_term,
    record_agreement,
    set_conditions,
    start_term,
    update_plan,
)

__all__ = [
    "begin_exit",
    "choose_conditions",
    "complete_review",
    "end_term",
    "lock_term",
    "open_review",
    "open_term",
    "record_agreement",
    "set_conditions",
    "start_term",
    "update_plan",
]
