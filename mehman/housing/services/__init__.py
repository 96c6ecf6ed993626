"""Every state change of the site, surveys and works, occupancy, offers and allocation runs."""

from mehman.housing.services.occupancy import current_home, move_in, move_out, transfer
from mehman.housing.services.offers import (
    accept_unit_offer,
    candidates_for,
    candidates_for_units,
    decline_unit_offer,
    lapse_offers,
    needs_step_free,
    offer_unit,
)
from mehman.housing.services.runs import (
    commit_run,
    discard_run,
    edit_proposal,
    solve_run,
    start_run,
)
from mehman.housing.services.site import (
    add_facility,
    add_unit,
    create_block,
    set_unit_state,
    update_facility,
    update_unit,
)
from mehman.housing.services.works import (
    add_work_photo,
    approve_work,
    cancel_work,
    complete_work,
    open_work_order,
    record_survey,
    spend_on_work,
    spending_on,
    start_work,
    update_work_order,
)

__all__ = [
    "accept_unit_offer",
    "add_facility",
    "add_unit",
    "add_work_photo",
    "approve_work",
    "cancel_work",
    "candidates_for",
    "candidates_for_units",
    "commit_run",
    "complete_work",
    "create_block",
    "current_home",
    "decline_unit_offer",
    "discard_run",
    "edit_proposal",
    "lapse_offers",
    "move_in",
    "move_out",
    "needs_step_free",
    "offer_unit",
    "open_work_order",
    "record_survey",
    "set_unit_state",
    "solve_run",
    "spend_on_work",
    "spending_on",
    "start_run",
    "start_work",
    "transfer",
    "update_facility",
    "update_unit",
    "update_work_order",
]
