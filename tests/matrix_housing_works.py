"""Access-matrix entries for housing_works (merged into tests/test_access_matrix.py).

Reading surveys, work orders, their photos and the renovation programme needs
``housing.view`` (partner staff get 404; analysts read them: nothing personal);
surveying, opening, planning, stepping and photographing works need ``housing.manage``
(clerks and analysts get 404 too); paying from a donation needs ``assistance.spend`` as well.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mehman.housing import services
from mehman.housing.models import WorkOrder
from mehman.housing.tests import factories
from tests.matrix_entry import Entry

_NO_HOUSING = ("vera",)
_MANAGERS_ONLY = ("alice", "vera", "nasrin")


def _order(people: dict[str, Any]) -> WorkOrder:
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    return services.open_work_order(
        by=people["mona"], unit=unit, kind="repair", title="Roof", estimate=1_000_000
    )


def _work_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": _order(people).reference}


def _approval_of_a(people: dict[str, Any]) -> dict[str, Any]:
    return {"reference": _order(people).reference, "action": "approve"}


def _survey_of_a(people: dict[str, Any]) -> dict[str, Any]:
    unit = factories.unit(people["settlement_a"], by=people["mona"])
    survey = services.record_survey(by=people["mona"], unit=unit, ratings={"roof": "poor"})
    return {"survey": survey.uuid}


def _photo_of_a(people: dict[str, Any]) -> dict[str, Any]:
    out = io.BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="PNG")
    image = SimpleUploadedFile("before.png", out.getvalue(), content_type="image/png")
    photo = services.add_work_photo(
        order=_order(people), stage="before", image=image, by=people["mona"]
    )
    return {"photo": photo.uuid}


ENTRIES: dict[str, Entry] = {
    # Without ?unit= or ?facility=, these ask which unit or facility first.
    "housing:survey_new": Entry(also_hidden_from=_MANAGERS_ONLY),
    "housing:work_new": Entry(also_hidden_from=_MANAGERS_ONLY),
    "housing:survey": Entry(kwargs=_survey_of_a, also_hidden_from=_NO_HOUSING),
    "housing:works": Entry(also_hidden_from=_NO_HOUSING),
    "housing:programme": Entry(also_hidden_from=_NO_HOUSING),
    "housing:work": Entry(kwargs=_work_of_a, also_hidden_from=_NO_HOUSING),
    "housing:work_edit": Entry(kwargs=_work_of_a, also_hidden_from=_MANAGERS_ONLY),
    "housing:work_action": Entry(
        kwargs=_approval_of_a,
        method="post",
        insider_status=302,  # approved: back to the work order's page
        also_hidden_from=_MANAGERS_ONLY,
    ),
    "housing:work_photo": Entry(
        kwargs=_work_of_a,
        method="post",
        insider_status=200,  # reached: no photo was sent, the form says so
        also_hidden_from=_MANAGERS_ONLY,
    ),
    "housing:work_photo_file": Entry(kwargs=_photo_of_a, also_hidden_from=_NO_HOUSING),
    "housing:work_spend": Entry(kwargs=_work_of_a, also_hidden_from=_MANAGERS_ONLY),
}
