"""The Virtual School's PEP dashboards: compliance by term and phase (every number links to the
PEPs it counts), the quality-assurance rating distribution, and the termly deadlines.

Figures come from peps.compliance and peps.selectors, aggregated in the database: the number
of queries does not grow with the number of children or PEPs.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from peps import compliance as figures
from peps import selectors
from peps.access import peps_visible_to
from peps.models import QaRating, TermDeadline
from peps.quality import good_or_better_ratings
from peps.services.scheduling import default_term_deadline, term_deadline_set
from vschool import dates
from vschool.dates import Term
from vschool.forms import GovukDateField, GovukForm

PERMISSION = "peps.view_dashboards"
LIST_PAGE_SIZE = 25


def _dashboard(view):
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


# --- Compliance ----------------------------------------------------------------------------------

COLUMNS = [  # (figure key, column heading)
    ("due", "PEPs due"),
    ("on_time", "Completed on time"),
    ("late", "Completed late"),
    ("overdue", "Overdue"),
    ("not_yet_due", "Not yet due"),
]


@_dashboard
def compliance(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    term = selectors.chosen_term(request.GET.get("term"), today)
    rows = figures.compliance_by_phase(term, today)
    initial = figures.initial_compliance_by_phase(term, today)[-1]
    return render(
        request,
        "peps/dashboards/compliance.html",
        {
            "term": term,
            "terms": selectors.term_links(request.path, term, today),
            "today": today,
            "columns": COLUMNS,
            "rows": [_compliance_row(row, term) for row in rows],
            "initial": initial,
            "initial_percent": initial.percent("initial_on_time", "initial_due"),
            "initial_href": {
                key: _figure_href(term, key, "") for key in ("initial_due", "initial_on_time")
            },
            "listing": _listing(request, term, today),
        },
    )


def _figure_href(term: Term, key: str, phase: str) -> str:
    phase_query = f"&phase={phase}" if phase else ""
    return f"?term={term.slug}&figure={key}{phase_query}#peps-behind"


def _compliance_row(row: figures.PhaseRow, term: Term) -> dict:
    return {
        "label": row.label,
        "cells": [
            {"count": row.counts[key], "href": _figure_href(term, key, row.slug), "label": label}
            for key, label in COLUMNS
        ],
        "on_time_percent": row.percent("on_time", "due"),
    }


def _listing(request: HttpRequest, term: Term, today: date) -> dict | None:
    """The PEPs behind the number the user followed (?figure=overdue&phase=key-stage-2)."""
    key, phase = request.GET.get("figure"), request.GET.get("phase", "")
    if key not in figures.FIGURES or (phase and phase not in selectors.PHASE_LABELS):
        return None
    figure = figures.FIGURES[key](term, today, phase or None)
    peps = (
        (figure.peps & peps_visible_to(request.user))
        .select_related("child", "school")
        .order_by("due_date", "child__legal_last_name", "child__legal_first_name", "pk")
    )
    return {
        "figure": figure,
        "phase": selectors.PHASE_LABELS.get(phase, "All phases"),
        "page_obj": Paginator(peps, LIST_PAGE_SIZE).get_page(request.GET.get("page")),
    }


# --- Quality-assurance ratings -------------------------------------------------------------


@_dashboard
def qa_ratings(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    term = selectors.chosen_term(request.GET.get("term"), today)
    return render(
        request,
        "peps/dashboards/qa_ratings.html",
        {
            "term": term,
            "terms": selectors.term_links(request.path, term, today),
            "ratings": [label for _, label in QaRating.choices],
            "good_or_better": " or ".join(
                QaRating(rating).label for rating in good_or_better_ratings()
            ),
            "overall": selectors.rating_distribution(term),
            "schools": selectors.ratings_by_school(term),
            "reviewers": selectors.ratings_by_reviewer(term),
        },
    )


# --- Term deadlines ----------------------------------------------------------------------------


class DeadlineForm(GovukForm):
    submit_label = "Save deadline"

    due_date = GovukDateField(
        label="Date the PEPs must be completed by", name="the deadline", example="28 11 2025"
    )


def deadline_terms(today: date) -> list[Term]:
    """The terms whose deadline the Virtual School sets: this academic year's and next."""
    year = dates.academic_year_of(today)
    return [*dates.terms_of_year(year), *dates.terms_of_year(year + 1)]


@_dashboard
def deadlines(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    terms = deadline_terms(today)
    chosen = next((term for term in terms if term.slug == request.GET.get("term")), None)
    if chosen is not None:
        return _deadline_form(request, chosen)
    saved = {
        (deadline.academic_year, deadline.term): deadline.due_date
        for deadline in TermDeadline.objects.filter(
            academic_year__in={term.academic_year for term in terms}
        )
    }
    rows = [
        {
            "term": term,
            "due_date": saved.get((term.academic_year, term.name.value)),
            "default": default_term_deadline(term),
            "href": f"{request.path}?term={term.slug}",
        }
        for term in terms
    ]
    return render(request, "peps/dashboards/deadlines.html", {"rows": rows})


def _deadline_form(request: HttpRequest, term: Term) -> HttpResponse:
    saved = TermDeadline.objects.filter(
        academic_year=term.academic_year, term=term.name.value
    ).first()
    form = DeadlineForm(request.POST or None, initial={"due_date": saved and saved.due_date})
    if request.method == "POST" and form.is_valid():
        try:
            term_deadline_set(
                acting_user=request.user, term=term, due_date=form.cleaned_data["due_date"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"The deadline for the {term} is saved")
            return redirect(reverse("peps:deadlines"))
    return render(
        request,
        "peps/dashboards/deadline_form.html",
        {
            "form": form,
            "term": term,
            "heading": f"Deadline for the {term}",
            "back_url": reverse("peps:deadlines"),
            "default": default_term_deadline(term),
        },
    )
