"""Where residence joins the apps below it: admission starts a term, a household leaving the
registry ends its term (or is refused), the household page shows the term, and the home
page counts terms."""

from __future__ import annotations


def connect() -> None:
    from mehman.intake import admission
    from mehman.registry import departures, panels
    from mehman.residence.panels import household_panel
    from mehman.residence.queries.figures import register_figures
    from mehman.residence.services.terms import on_household_leaving, start_on_admission

    admission.register("residence", start_on_admission)
    departures.register("residence", on_household_leaving)
    panels.register("residence", household_panel)
    register_figures()
