"""A child's record: a header and a tab per part (Summary, Care, Education, History, and tabs
that later apps register in pupils.record_tabs). Every tab fetches the child through the one
access rule, so a child the user may not see is "not found"."""

from collections.abc import Callable
from datetime import date
from functools import wraps

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pupils import selectors
from pupils.access import child_get_for_user, schools_visible_to
from pupils.models import Child
from pupils.record_tabs import tabs_for

HISTORY_PAGE_SIZE = 25


TabBody = Callable[[HttpRequest, Child, date], dict]


def record_tab(template: str):
    """A tab of the child's record: signed in, allowed to see children, this child visible."""

    def decorate(body: TabBody):
        @login_required
        @permission_required("pupils.view_caseload", raise_exception=True)
        @wraps(body)
        def view(request: HttpRequest, pk: int) -> HttpResponse:
            today = timezone.localdate()
            child = child_get_for_user(request.user, pk)
            context = {
                "child": child,
                "header": selectors.child_header(child, today),
                "tabs": tabs_for(request, child),
                "today": today,
                "can_edit": request.user.has_perm("pupils.edit_children"),
                **body(request, child, today),
            }
            return render(request, template, context)

        return view

    return decorate


def _viewable_school_ids(user, child: Child) -> set[int]:
    """Which of the child's schools' pages the user may open (to link to them)."""
    if not user.has_perm("pupils.view_schools"):
        return set()
    schools = schools_visible_to(user).filter(pk__in=child.enrolments.values("school_id"))
    return set(schools.values_list("pk", flat=True))


@record_tab("pupils/child/summary.html")
def child_detail(request: HttpRequest, child: Child, today: date) -> dict:
    return {
        "summary": selectors.child_summary(child, today),
        "school_links": _viewable_school_ids(request.user, child),
    }


@record_tab("pupils/child/care.html")
def child_care(request: HttpRequest, child: Child, today: date) -> dict:
    return {"care": selectors.child_care(child, today)}


@record_tab("pupils/child/education.html")
def child_education(request: HttpRequest, child: Child, today: date) -> dict:
    return {
        "education": selectors.child_education(child, today),
        "school_links": _viewable_school_ids(request.user, child),
    }


def _history(request: HttpRequest, child: Child, today: date) -> dict:
    entries = selectors.child_history(child)
    return {"page_obj": Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))}


_history_tab = record_tab("pupils/child/history.html")(_history)


def child_history(request: HttpRequest, pk: int) -> HttpResponse:
    # The role is checked before the child is looked up, so the answer (403) says nothing
    # about whether the child exists.
    if request.user.is_authenticated and not request.user.has_perm("pupils.view_child_history"):
        raise PermissionDenied
    return _history_tab(request, pk)
