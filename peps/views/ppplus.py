"""Pupil Premium Plus pages: the budget for a grant year (figures, split, spend by school and
child, CSVs), the finance team's ledger CSV, the queue of additional requests and the Head's
decisions, a request raised from a PEP, and adding ledger entries and grant years.

Every figure comes from peps.ppplus_figures; every write from peps.services.ppplus."""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from peps import ppplus_figures as figures
from peps.access import pep_get_for_user
from peps.models import GrantYear, LedgerEntry, PpRequest, PpRequestStatus
from peps.ppplus_forms import DecisionForm, GrantYearForm, LedgerEntryForm, RequestForm
from peps.services import ppplus as services
from pupils.access import children_visible_to, schools_visible_to
from pupils.imports.common import spreadsheet_safe
from vschool.accounts.models import Role
from vschool.dates import long_date
from vschool.views import form_page, posted

manages = permission_required("peps.manage_ppplus", raise_exception=True)
decides = permission_required("peps.decide_ppplus", raise_exception=True)
views_peps = permission_required("peps.view_peps", raise_exception=True)
TOP = 10  # schools and children shown on the budget page; the CSVs have them all
REQUESTS_PAGE_SIZE = 50
STATUS_COLOURS = {
    PpRequestStatus.PENDING: "blue",
    PpRequestStatus.APPROVED: "green",
    PpRequestStatus.PART_APPROVED: "yellow",
    PpRequestStatus.DECLINED: "red",
}


def _budget_url(year: GrantYear | int | None = None) -> str:
    url = reverse("peps:ppplus_budget")
    start = year.start_year if isinstance(year, GrantYear) else year
    return f"{url}?year={start}" if start else url


# --- The budget -------------------------------------------------------------------------------


def _chosen_year(request: HttpRequest, years: list[GrantYear]) -> GrantYear | None:
    """The year asked for; else the current financial year; else the latest recorded."""
    by_start = {year.start_year: year for year in years}
    asked = request.GET.get("year", "")
    if asked.isdigit() and int(asked) in by_start:
        return by_start[int(asked)]
    current = by_start.get(services.grant_year_start(timezone.localdate()))
    return current or (years[0] if years else None)


BAR_WIDTH, BAR_HEIGHT, BAR_GAP = 400, 28, 14


def _bars(split: figures.Breakdown, grant_received: Decimal) -> dict:
    """The split as horizontal SVG bars, each scaled against the grant (or, if more was
    committed than received, against what was committed)."""
    scale = max(grant_received, split.total) or Decimal(1)
    bars = []
    for index, row in enumerate(split.rows):
        y = index * (BAR_HEIGHT * 2 + BAR_GAP)
        width = int(row.amount * BAR_WIDTH / scale)
        bars.append(
            {
                "label": row.label,
                "amount": services.pounds(row.amount),
                "percent": row.percent,
                "text_y": y + 16,
                "bar_y": y + 22,
                "width": max(width, 1 if row.amount else 0),
            }
        )
    return {
        "width": BAR_WIDTH,
        "height": len(bars) * (BAR_HEIGHT * 2 + BAR_GAP),
        "bar_height": BAR_HEIGHT,
        "bars": bars,
    }


def _summary_rows(year: GrantYear) -> list[dict]:
    spent = figures.committed(year).value
    left = figures.balance(year).value
    return [
        {"key": "Grant received", "value": services.pounds(year.grant_received)},
        {"key": "Committed", "value": services.pounds(spent)},
        {
            "key": "Balance" if left >= 0 else "Overspent by",
            "value": services.pounds(abs(left)),
        },
        {"key": "Rate per child", "value": services.pounds(year.rate_per_child)},
        {"key": "Termly allocation per child", "value": services.pounds(year.termly_allocation)},
    ]


SCHOOLS_CSV, CHILDREN_CSV = "schools", "children"


@login_required
@manages
def budget(request: HttpRequest) -> HttpResponse:
    years = list(GrantYear.objects.order_by("-start_year"))
    year = _chosen_year(request, years)
    if year is None:
        return render(request, "peps/ppplus/budget.html", {"year": None})
    visible = children_visible_to(request.user)
    download = request.GET.get("download")
    if download == SCHOOLS_CSV:
        return _schools_csv(year, figures.spend_by_school(year))
    if download == CHILDREN_CSV:
        return _children_csv(year, figures.spend_by_child(year, visible))
    split = figures.split_by_category(year)
    by_school = figures.spend_by_school(year)
    by_child = figures.spend_by_child(year, visible)
    return render(
        request,
        "peps/ppplus/budget.html",
        {
            "year": year,
            "years": [
                {"text": str(other), "href": _budget_url(other), "current": other == year}
                for other in years
            ],
            "summary": _summary_rows(year),
            "split": split,
            "chart": _bars(split, year.grant_received),
            "top": TOP,
            "schools": by_school,
            "top_schools": by_school.rows[:TOP],
            "children": by_child,
            "top_children": by_child.rows[:TOP],
            "requests": figures.requests_summary(year),
            "pending_count": _requests_for(request.user)
            .filter(status=PpRequestStatus.PENDING)
            .count(),
            "csv_base": _budget_url(year),
            "can_decide": request.user.has_perm("peps.decide_ppplus"),
        },
    )


def _csv_response(filename: str, header: list[str], rows: Iterable[list]) -> HttpResponse:
    """Every cell made safe to open in a spreadsheet (no live formulas)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


def _schools_csv(year: GrantYear, by_school: figures.Breakdown) -> HttpResponse:
    rows = (
        [row.item.urn, row.item.name, row.item.laestab, row.amount, row.percent, row.count]
        for row in by_school.rows
    )
    header = ["School URN", "School", "LAESTAB", "Amount", "% of grant", "Ledger entries"]
    return _csv_response(f"pp-plus-{year}-by-school.csv", header, rows)


def _children_csv(year: GrantYear, by_child: figures.Breakdown) -> HttpResponse:
    # The LA ID only: these files travel, and the ID is enough to find the child's record.
    rows = ([row.item.la_child_id, row.amount, row.percent, row.count] for row in by_child.rows)
    header = ["LA child ID", "Amount", "% of grant", "Ledger entries"]
    return _csv_response(f"pp-plus-{year}-by-child.csv", header, rows)


# --- The finance team's ledger CSV ------------------------------------------------------------

LEDGER_HEADER = [
    "Entry",
    "Date",
    "Category",
    "School URN",
    "School",
    "LAESTAB",
    "LA child ID",
    "Amount",
    "Description",
    "Approved by",
    "Overspend authorised by",
]


def _approver(entry: LedgerEntry) -> str:
    """The Head for an additional request; whoever approved the PEP or made the entry
    otherwise."""
    person = entry.request.decided_by if entry.request_id else entry.created_by
    return person.full_name if person else ""


def _ledger_row(entry: LedgerEntry) -> list:
    school = entry.school
    return [
        entry.pk,
        timezone.localdate(entry.created_at).isoformat(),
        entry.get_category_display(),
        school.urn if school else "",
        school.name if school else "",
        school.laestab if school else "",
        entry.child.la_child_id if entry.child else "",
        entry.amount,
        entry.description,
        _approver(entry),
        entry.overspend_authorised_by.full_name if entry.overspend_authorised_by else "",
    ]


@login_required
@manages
def ledger_csv(request: HttpRequest, start_year: int) -> HttpResponse:
    """One row per ledger entry of the year, for the payment run: no child's name."""
    year = get_object_or_404(GrantYear, start_year=start_year)
    entries = (
        LedgerEntry.objects.filter(grant_year=year)
        .select_related(
            "school", "child", "created_by", "overspend_authorised_by", "request__decided_by"
        )
        .order_by("created_at", "pk")
    )
    return _csv_response(
        f"pp-plus-ledger-{year}.csv", LEDGER_HEADER, (_ledger_row(e) for e in entries)
    )


# --- Additional requests ----------------------------------------------------------------------


def _requests_for(user) -> QuerySet[PpRequest]:
    """The requests for children the user may see (the child's access rule)."""
    return PpRequest.objects.filter(pep__child__in=children_visible_to(user))


@login_required
@manages
def request_list(request: HttpRequest) -> HttpResponse:
    pending_first = Case(
        When(status=PpRequestStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    requests = (
        _requests_for(request.user)
        .select_related("pep__child", "pep__school", "target", "decided_by")
        .order_by(pending_first, "-created_at", "-pk")
    )
    page = Paginator(requests, REQUESTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "peps/ppplus/requests.html",
        {
            "page_obj": page,
            "pending_count": _requests_for(request.user)
            .filter(status=PpRequestStatus.PENDING)
            .count(),
            "can_decide": request.user.has_perm("peps.decide_ppplus"),
            "colours": STATUS_COLOURS,
        },
    )


def _request_rows(pp_request: PpRequest) -> list[dict]:
    pep = pp_request.pep
    return [
        {"key": "Child", "value": f"{pep.child} ({pep.child.la_child_id})"},
        {"key": "School", "value": pep.school.name if pep.school else "No school"},
        {"key": "PEP", "value": str(pep)},
        {"key": "Target", "value": f"{pp_request.target.area}: {pp_request.target.target}"},
        {"key": "Success measure", "value": pp_request.target.success_measure},
        {"key": "Amount asked for", "value": services.pounds(pp_request.amount)},
        {"key": "What it will pay for", "value": pp_request.purpose},
        {"key": "EEF approach", "value": pp_request.get_eef_approach_display()},
        {"key": "Asked on", "value": long_date(timezone.localdate(pp_request.created_at))},
    ]


@login_required
@decides
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pp_request = get_object_or_404(
        _requests_for(request.user).select_related("pep__child", "pep__school", "target"), pk=pk
    )
    context = {
        "heading": "Decide on a request for PP+",
        "caption": str(pp_request.pep.child),
        "back_url": reverse("peps:request_list"),
        "rows": _request_rows(pp_request),
        "related_url": reverse("peps:pep_detail", args=[pp_request.pep_id]),
        "related_label": "Open the PEP",
    }
    if pp_request.status != PpRequestStatus.PENDING:
        return render(request, "peps/ppplus/decided.html", {**context, "pp_request": pp_request})
    form = DecisionForm(posted(request), pp_request=pp_request)
    return form_page(
        request,
        form,
        save=lambda data: services.pp_request_decide(
            acting_user=request.user, request=pp_request, **data
        ),
        done="Decision saved",
        next_url=lambda _saved: reverse("peps:request_list"),
        context=context,
    )


@login_required
@views_peps
def request_add(request: HttpRequest, pk: int) -> HttpResponse:
    pep = pep_get_for_user(request.user, pk)
    if request.user.role not in (Role.HEAD, Role.CASEWORKER, Role.DESIGNATED_TEACHER):
        raise PermissionDenied
    pep_url = reverse("peps:pep_detail", args=[pep.pk])
    context = {
        "heading": "Ask for additional PP+",
        "caption": str(pep),
        "back_url": pep_url,
        "intro": "The Virtual School Head decides requests for PP+ above the termly "
        "allocation. Tie each request to one of the PEP's targets.",
    }
    if not services.may_raise_request(request.user, pep):
        reason = services.why_not_editable(request.user, pep)
        return render(request, "peps/ppplus/message.html", {**context, "message": reason})
    targets = pep.targets.all()
    if not targets.exists():
        message = "This PEP has no targets yet. Add its SMART targets first, then ask for PP+."
        return render(request, "peps/ppplus/message.html", {**context, "message": message})
    # The targets section links here for one target: start with it chosen.
    form = RequestForm(
        posted(request), targets=targets, initial={"target": request.GET.get("target")}
    )
    return form_page(
        request,
        form,
        save=lambda data: services.pp_request_raise(acting_user=request.user, pep=pep, **data),
        done="Request sent to the Virtual School Head",
        next_url=lambda _saved: pep_url,
        context=context,
    )


# --- Ledger entries and grant years -----------------------------------------------------------


@login_required
@manages
def ledger_entry_add(request: HttpRequest) -> HttpResponse:
    if not GrantYear.objects.exists():
        messages.info(request, "Add a grant year before adding to the ledger")
        return redirect("peps:grant_year_add")
    current = services.grant_year_for(timezone.localdate())
    form = LedgerEntryForm(
        posted(request),
        initial={"grant_year": current},
        children=children_visible_to(request.user),
        schools=schools_visible_to(request.user),
        can_override=request.user.has_perm("peps.decide_ppplus"),
    )
    return form_page(
        request,
        form,
        save=lambda data: services.ledger_entry_add(acting_user=request.user, **data),
        done="Added to the ledger",
        next_url=lambda entry: _budget_url(entry.grant_year),
        context={
            "heading": "Add to the PP+ ledger",
            "back_url": _budget_url(current),
            "intro": "For direct support to children, training and funds the Virtual School "
            "keeps centrally. Allocations to schools through PEPs and approved requests are "
            "added automatically.",
        },
    )


@login_required
@manages
def grant_year_add(request: HttpRequest) -> HttpResponse:
    form = GrantYearForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda data: services.grant_year_create(acting_user=request.user, **data),
        done="Grant year added",
        next_url=_budget_url,
        context={"heading": "Add a grant year", "back_url": _budget_url()},
    )
