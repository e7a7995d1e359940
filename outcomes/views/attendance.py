"""The attendance pages: a child's Attendance tab (a calendar of the term's marks, the figures
per term, suspensions), recording a suspension, and the Virtual School's attendance overview
with its persistent absentees list as CSV.

Children are fetched through pupils.access; every figure comes from outcomes.figures or
outcomes.suspension_figures.
"""

import csv
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from outcomes import selectors
from outcomes.figures import cohort_attendance
from outcomes.forms import SuspensionForm
from outcomes.services.suspensions import suspension_record
from outcomes.suspension_figures import SUSPENSION_DAYS_LIMIT
from pupils.access import child_get_for_user, children_visible_to
from pupils.imports.common import spreadsheet_safe
from pupils.models import Child
from pupils.views.children import record_tab
from vschool import dates

ABSENTEES_PAGE_SIZE = 25
TOP_SCHOOLS = 10
ABSENTEES_CSV = "persistent-absentees"

# --- The calendar heat-map -------------------------------------------------------------------
# Drawn as SVG with presentation attributes (fill="…"), which the Content-Security-Policy
# allows where inline styles are blocked. Colours are GOV.UK's; each half-cell also shows its
# code, so that nothing depends on colour alone.

COLOURS = {  # category: (fill, text)
    "present": ("#00703c", "#ffffff"),
    "aea": ("#1d70b8", "#ffffff"),
    "authorised": ("#f47738", "#0b0c0c"),
    "unauthorised": ("#d4351c", "#ffffff"),
    "not_counted": ("#b1b4b6", "#0b0c0c"),
    selectors.NO_MARK: ("#ffffff", "#0b0c0c"),
}
LABEL_WIDTH = 64
HALF_WIDTH = 28
HALF_GAP = 2
DAY_WIDTH = 2 * HALF_WIDTH + HALF_GAP
DAY_GAP = 8
HEADER_HEIGHT = 22
DAY_NUMBER_HEIGHT = 13
HALF_HEIGHT = 22
WEEK_HEIGHT = DAY_NUMBER_HEIGHT + HALF_HEIGHT + 8
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri")


def _half(mark: selectors.Mark, x: int, y: int) -> dict:
    fill, text = COLOURS[mark.category]
    return {
        "x": x,
        "y": y,
        "centre_x": x + HALF_WIDTH // 2,
        "text_y": y + HALF_HEIGHT // 2 + 4,
        "fill": fill,
        "text_fill": text,
        "code": mark.code,
        "blank": mark.category == selectors.NO_MARK,
    }


def _day_cell(day: selectors.MarkedDay, column: int, top: int) -> dict:
    x = LABEL_WIDTH + column * (DAY_WIDTH + DAY_GAP)
    halves_top = top + DAY_NUMBER_HEIGHT
    number = f"{day.date.day} {day.date:%b}" if day.date.day == 1 else str(day.date.day)
    return {
        "x": x,
        "number": number,  # with the month on the 1st, where a row spans two months
        "number_y": top + DAY_NUMBER_HEIGHT - 3,
        "day": day,
        "am": _half(day.am, x, halves_top),
        "pm": _half(day.pm, x + HALF_WIDTH + HALF_GAP, halves_top),
    }


def heatmap(weeks: list[list[selectors.MarkedDay | None]]) -> dict:
    """Where each week, day and session goes in the SVG."""
    rows = []
    for index, week in enumerate(weeks):
        top = HEADER_HEIGHT + index * WEEK_HEIGHT
        monday = next(day.date for day in week if day is not None)
        rows.append(
            {
                "label": f"{monday.day} {monday:%b}",
                "label_y": top + DAY_NUMBER_HEIGHT + HALF_HEIGHT // 2 + 4,
                "days": [_day_cell(day, i, top) for i, day in enumerate(week) if day is not None],
            }
        )
    columns = [
        {"name": name, "x": LABEL_WIDTH + i * (DAY_WIDTH + DAY_GAP) + DAY_WIDTH // 2}
        for i, name in enumerate(WEEKDAY_NAMES)
    ]
    return {
        "width": LABEL_WIDTH + 5 * DAY_WIDTH + 4 * DAY_GAP,
        "height": HEADER_HEIGHT + len(weeks) * WEEK_HEIGHT,
        "columns": columns,
        "weeks": rows,
        "half_width": HALF_WIDTH,
        "half_height": HALF_HEIGHT,
    }


def legend() -> list[dict]:
    examples = {
        "present": "/ \\ L",
        "aea": "K V P W B",
        "authorised": "I M C C2 E …",
        "unauthorised": "N O U G",
        "not_counted": "D X Y1–Y7 # …",
        selectors.NO_MARK: "",
    }
    return [
        {
            "label": label,
            "fill": COLOURS[category][0],
            "blank": category == selectors.NO_MARK,
            "codes": examples[category],
        }
        for category, label in selectors.CATEGORY_LABELS.items()
    ]


# --- A child's Attendance tab ----------------------------------------------------------------


def _term_links(request: HttpRequest, term: dates.Term, today: date) -> list[dict]:
    return [
        {"text": str(other), "href": f"{request.path}?term={other.slug}", "current": other == term}
        for other in selectors.terms_offered(today)
    ]


@record_tab("outcomes/attendance/child.html")
def child_attendance(request: HttpRequest, child: Child, today: date) -> dict:
    term = selectors.chosen_term(request.GET.get("term"), today)
    days = selectors.child_days(child.pk, term.start, term.end)
    breakdown = selectors.year_breakdown(child.pk, term.academic_year, today)
    shown = next(figures for figures in breakdown.terms if figures.term == term)
    days_lost = selectors.suspension_days_in_year(child.pk, term.academic_year)
    marks = selectors.marks_table(term, days, today)
    return {
        "term": term,
        "terms": _term_links(request, term, today),
        "this_term": shown,
        "heatmap": heatmap(selectors.term_calendar(term, days)),
        "legend": legend(),
        "marks": marks,
        "marks_until": marks[-1].date if marks else None,
        "breakdown": breakdown,
        "year_label": dates.academic_year_label(term.academic_year),
        "suspensions": selectors.child_suspensions(child.pk),
        "days_lost": days_lost,
        "days_limit": SUSPENSION_DAYS_LIMIT,
        "over_limit": days_lost > SUSPENSION_DAYS_LIMIT,
        "can_record_suspensions": request.user.has_perm("outcomes.record_suspensions"),
    }


# --- Recording a suspension ------------------------------------------------------------------


def _warn_over_limit(request: HttpRequest, child: Child, first_day: date) -> None:
    year = dates.academic_year_of(first_day)
    days_lost = selectors.suspension_days_in_year(child.pk, year)
    if days_lost > SUSPENSION_DAYS_LIMIT:
        messages.warning(
            request,
            f"The child's suspensions in {dates.academic_year_label(year)} now add up to "
            f"{days_lost:g} school days, more than the {SUSPENSION_DAYS_LIMIT} a year the law "
            "allows. Contact the school.",
        )


@login_required
@permission_required("outcomes.record_suspensions", raise_exception=True)
def suspension_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    today = timezone.localdate()
    schools, main_school = selectors.suspension_schools(child, today)
    form = SuspensionForm(
        request.POST if request.method == "POST" else None,
        schools=schools,
        main_school=main_school,
    )
    back = reverse("outcomes:child_attendance", args=[child.pk])
    if request.method == "POST" and form.is_valid():
        try:
            suspension = suspension_record(
                acting_user=request.user, child=child, **form.service_arguments()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Suspension recorded")
            _warn_over_limit(request, child, suspension.start_date)
            return redirect(back)
    intro = None
    if not schools.exists():
        intro = "Add the school to the child's education record first: a suspension is "
        intro += "recorded against a school the child has been on the roll of."
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "heading": "Record a suspension",
            "caption": child.display_name,
            "back_url": back,
            "intro": intro,
        },
    )


# --- The Virtual School's attendance overview ------------------------------------------------


def _absentees(cohort: list[selectors.CohortChild], attendance) -> list[dict]:
    """The persistent absentees, lowest attendance first."""
    children = {child.pk: child for child in cohort}
    rows = [
        {"child": children[pk], "figures": attendance.by_child[pk]}
        for pk in attendance.persistent_absentees
    ]
    return sorted(rows, key=lambda row: (row["figures"].attendance_percent, row["child"].name))


@login_required
@permission_required("outcomes.view_attendance_overview", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    term = selectors.chosen_term(request.GET.get("term"), today)
    cohort = selectors.cohort_children(children_visible_to(request.user, today), term, today)
    attendance = cohort_attendance([child.pk for child in cohort], term.start, term.end)
    absentees = _absentees(cohort, attendance)
    if request.GET.get("download") == ABSENTEES_CSV:
        return _absentees_csv(term, absentees)
    phases = selectors.phase_groups(cohort, attendance)
    schools = selectors.school_groups(cohort, attendance)
    all_schools = request.GET.get("schools") == "all"
    suspensions = [selectors.suspension_group("All children", [c.pk for c in cohort], term)]
    suspensions += [selectors.suspension_group(p.label, p.children, term) for p in phases]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "outcomes/attendance/overview.html",
        {
            "term": term,
            "terms": _term_links(request, term, today),
            "today": today,
            "last_day": selectors.days_so_far(term, today),
            "cohort_size": len(cohort),
            "attendance": attendance,
            "phases": phases,
            "schools": schools if all_schools else schools[:TOP_SCHOOLS],
            "school_count": len(schools),
            "all_schools": all_schools,
            "top_schools": TOP_SCHOOLS,
            "authority": selectors.authority_groups(cohort, attendance),
            "page_obj": Paginator(absentees, ABSENTEES_PAGE_SIZE).get_page(request.GET.get("page")),
            "absentee_count": len(absentees),
            "csv_href": f"{request.path}?term={term.slug}&download={ABSENTEES_CSV}",
            "suspensions": suspensions,
        },
    )


CSV_HEADER = [
    "LA child ID",
    "UPN",
    "Name",
    "Year group",
    "School URN",
    "School",
    "Possible sessions",
    "Sessions missed",
    "Authorised absence sessions",
    "Unauthorised absence sessions",
    "Attendance %",
    "Severely absent",
]


def _absentees_csv(term: dates.Term, absentees: list[dict]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ABSENTEES_CSV}-{term.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for row in absentees:
        child, figures = row["child"], row["figures"]
        cells = [
            child.la_child_id,
            child.upn,
            child.name,
            dates.year_group_label(child.year_group),
            child.school_urn,
            child.school_name,
            figures.possible,
            figures.absent,
            figures.authorised,
            figures.unauthorised,
            figures.attendance_percent,
            "Yes" if figures.severely_absent else "No",
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return response
