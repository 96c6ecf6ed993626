"""Forms of the message pages: the log's filter, a message to a household (a template or
typed words, previewed before sending) and a template's words.

Nothing here saves: ``mehman.residence.services.messages`` checks placeholders and phones.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.core import digits
from mehman.core.forms import LTR, JalaliDateField, with_blank
from mehman.residence.models import MessageStatus, MessageTemplate, TextMessage
from mehman.residence.services.messages import MAX_BODY

ANY = _("Any")
FREE_TEXT = "free_text"


def _template_choices(templates: Sequence[MessageTemplate]) -> list[tuple[str, Any]]:
    return [(t.code, t.title) for t in templates]


def household_key(text: str) -> str:
    """A household reference as stored, typed in any digits and case: ``tj-۰۰۰۱۲`` → TJ-00012."""
    return digits.to_ascii(digits.strip_bidi_marks(text or "")).strip().upper()


class MessageFilterForm(forms.Form):
    """Narrow the log of messages (a GET form)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(MessageStatus.choices, ANY)
    )
    template = forms.ChoiceField(label=_("Template"), required=False)
    household = forms.CharField(
        label=_("Household reference"), required=False, max_length=20, widget=forms.TextInput(LTR)
    )

    def __init__(self, data: Any, *, templates: Sequence[MessageTemplate]) -> None:
        super().__init__(data)
        self.fields["template"].choices = with_blank(  # type: ignore[attr-defined]
            [*_template_choices(templates), (FREE_TEXT, _("Typed message"))], ANY
        )

    def filter(self, messages: QuerySet[TextMessage]) -> QuerySet[TextMessage]:
        if not self.is_bound or not self.is_valid():
            return messages
        data = self.cleaned_data
        if data["status"]:
            messages = messages.filter(status=data["status"])
        if data["template"] == FREE_TEXT:
            messages = messages.filter(template="")
        elif data["template"]:
            messages = messages.filter(template=data["template"])
        if data["household"]:
            messages = messages.filter(household__reference=household_key(data["household"]))
        return messages


class MessageForm(forms.Form):
    """A message to one household: a template's words (with the date it names) or typed."""

    template = forms.ChoiceField(label=_("Template"), required=False)
    date = JalaliDateField(
        label=_("Date in the message"),
        required=False,
        help_text=_("Fills {date} in the template (e.g. the day of the review)."),
    )
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Used when no template is chosen."),
    )

    def __init__(self, data: Any, *, templates: Sequence[MessageTemplate]) -> None:
        super().__init__(data)
        self.fields["template"].choices = with_blank(  # type: ignore[attr-defined]
            _template_choices(templates), _("None: type the message")
        )

    def context(self) -> dict[str, Any]:
        day = self.cleaned_data.get("date")
        return {"date": day} if day else {}


class TemplateForm(forms.Form):
    """A template's words, in Persian and English."""

    title = forms.CharField(label=_("Title"), max_length=120)
    body_fa = forms.CharField(
        label=_("Message (Persian)"),
        widget=forms.Textarea(attrs={"rows": 4, "dir": "rtl", "lang": "fa"}),
        help_text=_(
            "Placeholders filled when it is sent: {household}, {date}, {member}, {document}, "
            "{campaign}."
        ),
    )
    body_en = forms.CharField(
        label=_("Message (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "ltr", "lang": "en"}),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def of(cls, template: MessageTemplate, data: Any = None) -> TemplateForm:
        initial = {
            "title": template.title,
            "body_fa": template.body_fa,
            "body_en": template.body_en,
            "is_active": template.is_active,
            "version": template.version,
        }
        return cls(data, initial=initial)
