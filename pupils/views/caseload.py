"""The caseload: the children the user may see, filtered, sorted and paginated, and the same
list as CSV."""

import csv
from collections.abc import Iterator
from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from pupils.access import children_visible_to
from pupils.codes import PlacementType, SenProvision
from pupils.filters import CaseloadFilter
from pupils.imports.common import spreadsheet_safe
from pupils.models import Cohort
from pupils.selectors import (
    CASELOAD_SORTS,
    caseload_all_rows,
    caseload_children,
    caseload_page,
    caseload_sorted,
    placement_in_home_authority,
    school_in_home_authority,
)
from vschool import dates
from vschool.accounts.models import Role

PAGE_SIZE = 50
DEFAULT_SORT = "name"


# The table's columns; those with a key sort by it (pupils.selectors.CASELOAD_SORTS).
COLUMNS = [
    {"key": "name", "text": "Name"},
    {"key": "la_id", "text": "LA child ID"},
    {"key": "upn", "text": "UPN"},
    {"key": "dob", "text": "Date of birth"},
    {"key": "year", "text": "Year group"},
    {"key": None, "text": "Cohort"},  # a child can be in two at once: filter, do not sort
    {"key": "school", "text": "School"},
    {"key": "placement", "text": "Placement"},
    {"key": "sen", "text": "SEN"},
    {"key": "caseworker", "text": "Caseworker"},
]


def _sort_from(request: HttpRequest) -> str:
    sort = request.GET.get("sort", DEFAULT_SORT)
    return sort if sort.removeprefix("-") in CASELOAD_SORTS else DEFAULT_SORT


def _filter_data(request: HttpRequest) -> QueryDict:
    """A caseworker opens on their own caseload; choosing "Anyone" (an empty value, which is
    still a value) shows every child."""
    data = request.GET.copy()
    if request.user.role == Role.CASEWORKER and "caseworker" not in data:
        data["caseworker"] = str(request.user.pk)
    return data


def _filtered(request: HttpRequest, today: date) -> tuple[CaseloadFilter, QuerySet]:
    """The children the user may see, filtered and sorted, without their columns."""
    children = caseload_children(children_visible_to(request.user, today), today)
    filterset = CaseloadFilter(_filter_data(request), queryset=children, today=today)
    return filterset, caseload_sorted(filterset.qs, _sort_from(request), today)


def _mine_only(request: HttpRequest, filterset: CaseloadFilter) -> bool:
    return filterset.form.data.get("caseworker") == str(request.user.pk)


@login_required
@permission_required("pupils.view_caseload", raise_exception=True)
def caseload(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filterset, children = _filtered(request, today)
    page = caseload_page(children, request.GET.get("page"), today, PAGE_SIZE)
    for row in page:
        _describe(row, today)
    is_caseworker = request.user.role == Role.CASEWORKER
    mine_only = is_caseworker and _mine_only(request, filterset)
    return render(
        request,
        "pupils/caseload.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "sort": _sort_from(request),
            "today": today,
            "columns": COLUMNS,
            "mine_only": mine_only,
            "filters_open": _filters_open(filterset, mine_only),
            "is_caseworker": is_caseworker,
            "export_query": _filter_data(request).urlencode(),
            "clear_query": "caseworker=" if is_caseworker else "",
        },
    )


def _filters_open(filterset: CaseloadFilter, mine_only: bool) -> bool:
    """Show the filters when one is set, other than the search box (shown anyway) and a
    caseworker's own-caseload default."""
    shown_anyway = {"q", "caseworker"} if mine_only else {"q"}
    return bool(set(filterset.active_filters) - shown_anyway)


COHORT_LABELS = dict(Cohort.choices)
PLACEMENT_LABELS = dict(PlacementType.choices)
SEN_LABELS = dict(SenProvision.choices)


def _label(labels: dict, code: str | None) -> str:
    """A code's label; a code the list does not know (from an old extract) as it is."""
    return labels.get(code, code or "")


def _describe(row, today: date) -> None:
    """What the caseload shows of a row, beyond its columns."""
    row.year_group_label = dates.year_group_label(row.year_group)
    row.age_today = dates.age_on(row.date_of_birth, today)
    row.cohort_label = _label(COHORT_LABELS, row.cohort)
    row.school_in_authority = school_in_home_authority(row)
    row.placement_in_authority = placement_in_home_authority(row)
    row.placement_label = _label(PLACEMENT_LABELS, row.placement_type)
    row.sen_label = _label(SEN_LABELS, row.sen_provision)


# --- CSV ------------------------------------------------------------------------------------

CSV_HEADER = [
    "LA child ID",
    "UPN",
    "Legal first name",
    "Legal last name",
    "Preferred name",
    "Date of birth",
    "Age",
    "Year group",
    "Cohort",
    "School URN",
    "School",
    "School in home authority",
    "Placement type",
    "Placement in home authority",
    "SEN provision",
    "Caseworker",
    "Social worker",
]


def _yes_no(value: bool | None) -> str:
    return {True: "Yes", False: "No", None: ""}[value]


def _csv_row(row, today: date) -> list[str]:
    _describe(row, today)
    cells = [
        row.la_child_id,
        row.upn,
        row.legal_first_name,
        row.legal_last_name,
        row.preferred_name,
        row.date_of_birth.isoformat(),
        row.age_today,
        row.year_group_label,
        row.cohort_label,
        row.school_urn,
        row.school_name,
        _yes_no(row.school_in_authority),
        row.placement_label,
        _yes_no(row.placement_in_authority),
        row.sen_label,
        row.caseworker_name,
        row.social_worker_name,
    ]
    return [spreadsheet_safe(cell) for cell in cells]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(children: QuerySet, today: date) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for row in caseload_all_rows(children, today):
        yield writer.writerow(_csv_row(row, today))


@login_required
@permission_required("pupils.view_caseload", raise_exception=True)
def caseload_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered caseload, every page of it, under the same access rule as the page."""
    today = timezone.localdate()
    _, children = _filtered(request, today)
    response = StreamingHttpResponse(
        _csv_lines(children, today), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="children-{today:%Y-%m-%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response
