"""The tabs of a child's record.

Later apps (PEPs, attendance, exclusions, PP+, outcomes) add their own tab from their
AppConfig.ready() with `register_tab(...)`, so the child record never imports them: data
flows one way, and pupils knows nothing of the apps built on it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

# A tab is shown when the user has this rules permission, or when this check passes.
Permission = str | Callable[[object], bool] | None


@dataclass(frozen=True)
class RecordTab:
    label: str
    url_name: str  # takes the child's primary key as `pk`
    permission: Permission = None
    order: int = 100

    def allows(self, user) -> bool:
        if self.permission is None:
            return True
        if callable(self.permission):
            return bool(self.permission(user))
        return user.has_perm(self.permission)


# Keyed by URL name, so that registering a tab twice (ready() run again in tests) replaces it.
_TABS: dict[str, RecordTab] = {}


def register_tab(
    label: str, url_name: str, permission: Permission = None, order: int = 100
) -> None:
    """Add a tab to every child's record. `order` places it: Summary 10, Care 20, Education 30,
    later apps' tabs between 40 and 90, History 100."""
    _TABS[url_name] = RecordTab(label, url_name, permission, order)


def registered_tabs() -> list[RecordTab]:
    return sorted(_TABS.values(), key=lambda tab: (tab.order, tab.label))


def tabs_for(request: HttpRequest, child) -> list[dict]:
    """The tabs this user may open on this child's record, the current one marked. A page
    below a tab (a PEP inside the PEPs tab) keeps its tab current: the tab whose address is the
    longest prefix of the page's wins."""
    tabs = [
        {"text": tab.label, "href": reverse(tab.url_name, kwargs={"pk": child.pk})}
        for tab in registered_tabs()
        if tab.allows(request.user)
    ]
    matches = [tab["href"] for tab in tabs if request.path.startswith(tab["href"])]
    current = max(matches, key=len) if matches else None
    for tab in tabs:
        tab["current"] = tab["href"] == current
    return tabs
