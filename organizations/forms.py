from __future__ import annotations

from django import forms

from organizations.models import ROLE_DESCRIPTIONS, Role


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(
        max_length=120,
        label="Organisation name",
        help_text="As your people know it, e.g. “Acme Ltd”.",
    )
    slug = forms.SlugField(
        max_length=50,
        required=False,
        label="Web address",
        help_text="Letters, numbers and hyphens. Leave empty to derive it from the name.",
    )


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(max_length=120, label="Organisation name")
    require_mfa_for_staff = forms.BooleanField(
        required=False,
        label="Require two-factor authentication for owners, admins and report viewers",
    )

    def __init__(self, *args, can_change_mfa: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_change_mfa:
            # A disabled field keeps its initial value whatever is posted.
            field = self.fields["require_mfa_for_staff"]
            field.disabled = True
            field.help_text = "Only the organisation's owners turn this on or off."


def role_choices_with_help() -> list[tuple[str, str]]:
    return [(role.value, f"{role.label} — {ROLE_DESCRIPTIONS[role]}") for role in Role]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MEMBER, label="Role")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")
