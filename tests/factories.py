"""Plain rows for tests. Anything with rules goes through the services instead."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "correct-horse-battery-staple"


def make_user(email: str, full_name: str = "", password: str = PASSWORD, **fields) -> User:
    user = User.objects.create_user(
        email=email, password=password, full_name=full_name or email.split("@")[0].title(), **fields
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user
