"""Forms of the referral pages: the staff list's filters, referring a household, and
answering a referral (decline with a reason, close with an outcome).

Nothing here saves: the services in ``mehman.assistance.services`` check the rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mehman.assistance.models import Referral, ReferralStatus
from mehman.core.forms import JalaliDateField, with_blank
from mehman.partners.models import Organisation, Sector

ANY = _("Any")
CONSENT_CHOICES = [
    ("yes", _("Yes, the household consents to the referral")),
    ("no", _("No: refer without the household's consent")),
]


class ReferralFilterForm(forms.Form):
    """Narrow the staff list of referrals (a GET form)."""

    organisation = forms.ChoiceField(label=_("Referred to"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(ReferralStatus.choices, ANY)
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=with_blank(Sector.choices, ANY)
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, data: Any, *, organisations: list[Organisation]) -> None:
        super().__init__(data)
        self.fields["organisation"].choices = with_blank(  # type: ignore[attr-defined]
            [(str(o.uuid), o.name) for o in organisations], ANY
        )

    def filter(self, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
        if not self.is_bound or not self.is_valid():
            return referrals
        data = self.cleaned_data
        if data["organisation"]:
            referrals = referrals.filter(organisation__uuid=data["organisation"])
        if data["status"]:
            referrals = referrals.filter(status=data["status"])
        if data["sector"]:
            referrals = referrals.filter(sector=data["sector"])
        if data["overdue"]:
            referrals = referrals.overdue()  # type: ignore[attr-defined]
        return referrals

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Organisations by name, marking those that will not see the household yet."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unshared: set[int] = set()

    def label_from_instance(self, obj: Any) -> str:
        if obj.pk in self.unshared:
            return str(_("%(name)s (no live data-sharing agreement here)") % {"name": obj.name})
        return str(obj.name)


class ReferForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("Refer to"), queryset=Organisation.objects.none(), to_field_name="uuid"
    )
    sector = forms.ChoiceField(label=_("Sector"), choices=with_blank(Sector.choices))
    service = forms.CharField(
        label=_("Service requested"),
        max_length=200,
        help_text=_("E.g. a winter kit, legal counselling, a tailoring course."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = JalaliDateField(
        label=_("Follow up by"),
        required=False,
        help_text=_("Past this date an open referral is flagged overdue."),
    )
    consent = forms.ChoiceField(
        label=_("Consent"), choices=CONSENT_CHOICES, widget=forms.RadioSelect, initial="yes"
    )
    consent_override = forms.CharField(
        label=_("Reason to refer without consent"),
        max_length=300,
        required=False,
        help_text=_("Only when the household does not consent: why the referral cannot wait."),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        unshared: set[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        field.unshared = unshared  # type: ignore[attr-defined]

    def referral_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        consents = data["consent"] == "yes"
        return {
            "organisation": data["organisation"],
            "sector": data["sector"],
            "service": data["service"],
            "reason": data["reason"],
            "due_on": data["due_on"],
            "consent_given": consents,
            "consent_override": "" if consents else data["consent_override"],
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the household received or what was done."),
    )
