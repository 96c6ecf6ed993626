"""Side panels on the household page contributed by apps above the registry.

The registry may not import the apps built on it (intake, housing, residence…),
yet its household page should show what they know of the household. An app
registers a function in its ``AppConfig.ready``; the page calls each with the
request and the household and shows the HTML it returns (or nothing for None).
Each function reads through its own scoped QuerySets.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mehman.registry.models import Household

Panel = Callable[["HttpRequest", "Household"], SafeString | None]

_PANELS: dict[str, Panel] = {}


def register(name: str, panel: Panel) -> None:
    """Add (or replace) the panel called ``name``; panels show in the order registered."""
    _PANELS[name] = panel


def render_panels(request: HttpRequest, household: Household) -> list[SafeString]:
    shown = []
    for panel in _PANELS.values():
        html = panel(request, household)
        if html:
            shown.append(html)
    return shown
