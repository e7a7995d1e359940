from django.conf import settings
from django.http import HttpRequest

from vschool.navigation import navigation_for


def service(request: HttpRequest) -> dict:
    return {
        "service_name": settings.SERVICE_NAME,
        "service_phase": settings.SERVICE_PHASE,
        "support_email": settings.SUPPORT_EMAIL,
        "navigation": navigation_for(request),
    }
