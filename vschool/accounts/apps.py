from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vschool.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from vschool.accounts import access  # noqa: F401  (registers the role permissions)
