"""Helpers for the GOV.UK component partials in templates/_partials/."""

from django import template
from django.core.paginator import Page
from django.http import HttpRequest

register = template.Library()


def _with_params(request: HttpRequest, **params) -> str:
    query = request.GET.copy()
    for key, value in params.items():
        query[key] = value
    return f"?{query.urlencode()}"


@register.simple_tag
def page_href(request: HttpRequest, number: int) -> str:
    """The current URL, filters kept, on another page."""
    return _with_params(request, page=number)


@register.simple_tag
def sort_href(request: HttpRequest, key: str, current: str | None) -> str:
    """Link for a sortable column header: ascending first, then toggles; back to page 1."""
    new = f"-{key}" if current == key else key
    return _with_params(request, sort=new, page=1)


@register.simple_tag
def aria_sort(key: str, current: str | None) -> str:
    if current == key:
        return "ascending"
    if current == f"-{key}":
        return "descending"
    return "none"


@register.inclusion_tag("_partials/pagination.html", takes_context=True)
def govuk_pagination(context, page_obj: Page) -> dict:
    pages = page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=1, on_ends=1)
    gap = page_obj.paginator.ELLIPSIS
    return {
        "page_obj": page_obj,
        "pages": [None if number == gap else number for number in pages],
        "request": context["request"],
    }
