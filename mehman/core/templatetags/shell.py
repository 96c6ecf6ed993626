"""Template helpers of the UI shell (form styling)."""

from __future__ import annotations

from django import template
from django.forms.boundfield import BoundField

register = template.Library()

_CLASSES = {
    "checkbox": "form-check-input",
    "radioselect": "",
    "checkboxselectmultiple": "",
    "select": "form-select",
    "selectmultiple": "form-select",
}


@register.filter
def styled(field: BoundField) -> str:
    """Render a bound field with Bootstrap classes, marking it invalid when it has errors."""
    css = _CLASSES.get(field.widget_type, "form-control")
    if field.errors and css:
        css += " is-invalid"
    attrs: dict[str, str | bool] = {"class": css} if css else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
