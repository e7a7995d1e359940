"""Alerts: each rule fires on a worked example and not just below its threshold; alerts are
raised once however often the rules run or the same data is imported; acknowledging, the
daily digest, the pages, and the whole chain on a real Celery worker.

Time is frozen at 07:30 on Wednesday 5 November 2025, the morning after the sample feed's
last day. The school days before it are Tuesday 4 and Monday 3 November, then Friday 31
October and so on back.
"""

import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outcomes.models import (
    Alert,
    AlertKind,
    AlertRule,
    AttendanceDay,
    ExclusionOutcome,
    ExclusionType,
    FeedKind,
    Suspension,
)
from outcomes.services.alerts import (
    alert_acknowledge,
    alert_digest_send,
    alert_rules,
    alerts_evaluate,
)
from outcomes.services.feeds import feed_import_run, feed_receive
from pupils.models import AllocationRole, EnrolmentKind, ReducedTimetable
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
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

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2025, 11, 5, 7, 30, tzinfo=LONDON)
TODAY = date(2025, 11, 5)
SAMPLE = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "reference"
    / "samples"
    / "welfare_call_attendance.csv"
)
# The ten school days before today: Wednesday 22 October to Tuesday 4 November.
LAST_TEN = weekdays(date(2025, 10, 22), date(2025, 11, 4))


@pytest.fixture(autouse=True)
def _on_5_november():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def school():
    return SchoolFactory(name="Hillside Academy")


def in_care(**names):
    """A child in care on a school's roll since September 2023."""
    child = ChildFactory(**names)
    CareEpisodeFactory(child=child)
    CohortMembershipFactory(child=child)
    return child


@pytest.fixture
def child(school):
    child = in_care(legal_first_name="Ava", legal_last_name="Example")
    EnrolmentFactory(child=child, school=school)
    return child


def mark(child, day: date, am: str, pm: str = "", *, school=None) -> None:
    school = school or child.enrolments.first().school
    AttendanceDay.objects.create(child=child, date=day, school=school, am=am, pm=pm)


def present(child, days) -> None:
    for day in days:
        mark(child, day, "/", "\\")


def suspend(child, school, start: date, end: date, sessions: int, **extra) -> Suspension:
    return Suspension.objects.create(
        child=child,
        school=school,
        kind=extra.pop("kind", ExclusionType.SUSPENSION),
        start_date=start,
        end_date=end,
        sessions_lost=sessions,
        **extra,
    )


def evaluate(*children, today: date = TODAY) -> list[Alert]:
    return alerts_evaluate(child_ids=[c.pk for c in children], today=today)


def raised(kind: AlertKind) -> list[tuple[int, str, str]]:
    alerts = Alert.objects.filter(kind=kind).order_by("child_id", "key")
    return list(alerts.values_list("child_id", "key", "message"))


# --- The rules ---------------------------------------------------------------------------------


def test_rules_fall_back_to_the_defaults_without_writing_them():
    AlertRule.objects.create(kind=AlertKind.UNAUTHORISED_ABSENCE, sessions=6)

    rules = alert_rules()

    assert set(rules) == set(AlertKind)
    assert (
        rules[AlertKind.UNAUTHORISED_ABSENCE].sessions,
        rules[AlertKind.UNAUTHORISED_ABSENCE].school_days,
    ) == (6, 10)
    assert rules[AlertKind.LOW_ATTENDANCE].threshold_percent == Decimal("90")
    assert all(rule.enabled for rule in rules.values())
    assert AlertRule.objects.count() == 1


# (a) Suspensions and E marks


def test_a_suspension_covering_today_raises_an_alert(child, school):
    suspend(child, school, date(2025, 11, 4), date(2025, 11, 6), 6)
    Suspension.objects.update(created_at=NOW - timedelta(days=1))

    evaluate(child)

    assert raised(AlertKind.SUSPENSION) == [
        (
            child.pk,
            "2025-11-04",
            "Suspended from Hillside Academy from 4 November 2025 to 6 November 2025 "
            "(3 school days).",
        )
    ]


def test_a_past_suspension_raises_an_alert_only_when_newly_recorded(child, school):
    suspension = suspend(child, school, date(2025, 10, 20), date(2025, 10, 21), 4)
    Suspension.objects.update(created_at=datetime(2025, 11, 2, 16, 0, tzinfo=LONDON))
    evaluate(child)
    assert raised(AlertKind.SUSPENSION) == []  # recorded on Sunday, before Monday

    Suspension.objects.update(created_at=datetime(2025, 11, 3, 16, 0, tzinfo=LONDON))
    evaluate(child)
    assert [key for _, key, _ in raised(AlertKind.SUSPENSION)] == [
        suspension.start_date.isoformat()
    ]


def test_a_withdrawn_suspension_raises_nothing(child, school):
    suspend(child, school, TODAY, TODAY, 2, outcome=ExclusionOutcome.WITHDRAWN)
    evaluate(child)
    assert raised(AlertKind.SUSPENSION) == []


def test_an_e_mark_on_the_last_school_day_raises_a_suspension_alert(child):
    mark(child, date(2025, 11, 3), "/", "\\")
    mark(child, date(2025, 11, 4), "E", "E")

    evaluate(child)

    assert raised(AlertKind.SUSPENSION) == [
        (
            child.pk,
            "2025-11-04",
            "Marked E (suspended or excluded, no alternative provision) on 4 November 2025.",
        )
    ]


def test_e_marks_on_several_days_raise_one_alert_keyed_by_the_first(child):
    mark(child, date(2025, 10, 31), "/", "E")
    mark(child, date(2025, 11, 3), "E", "E")
    evaluate(child, today=date(2025, 11, 3))
    mark(child, date(2025, 11, 4), "E", "E")
    evaluate(child)

    assert raised(AlertKind.SUSPENSION) == [
        (
            child.pk,
            "2025-10-31",
            "Marked E (suspended or excluded, no alternative provision) on 2 school days "
            "from 31 October 2025.",
        )
    ]


def test_an_e_mark_before_the_last_three_weekdays_raises_nothing(child):
    mark(child, date(2025, 10, 31), "E", "E")  # Friday: today, Tuesday and Monday are recent
    present(child, [date(2025, 11, 3), date(2025, 11, 4)])
    evaluate(child)
    assert raised(AlertKind.SUSPENSION) == []


def test_e_marks_for_a_suspension_on_record_raise_only_the_suspensions_alert(child, school):
    suspend(child, school, date(2025, 11, 3), date(2025, 11, 5), 6)
    mark(child, date(2025, 11, 3), "E", "E")
    mark(child, date(2025, 11, 4), "E", "E")
    evaluate(child)
    assert [key for _, key, _ in raised(AlertKind.SUSPENSION)] == ["2025-11-03"]


# (b) Unauthorised absence


def test_four_unauthorised_sessions_in_ten_school_days_raise_an_alert(child):
    present(child, LAST_TEN)
    AttendanceDay.objects.filter(date=date(2025, 10, 30)).update(am="N", pm="N")
    AttendanceDay.objects.filter(date=date(2025, 11, 3)).update(am="O", pm="N")

    evaluate(child)

    assert raised(AlertKind.UNAUTHORISED_ABSENCE) == [
        (
            child.pk,
            "2025-11-03",
            "4 sessions of unauthorised absence (N, O) in the last 10 school days, most "
            "recently on 3 November 2025.",
        )
    ]


def test_three_unauthorised_sessions_in_ten_school_days_raise_nothing(child):
    present(child, [date(2025, 10, 21), *LAST_TEN])
    # The eleventh school day back is outside the window.
    AttendanceDay.objects.filter(date=date(2025, 10, 21)).update(am="G")
    AttendanceDay.objects.filter(date=date(2025, 10, 30)).update(am="U", pm="N")
    AttendanceDay.objects.filter(date=date(2025, 11, 3)).update(pm="O")

    evaluate(child)

    assert raised(AlertKind.UNAUTHORISED_ABSENCE) == []


def test_a_new_episode_of_unauthorised_absence_raises_a_new_alert(child):
    present(child, weekdays(date(2025, 9, 22), date(2025, 11, 4)))
    AttendanceDay.objects.filter(date__in=[date(2025, 9, 29), date(2025, 9, 30)]).update(
        am="N", pm="N"
    )
    evaluate(child, today=date(2025, 10, 1))
    # The same episode going on (still within the window) is not raised again.
    AttendanceDay.objects.filter(date=date(2025, 10, 1)).update(am="N", pm="N")
    evaluate(child, today=date(2025, 10, 2))
    assert [key for _, key, _ in raised(AlertKind.UNAUTHORISED_ABSENCE)] == ["2025-09-30"]

    AttendanceDay.objects.filter(date__in=[date(2025, 11, 3), date(2025, 11, 4)]).update(
        am="O", pm="O"
    )
    new = evaluate(child)

    assert [a.key for a in new if a.kind == AlertKind.UNAUTHORISED_ABSENCE] == ["2025-11-04"]


def test_a_rule_can_be_tuned(child):
    AlertRule.objects.create(kind=AlertKind.UNAUTHORISED_ABSENCE, sessions=2, school_days=5)
    present(child, LAST_TEN)
    AttendanceDay.objects.filter(date=date(2025, 10, 28)).update(am="N", pm="N")  # 6 days back
    AttendanceDay.objects.filter(date=date(2025, 11, 4)).update(am="N")
    evaluate(child)
    assert raised(AlertKind.UNAUTHORISED_ABSENCE) == []

    AttendanceDay.objects.filter(date=date(2025, 11, 4)).update(pm="N")
    evaluate(child)
    assert [key for _, key, _ in raised(AlertKind.UNAUTHORISED_ABSENCE)] == ["2025-11-04"]


# (c) Low attendance this term


def test_attendance_below_90_percent_this_term_raises_an_alert(child):
    days = weekdays(date(2025, 10, 22), date(2025, 11, 4))  # 10 days, 20 sessions
    present(child, days)
    AttendanceDay.objects.filter(date__in=days[:2]).update(am="I", pm="I")
    AttendanceDay.objects.filter(date=days[2]).update(am="N")

    evaluate(child)

    assert raised(AlertKind.LOW_ATTENDANCE) == [
        (
            child.pk,
            "2025-autumn",
            "Attendance this term is 75.0% (15 of 20 possible sessions), below 90%.",
        )
    ]


def test_attendance_of_exactly_90_percent_raises_nothing(child):
    days = weekdays(date(2025, 10, 22), date(2025, 11, 4))
    present(child, days)
    AttendanceDay.objects.filter(date=days[0]).update(am="I", pm="I")  # 18 of 20
    mark(child, date(2025, 11, 5), "D", "D")  # not counted: still 18 of 20
    evaluate(child)
    assert raised(AlertKind.LOW_ATTENDANCE) == []


# (d) No marks received


def test_a_child_on_roll_with_no_marks_for_three_school_days_raises_an_alert(school, child):
    others = [in_care() for _ in range(2)]
    never = in_care()
    for other in [*others, never]:
        EnrolmentFactory(child=other, school=school)
    not_at_school = in_care()
    for other in others:
        present(other, LAST_TEN)
    present(child, [d for d in LAST_TEN if d <= date(2025, 10, 29)])

    evaluate(child, never, not_at_school, *others)

    assert raised(AlertKind.NO_MARKS) == [
        (
            child.pk,
            "2025-10-29",
            "No attendance marks received for the last 3 school days; the last were for "
            "29 October 2025.",
        ),
        (
            never.pk,
            "never",
            "No attendance marks received for the last 3 school days, and none before.",
        ),
    ]


def test_two_school_days_without_marks_raise_nothing(school, child):
    other = in_care()
    EnrolmentFactory(child=other, school=school)
    present(other, LAST_TEN)
    present(child, [d for d in LAST_TEN if d <= date(2025, 10, 31)])
    evaluate(child, other)
    assert raised(AlertKind.NO_MARKS) == []


def test_no_marks_raises_nothing_in_the_holidays(school, child):
    """Half-term: no child has marks, so those weekdays are not school days."""
    other = in_care()
    EnrolmentFactory(child=other, school=school)
    present(other, weekdays(date(2025, 10, 13), date(2025, 10, 24)))
    present(child, weekdays(date(2025, 10, 13), date(2025, 10, 24)))
    evaluate(child, other, today=date(2025, 10, 31))
    assert raised(AlertKind.NO_MARKS) == []


# (e) Part-time timetable


def test_c2_without_an_agreed_reduced_timetable_raises_an_alert(child):
    mark(child, date(2025, 11, 3), "C2", "/")
    mark(child, date(2025, 11, 4), "C2", "C2")
    ReducedTimetable.objects.create(
        enrolment=child.enrolments.get(),
        start_date=date(2025, 9, 1),
        end_date=date(2025, 11, 3),
        hours_per_week=Decimal("15"),
        reason="Phased return agreed at the PEP",
    )

    evaluate(child)

    assert raised(AlertKind.REDUCED_TIMETABLE) == [
        (
            child.pk,
            "2025-11-04",
            "Part-time timetable code C2 on 1 day this term, first on 4 November 2025, with "
            "no agreed reduced timetable on record.",
        )
    ]


def test_c2_covered_by_an_agreed_reduced_timetable_raises_nothing(child):
    mark(child, date(2025, 11, 3), "C2", "/")
    mark(child, date(2025, 11, 4), "C2", "C2")
    ReducedTimetable.objects.create(
        enrolment=child.enrolments.get(),
        start_date=date(2025, 9, 1),
        hours_per_week=Decimal("15"),
        reason="Phased return agreed at the PEP",
    )
    evaluate(child)
    assert raised(AlertKind.REDUCED_TIMETABLE) == []


# (f) Suspensions over 45 school days


def test_suspensions_over_45_days_in_the_school_year_raise_an_alert(child, school):
    suspend(child, school, date(2025, 9, 8), date(2025, 10, 17), 60)
    suspend(child, school, date(2025, 10, 20), date(2025, 10, 20), 1, kind=ExclusionType.LUNCHTIME)
    suspend(child, school, date(2025, 11, 3), date(2025, 11, 4), 4)
    suspend(child, school, date(2025, 6, 2), date(2025, 7, 18), 60)  # last school year

    evaluate(child)
    assert raised(AlertKind.SUSPENSION_DAYS) == []  # 32.5 days

    suspend(child, school, date(2025, 11, 10), date(2025, 11, 25), 25)
    evaluate(child)
    assert raised(AlertKind.SUSPENSION_DAYS) == []  # exactly 45

    suspend(child, school, date(2025, 12, 1), date(2025, 12, 1), 1, kind=ExclusionType.LUNCHTIME)
    evaluate(child)
    assert raised(AlertKind.SUSPENSION_DAYS) == [
        (
            child.pk,
            "2025/26",
            "Suspensions in 2025/26 total 45.5 school days, more than the 45 school days a "
            "pupil may be suspended in a school year.",
        )
    ]


# --- Once only ---------------------------------------------------------------------------------


def test_a_disabled_rule_raises_nothing(child, school):
    AlertRule.objects.create(kind=AlertKind.SUSPENSION, enabled=False)
    suspend(child, school, TODAY, TODAY, 2)
    mark(child, date(2025, 11, 4), "E", "E")
    evaluate(child)
    assert raised(AlertKind.SUSPENSION) == []


def test_evaluating_twice_raises_nothing_new(child, school):
    suspend(child, school, TODAY, TODAY, 2)
    present(child, LAST_TEN)
    AttendanceDay.objects.filter(date__in=LAST_TEN[-2:]).update(am="N", pm="N")

    first = alerts_evaluate(child_ids=None, today=TODAY)
    again = alerts_evaluate(child_ids=None, today=TODAY)

    assert {(a.child, a.kind) for a in first} == {
        (child, AlertKind.SUSPENSION),
        (child, AlertKind.UNAUTHORISED_ABSENCE),
        (child, AlertKind.LOW_ATTENDANCE),  # 16 of 20 sessions
    }
    assert all(alert.pk for alert in first)
    assert again == []
    assert Alert.objects.count() == 3


def test_reimporting_the_same_marks_raises_nothing_new():
    children = sample_children()
    feed = feed_receive(
        kind=FeedKind.ATTENDANCE, name="monday.csv", content=SAMPLE.read_bytes(), source="inbox"
    )
    changed = feed_import_run(feed_id=feed.pk)
    first = alerts_evaluate(child_ids=changed, today=TODAY)
    # The same rows, sent again in a file that differs only by a trailing blank line.
    again = feed_receive(
        kind=FeedKind.ATTENDANCE,
        name="monday-resent.csv",
        content=SAMPLE.read_bytes() + b"\r\n",
        source="inbox",
    )
    changed_again = feed_import_run(feed_id=again.pk)
    evaluated_again = alerts_evaluate(child_ids=[c.pk for c in children], today=TODAY)

    assert sorted((a.child.la_child_id, a.kind, a.key) for a in first) == [
        ("100871", AlertKind.SUSPENSION, "2025-11-04"),
        ("101002", AlertKind.REDUCED_TIMETABLE, "2025-11-03"),
    ]
    assert changed_again == []
    assert evaluated_again == []


def test_evaluating_many_children_takes_no_more_queries_than_a_few(school):
    def world(count: int) -> list[int]:
        ids = []
        for _ in range(count):
            child = in_care()
            EnrolmentFactory(child=child, school=school)
            present(child, LAST_TEN[:-1])
            mark(child, LAST_TEN[-1], "E", "N")
            ReducedTimetable.objects.create(
                enrolment=child.enrolments.get(),
                start_date=date(2025, 9, 1),
                hours_per_week=Decimal("10"),
                reason="Agreed",
            )
            suspend(child, school, TODAY, TODAY, 2)
            ids.append(child.pk)
        return ids

    def queries(ids: list[int]) -> int:
        with CaptureQueriesContext(connection) as captured:
            alerts_evaluate(child_ids=ids, today=TODAY)
        return len(captured)

    few, many = world(2), world(30)

    assert queries(many) <= queries(few)
    assert queries(few + many) <= 20


# --- Acknowledging -----------------------------------------------------------------------------


def make_alert(child, kind=AlertKind.SUSPENSION, key="2025-11-04", message="Suspended.") -> Alert:
    return Alert.objects.create(child=child, kind=kind, key=key, message=message)


def test_acknowledging_records_who_when_and_the_note(child, caseworker):
    alert = make_alert(child)

    assert alert_acknowledge(alert=alert, acting_user=caseworker, note=" Rang the school. ")

    alert.refresh_from_db()
    assert alert.acknowledged_by == caseworker
    assert abs(alert.acknowledged_at - NOW) < timedelta(minutes=1)
    assert alert.note == "Rang the school."


def test_the_first_acknowledgement_stands(child, caseworker, head):
    alert = make_alert(child)
    alert_acknowledge(alert=alert, acting_user=caseworker, note="")
    assert not alert_acknowledge(alert=alert, acting_user=head, note="Me too")
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.note) == (caseworker, "")


# --- The daily digest --------------------------------------------------------------------------


@pytest.fixture
def caseload(caseworker, social_worker):
    """Two of Carl's children (one also Sam's, as social worker) and a child of another
    caseworker, each with a new alert."""
    other_caseworker = UserFactory(role=Role.CASEWORKER, email="other@example.org")
    ava = in_care(legal_first_name="Ava", legal_last_name="Able")
    ben = in_care(legal_first_name="Ben", legal_last_name="Baker")
    cal = in_care(legal_first_name="Cal", legal_last_name="Cole")
    AllocationFactory(child=ava, user=caseworker)
    AllocationFactory(child=ben, user=caseworker)
    AllocationFactory(child=ava, user=social_worker, role=AllocationRole.SOCIAL_WORKER)
    AllocationFactory(child=cal, user=other_caseworker)
    for child in (ava, ben, cal):
        make_alert(child, message=f"Suspended ({child.la_child_id}).")
    return {"ava": ava, "ben": ben, "cal": cal, "other": other_caseworker}


def test_the_digest_emails_each_worker_their_childrens_new_alerts_once(
    caseload, caseworker, social_worker, mailoutbox
):
    assert alert_digest_send(today=TODAY, base_url="https://vs.example.org/") == 3

    emails = {email.to[0]: email for email in mailoutbox}
    assert set(emails) == {caseworker.email, social_worker.email, "other@example.org"}
    carl = emails[caseworker.email].body
    assert "Ava Able" in carl and "Ben Baker" in carl and "Cal Cole" not in carl
    assert f"https://vs.example.org/children/{caseload['ava'].pk}/" in carl
    sam = emails[social_worker.email].body
    assert "Ava Able" in sam and "Ben Baker" not in sam
    for email in mailoutbox:
        assert not any(name in email.subject for name in ("Ava", "Ben", "Cal", "Able"))
    assert emails[caseworker.email].subject == "Exampleshire Virtual School: 2 new alerts"
    assert not Alert.objects.filter(emailed_at__isnull=True).exists()

    assert alert_digest_send(today=TODAY) == 0
    assert len(mailoutbox) == 3


def test_the_digest_leaves_out_acknowledged_alerts_and_children_with_nobody_allocated(
    caseload, caseworker, mailoutbox
):
    alone = in_care()
    make_alert(alone)
    alert_acknowledge(alert=caseload["ben"].alerts.get(), acting_user=caseworker, note="")

    call_command("send_alert_digest", "--base-url", "https://vs.example.org")

    carl = next(email for email in mailoutbox if email.to == [caseworker.email])
    assert "Ben Baker" not in carl.body
    assert Alert.objects.get(child=alone).emailed_at is None


# --- Commands and the home page ----------------------------------------------------------------


def test_the_evaluate_command_raises_alerts_for_every_child_once(child, school):
    suspend(child, school, TODAY, TODAY, 2)
    call_command("evaluate_alerts")
    call_command("evaluate_alerts")
    assert Alert.objects.filter(child=child, kind=AlertKind.SUSPENSION).count() == 1


def test_the_home_page_panel_lists_my_new_alerts(child, caseworker, head):
    AllocationFactory(child=child, user=caseworker)
    make_alert(child, message="Suspended from Hillside Academy.")
    template = Template("{% load outcomes_alerts %}{% my_alerts %}")

    def panel(user) -> str:
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request}))

    assert "Suspended from Hillside Academy." in panel(caseworker)
    assert "There are no new alerts about your children." in panel(head)
    assert panel(UserFactory(role=Role.GOVERNOR)).strip() == ""


# --- Pages -------------------------------------------------------------------------------------


def test_a_caseworker_sees_their_childrens_alerts_and_acknowledges_one(
    client_for, caseworker, caseload
):
    client = client_for(caseworker)

    page = client.get(reverse("outcomes:alert_list"))
    assert page.status_code == 200
    assert [a.child for a in page.context["page_obj"]] == [caseload["ben"], caseload["ava"]]
    everyone = client.get(reverse("outcomes:alert_list"), {"children": "all"})
    assert everyone.context["page_obj"].paginator.count == 3

    alert = caseload["ava"].alerts.get()
    url = reverse("outcomes:alert_acknowledge", args=[alert.pk])
    assert "Suspended (" in client.get(url).content.decode()
    done = client.post(url, {"note": "Spoke to the designated teacher."}, follow=True)

    assert done.redirect_chain[-1][0] == reverse("outcomes:alert_list")
    assert "Alert about Ava Able acknowledged" in done.content.decode()
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.note) == (caseworker, "Spoke to the designated teacher.")
    assert [a.child for a in done.context["page_obj"]] == [caseload["ben"]]
    acknowledged = client.get(reverse("outcomes:alert_list"), {"status": "acknowledged"})
    assert [a.pk for a in acknowledged.context["page_obj"]] == [alert.pk]


def test_the_list_filters_by_kind(client_for, head, child):
    make_alert(child)
    make_alert(child, kind=AlertKind.NO_MARKS, key="never", message="No marks.")
    page = client_for(head).get(reverse("outcomes:alert_list"), {"kind": AlertKind.NO_MARKS})
    assert [a.kind for a in page.context["page_obj"]] == [AlertKind.NO_MARKS]


def test_a_social_worker_sees_only_their_childrens_alerts(client_for, social_worker, caseload):
    client = client_for(social_worker)
    page = client.get(reverse("outcomes:alert_list"), {"children": "all"})
    assert [a.child for a in page.context["page_obj"]] == [caseload["ava"]]

    theirs = caseload["ava"].alerts.get()
    other = caseload["cal"].alerts.get()
    assert client.get(reverse("outcomes:alert_acknowledge", args=[theirs.pk])).status_code == 200
    response = client.post(reverse("outcomes:alert_acknowledge", args=[other.pk]), {"note": ""})
    assert response.status_code == 404
    assert Alert.objects.get(pk=other.pk).acknowledged_at is None


@pytest.mark.parametrize("role", [Role.DESIGNATED_TEACHER, Role.GOVERNOR])
def test_designated_teachers_and_governors_have_no_alerts_pages(client_for, role, child):
    user = UserFactory(role=role)
    if role == Role.DESIGNATED_TEACHER:
        DesignatedTeacherFactory(user=user, school=child.enrolments.get().school)
    alert = make_alert(child)
    client = client_for(user)
    assert client.get(reverse("outcomes:alert_list")).status_code == 403
    url = reverse("outcomes:alert_acknowledge", args=[alert.pk])
    assert client.post(url, {"note": ""}).status_code == 403
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


# --- The whole chain on a real worker ----------------------------------------------------------


def sample_children() -> list:
    children = []
    for la_id, urn in (("100234", "111742"), ("100871", "111766"), ("101002", "111750")):
        school = SchoolFactory(urn=urn)
        child = in_care(la_child_id=la_id, upn="")
        EnrolmentFactory(child=child, school=school, kind=EnrolmentKind.MAIN)
        children.append(child)
    return children


@pytest.mark.django_db(transaction=True)
def test_a_worker_imports_a_file_and_raises_the_suspension_alert(celery_worker):
    sample_children()
    feed_receive(
        kind=FeedKind.ATTENDANCE, name=SAMPLE.name, content=SAMPLE.read_bytes(), source="inbox"
    )

    deadline = time.time() + 30
    alert = None
    while alert is None and time.time() < deadline:
        alert = Alert.objects.filter(kind=AlertKind.SUSPENSION).select_related("child").first()
        time.sleep(0.2)

    assert alert is not None, "the worker raised no suspension alert"
    assert (alert.child.la_child_id, alert.key) == ("100871", "2025-11-04")
    assert "4 November 2025" in alert.message
