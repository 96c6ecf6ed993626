"""The timeline pattern: named event kinds, recorded by services only.

A service records what happened in domain words::

    record(SettlementEvent, aggregate=settlement, kind="settlement.updated",
           by=user, changes={"capacity": [9000, 10000]})

Each kind is registered once with a translatable label and an optional
summary template whose ``{placeholders}`` are filled from the event's params.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mehman.core import dates
from mehman.core.digits import localize

if TYPE_CHECKING:
    from django.db import models
    from django_stubs_ext import StrOrPromise

    from mehman.core.models import Event

_E = TypeVar("_E", bound="Event")


@dataclass(frozen=True)
class EventKind:
    code: str
    label: StrOrPromise
    summary: StrOrPromise = ""
    params: tuple[str, ...] = field(default=())
    render: Callable[[dict[str, Any]], dict[str, str]] | None = None

    def summarise(self, params: dict[str, Any]) -> str:
        if not self.summary:
            return ""
        values: dict[str, Any] = {
            name: localize(value) if isinstance(value, int | float) else value
            for name, value in ((name, params.get(name, "")) for name in self.params)
        }
        if self.render is not None:
            values.update(self.render(params))
        try:
            return str(self.summary).format(**values)
        except (KeyError, IndexError, ValueError):
            return ""


_KINDS: dict[str, EventKind] = {}


def register(
    code: str,
    label: StrOrPromise,
    summary: StrOrPromise = "",
    params: tuple[str, ...] = (),
    render: Callable[[dict[str, Any]], dict[str, str]] | None = None,
) -> EventKind:
    if code in _KINDS and _KINDS[code].label != label:
        raise ValueError(f"event kind {code!r} registered twice")
    kind = EventKind(code=code, label=label, summary=summary, params=params, render=render)
    _KINDS[code] = kind
    return kind


def event_kind(code: str) -> EventKind:
    """The registered kind, or a neutral one so old rows still display."""
    return _KINDS.get(code) or EventKind(code=code, label=gettext("Other event"))


def registered_kinds() -> dict[str, EventKind]:
    return dict(_KINDS)


def record(
    model: type[_E],
    *,
    aggregate: models.Model,
    kind: str | EventKind,
    by: Any = None,
    **params: Any,
) -> _E:
    """Write one timeline row. Call it inside the service's transaction."""
    code = kind.code if isinstance(kind, EventKind) else kind
    if code not in _KINDS:
        raise ValueError(f"unregistered event kind {code!r}")
    by_user = by if getattr(by, "is_authenticated", False) else None
    return model._default_manager.create(aggregate=aggregate, kind=code, by=by_user, params=params)


SETTLEMENT_CREATED = register(
    "settlement.created", _("Settlement created"), _("Capacity {capacity}"), ("capacity",)
)


def choice_label(
    param: str, choices: type[models.Choices]
) -> Callable[[dict[str, Any]], dict[str, str]]:
    """Render the code in ``param`` as its label among ``choices``."""

    def render(params: dict[str, Any]) -> dict[str, str]:
        code = str(params.get(param, ""))
        return {param: str(dict(choices.choices).get(code, code))}

    return render


def labels_and_dates(**fields: Any) -> Callable[[dict[str, Any]], dict[str, str]]:
    """Render several params at once: each named ``"date"`` (ISO) in the reader's calendar,
    each named with its choices as the code's label (``reason=ExitReason``)."""

    def render(params: dict[str, Any]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, kind in fields.items():
            value = params.get(name)
            if kind == "date":
                try:
                    out[name] = dates.format_date(date.fromisoformat(str(value)))
                except ValueError:
                    out[name] = ""
            else:
                code = str(value or "")
                out[name] = str(dict(kind.choices).get(code, code))
        return out

    return render


def field_labels(model_label: str) -> Callable[[dict[str, Any]], dict[str, str]]:
    """Render the ``fields`` param as the model's translated field names.

    An event about records of several models names its model in a
    ``record_model`` param (``"registry.Individual"``); ``model_label`` is the default.
    """

    def render(params: dict[str, Any]) -> dict[str, str]:
        from django.apps import apps
        from django.core.exceptions import FieldDoesNotExist

        model = apps.get_model(str(params.get("record_model", model_label)))
        names = []
        for name in params.get("fields", []):
            try:
                names.append(str(model._meta.get_field(name).verbose_name))
            except FieldDoesNotExist:
                names.append(str(name))
        return {"fields": gettext(", ").join(names) if names else ""}

    return render


SETTLEMENT_UPDATED = register(
    "settlement.updated",
    _("Settlement details changed"),
    _("Changed: {fields}"),
    ("fields",),
    render=field_labels("core.Settlement"),
)
