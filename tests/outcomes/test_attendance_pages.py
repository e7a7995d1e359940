"""The attendance pages: a child's Attendance tab, recording a suspension, and the Virtual
School's attendance overview with its CSV, checked against hand-computed figures; and who may
see them.

Today is Wednesday 5 November 2025, in the autumn term of 2025/26.
"""

import csv
import datetime
import html as html_entities
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes.models import AttendanceDay, ExclusionOutcome, ExclusionType, Suspension
from pupils.models import AllocationRole, Cohort
from tests.factories import (
    AllocationFactory,
    ChildFactory,
    CohortMembershipFactory,
    DesignatedTeacherFactory,
    EnrolmentFactory,
    SchoolFactory,
    UserFactory,
)
from vschool.accounts.models import Role
from vschool.dates import weekdays

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 11, 5)


@pytest.fixture(autouse=True)
def _today(settings):
    settings.LA_CODE, settings.LA_NAME = "999", "Exampleshire"
    with time_machine.travel(TODAY, tick=False):
        yield


def text(html: str) -> str:
    """The page's words, tags removed and spaces collapsed, to check what a reader sees."""
    return html_entities.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def days(child, school, start, end, am="/", pm="\\") -> None:
    AttendanceDay.objects.bulk_create(
        AttendanceDay(child=child, date=day, school=school, am=am, pm=pm)
        for day in weekdays(start, end)
    )


def mark(child, school, day, am, pm="", reason="", comments="") -> None:
    AttendanceDay.objects.create(
        child=child, date=day, school=school, am=am, pm=pm, reason=reason, comments=comments
    )


def suspend(child, school, kind, start, end, sessions, **extra) -> Suspension:
    extra.setdefault("reasons", ["DB"])
    return Suspension.objects.create(
        child=child,
        school=school,
        kind=kind,
        start_date=start,
        end_date=end,
        sessions_lost=sessions,
        **extra,
    )


def in_care(child, **extra):
    CohortMembershipFactory(child=child, cohort=Cohort.CHILD_IN_CARE, **extra)
    return child


# --- The cohort, hand-computed for the autumn term to 5 November 2025 ---------------------------
#
# Amira (Year 6, key stage 2) at Alder Academy, in the authority: present every session of
#   1–12 September and 3 November, ill on 4 November. 24 possible, 22 attended: 91.7%.
# Lily (Year 4, key stage 2) at Alder: present 1–5 September; C2 then / on 3 November, N in the
#   morning of 4 November (afternoon not yet collected). 13 possible, 11 attended, 1 authorised,
#   1 unauthorised: 84.6%, persistently absent.
# Jayden (Year 10, key stage 4) at Birch School, outside: L \ on 3 November, suspended (E E) on
#   4 November. 4 possible, 2 attended, 2 authorised: 50.0%, severely absent.
# Noah (Year 2, key stage 1): in care, no school place, no marks.
# Cohort: 41 possible, 35 attended (85.4%), 5 authorised (12.2%), 1 unauthorised (2.4%);
#   of the 3 children with marks, 2 persistently absent (66.7%) and 1 severely (33.3%).
# Not in the cohort: Priya (previously looked after), Sam (Year 12), Uma (nursery age), Tom
#   (left care in July).


@pytest.fixture
def alder():
    return SchoolFactory(name="Alder Academy", urn="111742", la_code="999")


@pytest.fixture
def birch():
    return SchoolFactory(name="=SUM(1+1) Birch School", urn="111766", la_code="888")


@pytest.fixture
def amira(alder):
    child = in_care(
        ChildFactory(
            legal_first_name="Amira",
            legal_last_name="Khan",
            la_child_id="100234",
            date_of_birth=D(2015, 3, 14),
        )
    )
    EnrolmentFactory(child=child, school=alder, start_date=D(2023, 9, 1))
    days(child, alder, D(2025, 9, 1), D(2025, 9, 12))
    mark(child, alder, D(2025, 11, 3), "/", "\\")
    mark(child, alder, D(2025, 11, 4), "I", "I", "Sickness bug", "Carer rang school 08:40")
    return child


@pytest.fixture
def cohort(amira, alder, birch):
    lily = in_care(
        ChildFactory(
            legal_first_name="Lily",
            legal_last_name="Parker",
            la_child_id="101002",
            date_of_birth=D(2017, 6, 21),
        )
    )
    EnrolmentFactory(child=lily, school=alder, start_date=D(2024, 9, 1))
    days(lily, alder, D(2025, 9, 1), D(2025, 9, 5))
    mark(lily, alder, D(2025, 11, 3), "C2", "/")
    mark(lily, alder, D(2025, 11, 4), "N", "")
    jayden = in_care(
        ChildFactory(
            legal_first_name="Jayden",
            legal_last_name="Morris",
            la_child_id="100871",
            date_of_birth=D(2010, 9, 2),
        )
    )
    EnrolmentFactory(child=jayden, school=birch, start_date=D(2021, 9, 1))
    mark(jayden, birch, D(2025, 11, 3), "L", "\\")
    mark(jayden, birch, D(2025, 11, 4), "E", "E")
    noah = in_care(
        ChildFactory(legal_first_name="Noah", la_child_id="100900", date_of_birth=D(2019, 1, 10))
    )
    priya = ChildFactory(legal_first_name="Priya", date_of_birth=D(2015, 5, 5))
    CohortMembershipFactory(child=priya, cohort=Cohort.PREVIOUSLY_LOOKED_AFTER, plac_route="sgo")
    sam = in_care(ChildFactory(legal_first_name="Sam", date_of_birth=D(2008, 10, 1)))
    uma = in_care(ChildFactory(legal_first_name="Uma", date_of_birth=D(2021, 10, 1)))
    tom = in_care(
        ChildFactory(legal_first_name="Tom", date_of_birth=D(2013, 1, 1)),
        start_date=D(2020, 1, 1),
        end_date=D(2025, 7, 31),
    )
    for outsider in (priya, sam, uma, tom):
        days(outsider, alder, D(2025, 9, 1), D(2025, 9, 5), am="N", pm="N")
        suspend(outsider, alder, ExclusionType.SUSPENSION, D(2025, 10, 1), D(2025, 10, 1), 2)
    # Suspensions in the term: Jayden 4–5 November (4 sessions), Amira a lunchtime (1).
    suspend(jayden, birch, ExclusionType.SUSPENSION, D(2025, 11, 4), D(2025, 11, 5), 4)
    suspend(amira, alder, ExclusionType.LUNCHTIME, D(2025, 11, 3), D(2025, 11, 3), 1)
    return {"amira": amira, "lily": lily, "jayden": jayden, "noah": noah, "priya": priya}


def tab(client, child, **params):
    return client.get(reverse("outcomes:child_attendance", args=[child.pk]), params)


# --- The Attendance tab ------------------------------------------------------------------------


def test_the_record_has_an_attendance_tab(client_for, caseworker, amira):
    response = client_for(caseworker).get(reverse("pupils:child_detail", args=[amira.pk]))

    assert reverse("outcomes:child_attendance", args=[amira.pk]) in response.content.decode()
    assert ">Attendance<" in response.content.decode()


def test_the_tab_shows_this_terms_calendar_table_and_figures(client_for, caseworker, amira):
    response = tab(client_for(caseworker), amira)

    assert response.status_code == 200
    html = response.content.decode()
    page = text(html)
    assert "Attendance: Autumn term 2025/26" in page
    assert "Attendance this term 91.7%" in page
    assert "2 of 24 possible sessions (2 authorised, 0 unauthorised)" in page
    assert "Persistent absence</strong>" not in html
    # The calendar: Illness in both halves of 4 November, in the authorised colour, with codes.
    calendar = html[html.index("<svg") : html.index("</svg>")]
    assert "Tuesday 4 November 2025: AM I (authorised absence), PM I (authorised absence)" in (
        calendar
    )
    assert 'fill="#f47738"' in calendar and ">I</text>" in calendar
    assert calendar.count("<g>") == len(weekdays(D(2025, 9, 1), D(2025, 12, 31)))
    # The same marks as a table, with the reason and comments.
    assert "Tue 4 Nov I Illness (not medical or dental appointments)" in page
    assert "Sickness bug Carer rang school 08:40" in page
    assert "Wed 5 Nov No mark No mark" in page
    assert "Thu 6 Nov" not in page  # after today


def test_the_tab_breaks_the_year_down_by_term_and_code(client_for, caseworker, amira):
    page = text(tab(client_for(caseworker), amira).content.decode())

    assert "Attendance in 2025/26, term by term" in page
    assert "Possible sessions 24 24" in page  # autumn, and the year so far
    assert "Present 22 22" in page
    assert "Authorised absence 2 2" in page
    assert "Attendance 91.7% 91.7%" in page
    assert "Sessions Autumn term Year so far" in page  # spring and summer not begun
    assert "/ Present (morning) Present 11 11" in page
    assert "I Illness (not medical or dental appointments) Authorised absence 2 2" in page


def test_choosing_an_earlier_term_shows_its_marks_and_its_years_figures(
    client_for, caseworker, amira, alder
):
    mark(amira, alder, D(2025, 6, 2), "N", "N", "No answer from carer")
    mark(amira, alder, D(2025, 6, 3), "/", "\\")

    page = text(tab(client_for(caseworker), amira, term="2024-summer").content.decode())

    assert "Attendance: Summer term 2024/25" in page
    assert "Attendance this term 50.0% Severe absence" in page
    assert "Mon 2 Jun N Reason for absence not yet established" in page
    assert "Attendance in 2024/25, term by term" in page
    assert "Autumn term Spring term Summer term Year so far" in page


def test_the_tab_offers_the_terms_of_this_year_and_last_that_have_begun(
    client_for, caseworker, amira
):
    html = tab(client_for(caseworker), amira).content.decode()

    offered = re.findall(r"\?term=([\w-]+)", html)
    assert offered == [
        "2025-autumn",
        "2024-summer",
        "2024-spring",
        "2024-autumn",
    ]
    assert 'aria-current="page"><strong>Autumn term 2025/26' in html


@pytest.mark.parametrize("slug", ["2025-spring", "2023-autumn", "nonsense", "2025-winter"])
def test_a_term_not_offered_shows_this_term(client_for, caseworker, amira, slug):
    page = text(tab(client_for(caseworker), amira, term=slug).content.decode())

    assert "Attendance: Autumn term 2025/26" in page


def test_a_child_without_marks_is_told_so(client_for, caseworker):
    child = ChildFactory()

    page = text(tab(client_for(caseworker), child).content.decode())

    assert "No attendance marks have been received for this term." in page
    assert "No attendance marks have been received for 2025/26." in page


def test_the_tab_lists_suspensions_with_reasons_and_days_lost(client_for, caseworker, amira, alder):
    suspend(
        amira,
        alder,
        ExclusionType.SUSPENSION,
        D(2025, 10, 6),
        D(2025, 10, 13),
        12,
        reasons=["VA", "DB"],
        alternative_provision_from_day_six=True,
        comments="Reintegration meeting booked",
    )
    suspend(
        amira,
        alder,
        ExclusionType.PERMANENT,
        D(2025, 10, 20),
        D(2025, 10, 20),
        2,
        outcome=ExclusionOutcome.OVERTURNED,
        reasons=["PA"],
    )

    page = text(tab(client_for(caseworker), amira).content.decode())

    assert (
        "Suspension Alder Academy 6 Oct 2025 to 13 Oct 2025 6 "
        "Verbal abuse or threatening behaviour against an adult (VA) "
        "Persistent or general disruptive behaviour (DB) Reintegration meeting booked Yes Upheld"
    ) in page
    assert "Permanent exclusion Alder Academy 20 Oct 2025 1 Physical assault against an adult" in (
        page
    )
    assert "Overturned" in page
    assert "School days lost to suspensions in 2025/26: 6" in page
    assert "Warning" not in page


def test_the_tab_warns_when_suspensions_pass_45_days_in_the_year(
    client_for, caseworker, amira, alder
):
    suspend(amira, alder, ExclusionType.SUSPENSION, D(2025, 9, 1), D(2025, 10, 31), 90)
    assert "Warning" not in text(tab(client_for(caseworker), amira).content.decode())

    suspend(amira, alder, ExclusionType.LUNCHTIME, D(2025, 11, 3), D(2025, 11, 3), 1)
    page = text(tab(client_for(caseworker), amira).content.decode())

    assert (
        "Warning Suspensions in 2025/26 add up to 45.5 school days: more than the 45 days a "
        "year the law allows."
    ) in page


def test_the_record_a_suspension_link_is_only_for_the_virtual_school(
    client_for, caseworker, designated_teacher, amira, alder
):
    DesignatedTeacherFactory(user=designated_teacher, school=alder)
    add = reverse("outcomes:suspension_add", args=[amira.pk])

    assert add in tab(client_for(caseworker), amira).content.decode()
    assert add not in tab(client_for(designated_teacher), amira).content.decode()


# --- Who may see the tab -------------------------------------------------------------------------


def test_a_designated_teacher_sees_their_schools_child_and_not_another(
    client_for, designated_teacher, amira, alder
):
    DesignatedTeacherFactory(user=designated_teacher, school=alder)
    elsewhere = EnrolmentFactory().child
    client = client_for(designated_teacher)

    assert tab(client, amira).status_code == 200
    assert tab(client, elsewhere).status_code == 404


def test_a_social_worker_sees_only_their_allocated_children(client_for, social_worker, amira):
    other = ChildFactory()
    AllocationFactory(child=amira, user=social_worker, role=AllocationRole.SOCIAL_WORKER)
    client = client_for(social_worker)

    assert tab(client, amira).status_code == 200
    assert tab(client, other).status_code == 404


@pytest.mark.parametrize("persona", [Role.GOVERNOR, Role.ADMIN], indirect=True)
def test_governors_and_administrators_may_not_see_a_childs_attendance(client_for, persona, amira):
    assert tab(client_for(persona), amira).status_code == 403


def test_signing_in_is_required(client, amira):
    response = tab(client, amira)

    assert response.status_code == 302
    assert "sign" in response["Location"] or "login" in response["Location"]


def test_an_unknown_child_is_not_found(client_for, caseworker):
    response = client_for(caseworker).get(reverse("outcomes:child_attendance", args=[999999]))

    assert response.status_code == 404


# --- Recording a suspension ---------------------------------------------------------------------


def add_url(child) -> str:
    return reverse("outcomes:suspension_add", args=[child.pk])


def form_data(school, **changes) -> dict:
    data = {
        "kind": "SUSP",
        "school": school.pk,
        "start_date_0": "3",
        "start_date_1": "11",
        "start_date_2": "2025",
        "end_date_0": "4",
        "end_date_1": "11",
        "end_date_2": "2025",
        "sessions_lost": "4",
        "reason_1": "VA",
        "reason_2": "",
        "reason_3": "",
        "alternative_provision_from_day_six": "not_known",
        "outcome": "upheld",
        "comments": "",
    }
    return {**data, **changes}


def errors_of(response) -> list[str]:
    html = response.content.decode()
    start = html.index("govuk-error-summary")
    summary = html[start : html.index("</ul>", start)]
    return [text(item).strip() for item in re.findall(r"<a [^>]*>(.*?)</a>", summary)]


def test_the_form_starts_at_the_childs_main_school_and_labels_unconfirmed_reasons(
    client_for, caseworker, amira, alder, birch
):
    EnrolmentFactory(child=amira, school=birch, kind="subsidiary", start_date=D(2025, 10, 1))

    response = client_for(caseworker).get(add_url(amira))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Record a suspension" in html
    assert f'<option value="{alder.pk}" selected>Alder Academy (URN 111742)</option>' in html
    assert "Birch School (URN 111766)" in html
    assert "Vape related (VR), not yet confirmed by the DfE" in html
    assert "Other (OT), used until 31 August 2020" in html


def test_an_empty_form_says_what_to_enter(client_for, caseworker, amira, alder):
    response = client_for(caseworker).post(
        add_url(amira),
        form_data(
            alder,
            kind="",
            start_date_0="",
            start_date_1="",
            start_date_2="",
            sessions_lost="",
            reason_1="",
        ),
    )

    assert response.status_code == 200
    assert errors_of(response) == [
        "Select the type of suspension or exclusion",
        "Enter the first day, for example 3 11 2025",
        "Enter the number of sessions lost",
        "Select the reason for the suspension",
    ]
    assert not Suspension.objects.exists()


@pytest.mark.parametrize(
    "changes, error",
    [
        (
            {"end_date_0": "31", "end_date_1": "10"},
            "The last day must be the same as or after the first day",
        ),
        (
            {"sessions_lost": "5"},
            "Sessions lost must be 4 or fewer: 2 sessions for each of the 2 school days from "
            "3 November 2025 to 4 November 2025",
        ),
        (
            {"kind": "LNCH", "end_date_0": "3", "sessions_lost": "2"},
            "Sessions lost must be 1 or fewer: 1 session for each of the 1 school days from "
            "3 November 2025 to 3 November 2025",
        ),
        ({"sessions_lost": "0"}, "Sessions lost must be 1 or more"),
        ({"sessions_lost": "two"}, "Sessions lost must be a whole number, like 4"),
        (
            {"start_date_0": "1", "sessions_lost": "2"},
            "The first day must be a school day, Monday to Friday",
        ),
        ({"start_date_0": "31", "start_date_1": "2"}, "The first day must be a real date"),
        (
            {"reason_1": "OT"},
            "‘Other’ (OT) was not in use on 3 November 2025: select a reason in use on the first "
            "day",
        ),
        ({"reason_2": "VA"}, "Select each reason only once"),
    ],
)
def test_a_suspension_that_breaks_a_rule_is_not_recorded(
    client_for, caseworker, amira, alder, changes, error
):
    response = client_for(caseworker).post(add_url(amira), form_data(alder, **changes))

    assert response.status_code == 200
    assert error in errors_of(response)
    assert not Suspension.objects.exists()


def test_the_same_suspension_cannot_be_recorded_twice(client_for, caseworker, amira, alder):
    suspend(amira, alder, ExclusionType.SUSPENSION, D(2025, 11, 3), D(2025, 11, 3), 2)

    response = client_for(caseworker).post(add_url(amira), form_data(alder))

    assert errors_of(response) == [
        "A suspension from Alder Academy starting on 3 November 2025 is already recorded for "
        "this child"
    ]
    assert Suspension.objects.count() == 1


def test_a_caseworker_records_a_suspension_and_sees_it_on_the_tab(
    client_for, caseworker, amira, alder
):
    client = client_for(caseworker)

    response = client.post(
        add_url(amira),
        form_data(
            alder,
            reason_2="DB",
            alternative_provision_from_day_six="no",
            comments="  Letter requested  ",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:child_attendance", args=[amira.pk])
    suspension = Suspension.objects.get()
    assert (suspension.child, suspension.school, suspension.kind) == (amira, alder, "SUSP")
    assert (suspension.start_date, suspension.end_date) == (D(2025, 11, 3), D(2025, 11, 4))
    assert (suspension.sessions_lost, suspension.reasons) == (4, ["VA", "DB"])
    assert suspension.alternative_provision_from_day_six is False
    assert (suspension.outcome, suspension.comments) == ("upheld", "Letter requested")
    assert suspension.recorded_by == caseworker
    event = suspension.events.get(pgh_label="insert")
    context = event.pgh_context.metadata
    assert (context["user"], context["source"]) == (caseworker.pk, "Suspension recorded")

    page = text(client.get(response["Location"]).content.decode())
    assert "Success Suspension recorded" in page
    assert "Suspension Alder Academy 3 Nov 2025 to 4 Nov 2025 2" in page
    assert "Important" not in page


def test_not_known_alternative_provision_is_kept_as_not_known(client_for, caseworker, amira, alder):
    client_for(caseworker).post(
        add_url(amira), form_data(alder, alternative_provision_from_day_six="")
    )

    assert Suspension.objects.get().alternative_provision_from_day_six is None


def test_saving_a_suspension_that_passes_45_days_warns(client_for, caseworker, amira, alder):
    suspend(amira, alder, ExclusionType.SUSPENSION, D(2025, 9, 1), D(2025, 10, 31), 88)
    client = client_for(caseworker)

    response = client.post(add_url(amira), form_data(alder), follow=True)

    page = text(response.content.decode())
    assert "Success Suspension recorded" in page
    assert (
        "Important The child's suspensions in 2025/26 now add up to 46 school days, more than "
        "the 45 a year the law allows."
    ) in page


def test_a_child_without_a_school_cannot_be_given_a_suspension_yet(client_for, caseworker):
    child = ChildFactory()

    response = client_for(caseworker).get(add_url(child))

    assert "Add the school to the child's education record first" in text(response.content.decode())


@pytest.mark.parametrize(
    "persona", [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR], indirect=True
)
def test_only_the_virtual_school_records_suspensions(client_for, persona, amira, alder):
    client = client_for(persona)

    assert client.get(add_url(amira)).status_code == 403
    assert client.post(add_url(amira), form_data(alder)).status_code == 403
    assert not Suspension.objects.exists()


def test_the_head_may_record_a_suspension_but_not_for_an_unknown_child(client_for, head):
    assert client_for(head).get(reverse("outcomes:suspension_add", args=[999999])).status_code == (
        404
    )


# --- The Virtual School's overview --------------------------------------------------------------


def overview(client, **params):
    return client.get(reverse("outcomes:attendance_overview"), params)


def test_the_overview_explains_the_cohort_and_gives_the_headline_figures(
    client_for, caseworker, cohort
):
    response = overview(client_for(caseworker))

    assert response.status_code == 200
    page = text(response.content.decode())
    assert "Attendance of children in care" in page
    assert (
        "Counted here: the 4 children in care at any time from 1 September 2025 to 5 November "
        "2025 who are of compulsory school age, Reception to Year 11"
    ) in page
    assert "Attendance 85.4% 35 of 41 possible sessions" in page
    assert "Authorised absence 12.2% 5 sessions" in page
    assert "Unauthorised absence 2.4% 1 sessions" in page
    assert "(missed 10% or more) 66.7% 2 of 3 children with marks" in page
    assert "(missed 50% or more) 33.3% 1 of 3 children with marks" in page


def test_the_overview_breaks_the_cohort_down_by_phase_school_and_authority(
    client_for, caseworker, cohort
):
    page = text(overview(client_for(caseworker)).content.decode())

    by_phase = page[page.index("By phase") : page.index("By main school")]
    assert "Key stage 1 1 0 No marks No marks No marks No marks (0) No marks (0)" in by_phase
    # Amira and Lily: 37 possible, 33 attended, 3 authorised, 1 unauthorised; Lily persistent.
    assert "Key stage 2 2 2 89.2% 8.1% 2.7% 50.0% (1) 0.0% (0)" in by_phase
    assert "Key stage 4 1 1 50.0% 50.0% 0.0% 100.0% (1) 100.0% (1)" in by_phase
    assert (
        by_phase.index("Key stage 1")
        < by_phase.index("Key stage 2")
        < by_phase.index("Key stage 4")
    )

    by_school = page[page.index("By main school") : page.index("In and out of the authority")]
    assert (
        by_school.index("Alder Academy (URN 111742) 2 2 89.2%")
        < by_school.index("=SUM(1+1) Birch School (URN 111766) 1 1 50.0%")
        < by_school.index("No school place recorded 1 0")
    )

    by_authority = page[
        page.index("In and out of the authority") : page.index("Persistent absentees")
    ]
    assert "Schools in Exampleshire 2 2 89.2%" in by_authority
    assert "Schools outside Exampleshire 1 1 50.0%" in by_authority


def test_the_overview_lists_persistent_absentees_lowest_attendance_first(
    client_for, caseworker, cohort
):
    page = text(overview(client_for(caseworker)).content.decode())

    absentees = page[
        page.index("Persistent absentees (2)") : page.index("Suspensions and permanent")
    ]
    jayden = "Jayden Morris 100871 =SUM(1+1) Birch School 50.0% Severe absence 2 of 4"
    lily = "Lily Parker 101002 Alder Academy 84.6% Persistent absence 2 of 13"
    assert absentees.index(jayden) < absentees.index(lily)
    assert "Amira" not in absentees


def test_the_persistent_absentees_are_listed_25_to_a_page(client_for, caseworker, alder):
    for number in range(26):
        child = in_care(ChildFactory(legal_first_name="Absent", la_child_id=f"P{number:03d}"))
        days(child, alder, D(2025, 9, 1), D(2025, 9, 5), am="N")
    client = client_for(caseworker)

    first = text(overview(client).content.decode())
    second = text(overview(client, page=2).content.decode())

    assert "Persistent absentees (26)" in first
    assert first.count("Absent ") == 25 and second.count("Absent ") == 1


def test_the_overview_gives_the_terms_suspension_figures_by_phase(client_for, caseworker, cohort):
    page = text(overview(client_for(caseworker)).content.decode())

    suspensions = page[page.index("Suspensions and permanent exclusions") :]
    assert "All children 2 2 2.5 0" in suspensions
    assert "Key stage 1 0 0 0 0" in suspensions
    assert "Key stage 2 1 1 0.5 0" in suspensions
    assert "Key stage 4 1 1 2 0" in suspensions


def test_the_overview_shows_another_term(client_for, caseworker, cohort, alder):
    mark(cohort["amira"], alder, D(2025, 6, 2), "N", "N")

    page = text(overview(client_for(caseworker), term="2024-summer").content.decode())

    assert "Summer term 2024/25" in page
    assert "Attendance 0.0% 0 of 2 possible sessions" in page


def test_the_overview_shows_ten_schools_and_then_all(client_for, caseworker):
    for number in range(12):
        school = SchoolFactory(name=f"School {number:02d}")
        for _ in range(1 if number else 2):
            child = in_care(ChildFactory())
            EnrolmentFactory(child=child, school=school, start_date=D(2025, 9, 1))
    client = client_for(caseworker)

    first = text(overview(client).content.decode())
    everything = text(overview(client, schools="all").content.decode())

    assert "School 00" in first and "School 09" not in first.split("By main school")[0]
    assert "Showing the 10 schools with most children of 12. Show all 12 schools" in first
    assert first.index("School 00") < first.index("School 01")  # the biggest first
    assert "School 11" in everything and "Showing all 12 schools." in everything


def test_the_persistent_absentees_download_is_escaped_for_spreadsheets(
    client_for, caseworker, cohort
):
    response = overview(client_for(caseworker), download="persistent-absentees")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "persistent-absentees-2025-autumn.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["LA child ID", "UPN", "Name", "Year group"]
    jayden = rows[1]
    assert jayden[0] == "100871" and jayden[2] == "Jayden Morris"
    assert jayden[5] == "'=SUM(1+1) Birch School"
    assert jayden[6:] == ["4", "2", "2", "0", "50.0", "Yes"]
    assert [row[0] for row in rows[1:]] == ["100871", "101002"]


def test_the_overview_needs_the_same_number_of_queries_for_more_children(
    client_for, caseworker, cohort, alder, birch
):
    client = client_for(caseworker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert overview(client).status_code == 200
        return len(captured)

    before = queries()
    for number in range(6):  # more children in the phases there already are (Year 6)
        child = in_care(ChildFactory(date_of_birth=D(2015, 3, number + 1)))
        school = SchoolFactory()
        EnrolmentFactory(child=child, school=school, start_date=D(2025, 9, 1))
        days(child, school, D(2025, 9, 1), D(2025, 9, 30), am="N")
        suspend(child, school, ExclusionType.SUSPENSION, D(2025, 10, 1), D(2025, 10, 1), 2)

    assert queries() == before


@pytest.mark.parametrize(
    "persona",
    [Role.DESIGNATED_TEACHER, Role.SOCIAL_WORKER, Role.GOVERNOR, Role.ADMIN],
    indirect=True,
)
def test_only_the_virtual_school_sees_the_overview(client_for, persona):
    client = client_for(persona)

    assert overview(client).status_code == 403
    assert overview(client, download="persistent-absentees").status_code == 403


def test_the_head_sees_the_overview(client_for, head):
    assert overview(client_for(head)).status_code == 200


def test_the_overview_for_an_empty_cohort_says_so(client_for, caseworker):
    page = text(overview(client_for(caseworker)).content.decode())

    assert "Counted here: the 0 children" in page
    assert "No persistent absentees this term." in page
    assert UserFactory  # the personas come from conftest
