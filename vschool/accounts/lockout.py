from django.http import HttpRequest

from vschool.accounts.models import UserManager


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account a failed sign-in counts against, in the form we store emails, so that
    typing the address in capitals does not get round the lock-out."""
    username = (credentials or {}).get("username") or request.POST.get("username")
    return UserManager.normalize_email(username) or None
