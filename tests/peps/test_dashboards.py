"""The Virtual School's PEP dashboards: compliance by term and phase and the initial-PEP figure,
the quality-rating distribution, and the termly deadlines, checked against hand-computed
figures; who may see them; and that their query counts do not grow with the number of PEPs.

Today is Friday 5 December 2025: the autumn term's PEPs were due on 28 November.
"""

import datetime
import html as html_entities
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from peps import compliance
from peps.models import Pep, PepKind, PepStatus, TermDeadline
from peps.selectors import rating_distribution, ratings_by_reviewer, ratings_by_school
from tests.factories import ChildFactory, SchoolFactory, UserFactory
from tests.peps.scheduling_factories import PepFactory
from vschool.accounts.models import Role
from vschool.dates import term_from_slug

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 12, 5)
AUTUMN = term_from_slug("2025-autumn")
DUE = D(2025, 11, 28)
# Born in these years (January), a child is in this year group in 2025/26.
YEAR_5, YEAR_8, YEAR_10 = D(2016, 1, 10), D(2013, 1, 10), D(2011, 1, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(timezone.make_aware(datetime.datetime(2025, 12, 5, 12)), tick=False):
        yield


def at(day: datetime.date):
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, 15, 0))


def text(page: str) -> str:
    return html_entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def pep(born, status=PepStatus.IN_PROGRESS, submitted=None, due=DUE, **extra) -> Pep:
    child = extra.pop("child", None) or ChildFactory(date_of_birth=born)
    return PepFactory(
        child=child,
        status=status,
        due_date=due,
        submitted_at=at(submitted) if submitted else None,
        **extra,
    )


@pytest.fixture
def autumn_peps() -> dict[str, Pep]:
    """Six termly PEPs due this term (two in each of key stages 2, 3 and 4), and PEPs that are
    not counted: a second version, another term's, and an initial PEP."""
    peps = {
        "on_time": pep(YEAR_5, PepStatus.APPROVED, submitted=D(2025, 11, 27)),
        "late": pep(YEAR_5, PepStatus.SUBMITTED, submitted=D(2025, 12, 1)),
        "in_progress": pep(YEAR_8, PepStatus.IN_PROGRESS),
        # Submitted on time, then returned: not complete until it is submitted again.
        "returned": pep(YEAR_8, PepStatus.RETURNED, submitted=D(2025, 11, 20)),
        "not_yet_due": pep(YEAR_10, PepStatus.NOT_STARTED, due=D(2025, 12, 12)),
        "due_today": pep(YEAR_10, PepStatus.IN_PROGRESS, due=TODAY),
    }
    first = peps["on_time"]
    PepFactory(child=first.child, version=2, status=PepStatus.IN_PROGRESS, due_date=DUE)
    pep(YEAR_5, term="spring", due=D(2026, 3, 12))
    pep(YEAR_5, kind=PepKind.INITIAL, due=D(2025, 11, 20))
    return peps


def test_compliance_figures_by_hand(autumn_peps):
    figures = {key: function(AUTUMN, TODAY) for key, function in compliance.FIGURES.items()}
    assert figures["due"].count == 6
    assert set(figures["on_time"].peps) == {autumn_peps["on_time"]}
    assert set(figures["late"].peps) == {autumn_peps["late"]}
    assert set(figures["overdue"].peps) == {autumn_peps["in_progress"], autumn_peps["returned"]}
    assert set(figures["not_yet_due"].peps) == {
        autumn_peps["not_yet_due"],
        autumn_peps["due_today"],
    }


def test_compliance_by_phase_by_hand(autumn_peps):
    rows = {row.label: row.counts for row in compliance.compliance_by_phase(AUTUMN, TODAY)}
    zero = {"due": 0, "on_time": 0, "late": 0, "overdue": 0, "not_yet_due": 0}
    assert rows == {
        "Key stage 2": {**zero, "due": 2, "on_time": 1, "late": 1},
        "Key stage 3": {**zero, "due": 2, "overdue": 2},
        "Key stage 4": {**zero, "due": 2, "not_yet_due": 2},
        "All phases": {"due": 6, "on_time": 1, "late": 1, "overdue": 2, "not_yet_due": 2},
    }
    assert compliance.peps_overdue(AUTUMN, TODAY, phase="key-stage-3").count == 2
    assert compliance.peps_overdue(AUTUMN, TODAY, phase="key-stage-2").count == 0


def initial(due, status=PepStatus.IN_PROGRESS, submitted=None) -> Pep:
    return pep(YEAR_8, status, submitted=submitted, due=due, kind=PepKind.INITIAL)


def test_initial_peps_within_20_working_days_by_hand():
    within = initial(D(2025, 11, 20), PepStatus.APPROVED, submitted=D(2025, 11, 18))
    initial(D(2025, 11, 25), PepStatus.SUBMITTED, submitted=D(2025, 11, 27))  # late
    initial(D(2025, 12, 1))  # due, not completed
    initial(D(2025, 12, 10), PepStatus.NOT_STARTED)  # not yet due: not counted
    early = initial(D(2025, 12, 15), PepStatus.SUBMITTED, submitted=D(2025, 12, 2))

    figure = compliance.initial_peps_within_20_working_days(AUTUMN, TODAY)

    assert (figure.count, figure.denominator) == (2, 4)
    assert figure.percent == 50
    assert set(figure.peps) == {within, early}


def test_the_compliance_page_shows_the_figures_and_the_peps_behind_them(
    autumn_peps, client_for, caseworker
):
    page = client_for(caseworker).get(
        reverse("peps:compliance"),
        {"term": "2025-autumn", "figure": "overdue", "phase": "key-stage-3"},
    )
    assert page.status_code == 200
    words = text(page.content.decode())
    assert "Autumn term 2025/26" in words
    assert "All phases 6 " in words
    assert "Key stage 2 2 " in words
    assert "16.7%" in words  # 1 of 6 on time
    assert "Overdue: Key stage 3 (2)" in words
    for key in ("in_progress", "returned"):
        assert autumn_peps[key].child.display_name in words
    assert autumn_peps["late"].child.display_name not in words
    assert "?term=2025-autumn&amp;figure=late&amp;phase=key-stage-2" in page.content.decode()


def test_compliance_page_queries_do_not_grow_with_the_number_of_peps(client_for, head):
    client = client_for(head)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            client.get(reverse("peps:compliance"), {"figure": "due"})
        return len(context.captured_queries)

    for born in (YEAR_5, YEAR_8, YEAR_10):
        pep(born)
    few = queries()
    for born in (YEAR_5, YEAR_8, YEAR_10) * 5:
        pep(born, PepStatus.SUBMITTED, submitted=D(2025, 11, 1))
        pep(born, kind=PepKind.INITIAL, due=D(2025, 11, 1))
    assert queries() == few


# --- Quality ratings ----------------------------------------------------------------------------


@pytest.fixture
def rated():
    """Five rated PEPs: at school A by Xena (gold, green, amber), at school B by Yusuf (red,
    returned; green)."""
    school_a, school_b = SchoolFactory(name="Ash Primary"), SchoolFactory(name="Birch Academy")
    xena = UserFactory(role=Role.CASEWORKER, full_name="Xena Xu")
    yusuf = UserFactory(role=Role.HEAD, full_name="Yusuf Yates")
    for rating in ("gold", "green", "amber"):
        PepFactory(school=school_a, status="approved", rating=rating, rated_by=xena)
    PepFactory(school=school_b, status="returned", rating="red", rated_by=yusuf)
    PepFactory(school=school_b, status="approved", rating="green", rated_by=yusuf)
    PepFactory(school=school_b, status="submitted")  # not rated yet
    PepFactory(school=school_a, status="approved", rating="red", rated_by=xena, term="spring")


def test_rating_distribution_by_hand(rated):
    overall = rating_distribution(AUTUMN)
    assert overall.cells() == [("gold", 1), ("green", 2), ("amber", 1), ("red", 1)]
    assert (overall.rated, overall.good_or_better, overall.good_or_better_percent) == (5, 3, 60)

    schools = {row.label: row for row in ratings_by_school(AUTUMN)}
    assert schools["Ash Primary"].good_or_better_percent == Decimal("66.7")
    assert (schools["Birch Academy"].rated, schools["Birch Academy"].good_or_better) == (2, 1)

    reviewers = {row.label: (row.rated, row.good_or_better) for row in ratings_by_reviewer(AUTUMN)}
    assert reviewers == {"Xena Xu": (3, 2), "Yusuf Yates": (2, 1)}


def test_the_ratings_page(rated, client_for, head):
    page = client_for(head).get(reverse("peps:qa_ratings"), {"term": "2025-autumn"})
    words = text(page.content.decode())
    assert "60.0% (3 of 5)" in words
    assert "Ash Primary 1 1 1 0 3 66.7%" in words
    assert "Yusuf Yates 0 1 0 1 2 50.0%" in words


# --- Deadlines ----------------------------------------------------------------------------------


def test_the_virtual_school_sets_a_terms_deadline(client_for, caseworker):
    client = client_for(caseworker)
    listing = text(client.get(reverse("peps:deadlines")).content.decode())
    assert (
        "Spring term 2026/27 1 January 2027 to 28 March 2027 Not set "
        "Default: Thursday 4 March 2027 Set the deadline for the Spring term 2026/27"
    ) in listing

    url = reverse("peps:deadlines") + "?term=2025-spring"
    response = client.post(url, {"due_date_0": "6", "due_date_1": "3", "due_date_2": "2026"})

    assert response.status_code == 302
    assert TermDeadline.objects.get(academic_year=2025, term="spring").due_date == D(2026, 3, 6)
    listing = text(client.get(reverse("peps:deadlines")).content.decode())
    assert "The deadline for the Spring term 2025/26 is saved" in listing
    assert "Friday 6 March 2026" in listing


def test_a_deadline_outside_the_term_is_refused(client_for, caseworker):
    url = reverse("peps:deadlines") + "?term=2025-spring"
    response = client_for(caseworker).post(
        url, {"due_date_0": "10", "due_date_1": "4", "due_date_2": "2026"}
    )
    assert response.status_code == 200
    assert "The deadline must be in the spring term, between 1 January 2026 and 5 April 2026" in (
        text(response.content.decode())
    )
    assert not TermDeadline.objects.exists()


# --- Access -------------------------------------------------------------------------------------

PAGES = ["peps:compliance", "peps:qa_ratings", "peps:deadlines"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", [Role.HEAD, Role.CASEWORKER], indirect=True)
def test_the_virtual_school_sees_the_dashboards(name, persona, client_for):
    assert client_for(persona).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    "persona",
    [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR, Role.ADMIN],
    indirect=True,
)
def test_nobody_else_sees_the_dashboards(name, persona, client_for):
    assert client_for(persona).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_signed_out_people_are_sent_to_sign_in(name, client):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign-in" in response["Location"]
