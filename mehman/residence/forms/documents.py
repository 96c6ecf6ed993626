"""Forms of the document-validity worklist and of renewal campaigns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mehman.core.forms import LTR, JalaliDateField, with_blank
from mehman.registry.models import DocumentType
from mehman.residence.models import WATCHED_DOCUMENTS, ContactOutcome, TargetStatus

WINDOW_CHOICES = [
    ("all", _("All")),
    ("expired", _("Expired")),
    ("30", _("Within 30 days")),
    ("60", _("Within 60 days")),
    ("90", _("Within 90 days")),
]


def watched_choices() -> list[tuple[str, Any]]:
    labels = dict(DocumentType.choices)
    return [(str(code), labels[code]) for code in WATCHED_DOCUMENTS]


class ExpiryFilterForm(forms.Form):
    """The worklist's filters; anything unknown falls back to no filter."""

    window = forms.ChoiceField(label=_("Expiry"), choices=WINDOW_CHOICES, required=False)
    doc_type = forms.ChoiceField(
        label=_("Document"),
        required=False,
        choices=with_blank(watched_choices(), _("All documents")),
    )
    block = forms.ChoiceField(label=_("Block"), required=False)

    def __init__(self, *args: Any, blocks: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = with_blank(  # type: ignore[attr-defined]
            [(b, b) for b in blocks], _("All blocks")
        )

    def filters(self) -> dict[str, str]:
        """The chosen filters (valid ones only), as the worklist takes them."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "window": data.get("window") or "all",
            "doc_type": data.get("doc_type") or "",
            "block": data.get("block") or "",
        }


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    doc_type = forms.ChoiceField(label=_("Document to renew"), choices=watched_choices())
    cycle = forms.CharField(
        label=_("Cycle or exercise"), max_length=20, help_text=_("E.g. Amayesh 18.")
    )
    starts_on = JalaliDateField(label=_("Starts on"))
    ends_on = JalaliDateField(label=_("Ends on"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the contact"), choices=ContactOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    next_on = JalaliDateField(label=_("Follow up again on"), required=False)


class RenewalForm(forms.Form):
    number = forms.CharField(
        label=_("Number of the new document"), max_length=64, widget=forms.TextInput(attrs=LTR)
    )
    issued_on = JalaliDateField(label=_("Issued on"), required=False)
    expires_on = JalaliDateField(label=_("Expires on"), required=False)


class ExcuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why this member need not renew"),
        max_length=300,
        help_text=_("E.g. left the settlement."),
    )


class TargetFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(TargetStatus.choices, _("All"))
    )
    block = forms.ChoiceField(label=_("Block"), required=False)
    due = forms.BooleanField(label=_("Follow-up due"), required=False)

    def __init__(self, *args: Any, blocks: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].choices = with_blank(  # type: ignore[attr-defined]
            [(b, b) for b in blocks], _("All blocks")
        )

    def filters(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            "status": data.get("status") or "",
            "block": data.get("block") or "",
            "due": bool(data.get("due")),
        }
