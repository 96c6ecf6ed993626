from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from mehman.accounts.models import DigitPreference, Language, Role
from mehman.core.models import Settlement


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is not correct. After several failed attempts "
            "the account is locked for a while."
        ),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "ltr"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    digits = forms.ChoiceField(
        label=_("Digits"), choices=DigitPreference.choices, widget=forms.RadioSelect
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False)


class SettlementChoiceMixin:
    """Settlements offered to an administrator: those in their scope."""

    def limit_settlements(self, by: object) -> None:
        field = self.fields["settlements"]  # type: ignore[attr-defined]
        field.queryset = Settlement.objects.for_user(by).filter(is_active=True)


class StaffCreateForm(SettlementChoiceMixin, forms.Form):
    username = forms.RegexField(
        label=_("Username"),
        regex=r"^[a-z0-9_.-]{3,40}$",
        error_messages={"invalid": _("Use 3 to 40 lowercase Latin letters, digits, _ . or -.")},
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    settlements: forms.ModelMultipleChoiceField[Settlement] = forms.ModelMultipleChoiceField(
        label=_("Settlements"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to the person in private; they can change it after signing in."),
    )


class StaffAccessForm(SettlementChoiceMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    settlements: forms.ModelMultipleChoiceField[Settlement] = forms.ModelMultipleChoiceField(
        label=_("Settlements"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )


class StaffDetailsForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"dir": "ltr"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        from mehman.core.digits import to_ascii

        return to_ascii(self.cleaned_data["phone"]).replace(" ", "")
