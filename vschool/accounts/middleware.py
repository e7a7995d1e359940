import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

SIGNED_IN_AT = "signed_in_at"


class SessionLimitMiddleware:
    """Signs a user out a fixed time after they signed in, however active they have been.

    Inactivity expiry is the session cookie's age (SESSION_COOKIE_AGE, renewed on every
    request); this adds the absolute limit that shared council computers need.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            signed_in_at = request.session.setdefault(SIGNED_IN_AT, time.time())
            if time.time() - signed_in_at > settings.SESSION_ABSOLUTE_LIMIT.total_seconds():
                logout(request)
                hours = int(settings.SESSION_ABSOLUTE_LIMIT.total_seconds() // 3600)
                messages.info(
                    request,
                    f"You have been signed out because you signed in more "
                    f"than {hours} hours ago. Sign in again to continue.",
                )
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)
