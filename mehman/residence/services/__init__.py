"""Every state change of residence: terms and reviews, conversions, campaigns, messages.

Each topic lives in its own module (``terms``, ``conversion``, ``campaigns``, ``conditions``,
``messages``, ``digests``); the ones other apps and the demo use most are named here.
"""

from mehman.residence.services.campaigns import (
    close_campaign,
    excuse_target,
    open_campaign,
    record_follow_up,
    record_renewal,
    refresh_campaign,
)
from mehman.residence.services.conversion import (
    commit_conversion,
    discard_conversion,
    prepare_conversion,
    reverse_conversion,
    start_commit,
    start_reverse,
)
from mehman.residence.services.messages import queue_reminders, send_message
from mehman.residence.services.terms import (
    begin_exit,
    choose_conditions,
    complete_review,
    end_term,
    lock_term,
    open_due_reviews,
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
    "close_campaign",
    "commit_conversion",
    "complete_review",
    "discard_conversion",
    "end_term",
    "excuse_target",
    "lock_term",
    "open_campaign",
    "open_due_reviews",
    "open_review",
    "open_term",
    "prepare_conversion",
    "queue_reminders",
    "record_agreement",
    "record_follow_up",
    "record_renewal",
    "refresh_campaign",
    "reverse_conversion",
    "send_message",
    "set_conditions",
    "start_commit",
    "start_reverse",
    "start_term",
    "update_plan",
]
