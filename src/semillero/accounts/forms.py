"""Forms of the accounts pages; the services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from semillero.registry.forms import ServiceFormMixin
from semillero.registry.models import Organization

from .models import Role


def _organization_field():
    return forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        help_text=_("Required for data officers and company officers."),
    )


class UserCreateForm(ServiceFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = _organization_field()
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave it empty to generate one, shown once after saving."),
    )


class UserRoleForm(ServiceFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organization = _organization_field()


class ApiTokenForm(ServiceFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, e.g. “monthly report script”."),
    )
