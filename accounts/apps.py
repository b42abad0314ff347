from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset
        from django.contrib.auth.signals import user_logged_out

        from accounts import sessions

        user_logged_out.connect(sessions.close_sockets_on_logout, dispatch_uid="accounts.logout")
        password_changed.connect(
            sessions.close_sockets_on_password_change, dispatch_uid="accounts.password_changed"
        )
        password_reset.connect(
            sessions.close_sockets_on_password_change, dispatch_uid="accounts.password_reset"
        )
