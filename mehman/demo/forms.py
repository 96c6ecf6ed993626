from django import forms
from django.utils.translation import gettext_lazy as _

from mehman.core.forms import LocalizedIntegerField


class SyntheticForm(forms.Form):
    households = LocalizedIntegerField(
        label=_("Households"), min_value=1, max_value=200_000, initial=1000
    )
    seed = LocalizedIntegerField(
        label=_("Seed"),
        min_value=0,
        initial=1,
        help_text=_("The same seed always gives the same population."),
    )
