"""Access-matrix entries for the residence API (terms, reviews, the list of conditions),
merged into tests/test_access_matrix.py.

Every endpoint needs ``residence.view``: partner staff (vera) and analysts (nasrin) get 404.
The agreement, conditions, the exit plan, reviews and the exit need ``residence.review``
(clerks such as alice get 404); starting a term by hand needs ``residence.manage``. Steps are
tried with an empty body: they are reached and refused (400).
"""

from __future__ import annotations

from typing import Any

from mehman.residence import services
from tests.matrix_entry import Entry
from tests.matrix_residence_terms import ending_term_of_a, term_in_a, term_of_a

_NO_RESIDENCE = ("vera", "nasrin")
_REVIEWERS_ONLY = ("alice", "vera", "nasrin")


def _review_of_a(people: dict[str, Any]) -> dict[str, Any]:
    review = services.open_review(term=term_in_a(people), by=people["mona"])
    return {"uuid": review.uuid}


ENTRIES: dict[str, Entry] = {
    "api:residence:term_list": Entry(api=True, also_hidden_from=_NO_RESIDENCE),
    "api:residence:term_detail": Entry(api=True, kwargs=term_of_a, also_hidden_from=_NO_RESIDENCE),
    "api:residence:term_agreement": Entry(
        api=True,
        kwargs=term_of_a,
        method="post",
        insider_status=400,  # reached: the signed date is missing
        also_hidden_from=_REVIEWERS_ONLY,
    ),
    "api:residence:term_conditions": Entry(
        api=True, kwargs=term_of_a, also_hidden_from=_NO_RESIDENCE
    ),
    "api:residence:term_reviews": Entry(api=True, kwargs=term_of_a, also_hidden_from=_NO_RESIDENCE),
    "api:residence:term_begin_exit": Entry(
        api=True,
        kwargs=term_of_a,
        method="post",
        insider_status=400,  # reached: the reason is missing
        also_hidden_from=_REVIEWERS_ONLY,
    ),
    "api:residence:term_end": Entry(
        api=True,
        kwargs=ending_term_of_a,
        method="post",
        insider_status=400,  # reached: the exit is missing
        also_hidden_from=_REVIEWERS_ONLY,
    ),
    "api:residence:review_due_list": Entry(api=True, also_hidden_from=_NO_RESIDENCE),
    "api:residence:review_detail": Entry(
        api=True, kwargs=_review_of_a, also_hidden_from=_NO_RESIDENCE
    ),
    "api:residence:condition_list": Entry(api=True, also_hidden_from=_NO_RESIDENCE),
}
