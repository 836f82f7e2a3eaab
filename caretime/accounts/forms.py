from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from caretime.accounts.models import TOKEN_NAME_MAX_CHARS


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=TOKEN_NAME_MAX_CHARS,
        help_text=_("Where you will use it, for example “my phone”. Only you see it."),
        error_messages={
            "required": _("Give the token a name, for example “my phone”."),
            "max_length": _("Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d)."),
        },
    )
