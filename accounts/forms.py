from __future__ import annotations

import zoneinfo
from functools import cache

from django import forms
from django.conf import settings

from accounts.models import User


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/"))
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


class SignupDetailsForm(forms.Form):
    """The fields allauth's sign-up form gains: a name, and the browser's timezone."""

    full_name = forms.CharField(
        max_length=150, label="Full name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        initial="UTC",
        required=False,
        widget=forms.HiddenInput(attrs={"data-detect-timezone": ""}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError("Tell people your name.")
        return name

    def signup(self, request, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.timezone = self.cleaned_data.get("timezone") or "UTC"
        user.save(update_fields=["full_name", "timezone"])


class ProfileForm(forms.Form):
    full_name = forms.CharField(max_length=150, label="Full name")
    timezone = forms.ChoiceField(
        choices=timezone_choices,
        label="Time zone",
        help_text="Meetings, reminders and message times are shown in this time zone.",
    )
    locale = forms.ChoiceField(choices=settings.LANGUAGES, label="Language")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Token name",
        help_text="Where you will use it, e.g. “Power BI export”. You see the token once.",
    )


class AccountEraseForm(forms.Form):
    """Erasing an account is confirmed by typing its email address."""

    email = forms.CharField(
        max_length=254,
        label="Your email address",
        help_text="Type it to confirm that you want to erase this account.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        typed = self.cleaned_data["email"].strip()
        if typed.lower() != self.user.email.lower():
            raise forms.ValidationError(
                f"That is not this account's address. Type {self.user.email} to confirm."
            )
        return typed
