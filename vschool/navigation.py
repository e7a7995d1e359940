"""The service navigation. Each item names the permission that guards its page, so a user is
only ever shown links they may follow."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # None: every signed-in user


NAVIGATION: list[NavItem] = [
    NavItem("Home", "home"),
    NavItem("Children", "pupils:caseload", "pupils.view_caseload"),
    NavItem("Schools", "pupils:school_list", "pupils.view_schools"),
    NavItem("PEPs", "peps:pep_list", "peps.view_peps"),
    NavItem("Pupil Premium Plus", "peps:ppplus_budget", "peps.manage_ppplus"),
    NavItem("Attendance", "outcomes:attendance_overview", "outcomes.view_attendance_overview"),
    NavItem("Alerts", "outcomes:alert_list", "outcomes.view_alerts"),
    NavItem("Imports", "pupils:import_list", "pupils.import_data"),
    NavItem("API", "api_docs", "accounts.read_api_docs"),
    NavItem("Admin", "admin:index", "accounts.use_admin_site"),
]


def navigation_for(request: HttpRequest) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    items = []
    for item in NAVIGATION:
        if item.permission and not user.has_perm(item.permission):
            continue
        href = reverse(item.url_name)
        is_current = request.path == href
        is_active = is_current or (href != "/" and request.path.startswith(href))
        items.append({"text": item.label, "href": href, "current": is_current, "active": is_active})
    return items
