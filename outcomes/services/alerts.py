"""Alerts: the rules the Virtual School configures, evaluated after every import and each
weekday morning; acknowledging an alert; the daily email digest.

Every rule looks at all the children at once, so evaluating 2,000 children takes the same
dozen or so queries as evaluating one. Every alert carries a key naming the occurrence (a day,
a term, a school year): evaluating again, after any number of re-imports, raises nothing
twice, because an alert whose (child, kind, key) exists is never created again.
"""

import logging
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outcomes.codes import AttendanceCategory, codes_in
from outcomes.figures import attendance_by_child
from outcomes.models import (
    DEFAULT_RULES,
    Alert,
    AlertKind,
    AlertRule,
    AttendanceDay,
    ExclusionOutcome,
    ExclusionType,
    Suspension,
)
from pupils.access import children_visible_to
from pupils.models import (
    Allocation,
    CareEpisode,
    Child,
    CohortMembership,
    Enrolment,
    EnrolmentKind,
    ReducedTimetable,
)
from pupils.services import long_date
from vschool import dates
from vschool.accounts.models import User
from vschool.history import attributed

log = logging.getLogger(__name__)

SUSPENSION_CODE = "E"
PART_TIME_CODE = "C2"
SUSPENSION_DAY_LIMIT = 45  # school days of suspension a pupil may have in a school year
# The feed reports a day's marks the next morning, and a file can come a day late: an E mark
# on, or a suspension recorded on, any of the last three weekdays counts as "today" (so the
# morning run also catches what was recorded after yesterday's).
RECENT_WEEKDAYS = 3
# A term's first days prove nothing (one absent morning is 50%), and the term's alert is
# raised only once: judge attendance once there is at least a week of marks.
MIN_TERM_SESSIONS = 10
# Rules counting school days look back far enough to span a two-week holiday.
HOLIDAY_SLACK_DAYS = 28
DEFAULT_SITE_URL = "http://127.0.0.1:8000"
# Evaluations run one at a time (a transaction-scoped advisory lock), so the check for an
# existing alert and the insert cannot interleave with another worker's.
_ALERTS_LOCK = 0x76736161  # "vsaa"


# --- Rules ------------------------------------------------------------------------------------


def alert_rules() -> dict[AlertKind, AlertRule]:
    """The rules in force: the saved ones, and the defaults for kinds never saved. A saved rule
    with a parameter left blank uses the default. Nothing is written."""
    saved = {rule.kind: rule for rule in AlertRule.objects.all()}
    rules = {}
    for kind in AlertKind:
        rule = saved.get(kind) or AlertRule(kind=kind, enabled=True)
        for name, value in DEFAULT_RULES[kind].items():
            if getattr(rule, name) is None:
                setattr(rule, name, value)
        rules[kind] = rule
    return rules


@dataclass(frozen=True)
class _Found:
    child_id: int
    kind: AlertKind
    key: str
    message: str


class _Facts:
    """What the rules read, each fetched once for all the children and only if a rule in
    force needs it."""

    def __init__(self, child_ids: list[int], today: date, rules: dict[AlertKind, AlertRule]):
        self.child_ids, self.today = child_ids, today
        longest = max((rule.school_days or 0 for rule in rules.values() if rule.enabled), default=0)
        self.since = today - timedelta(days=math.ceil(longest * 7 / 5) + HOLIDAY_SLACK_DAYS)
        self.term = dates.term_of(today)
        self.recent = _weekdays_back(today, RECENT_WEEKDAYS)

    @cached_property
    def school_days(self) -> list[date]:
        """The days, newest first, on which any child has a mark: the days schools were open,
        as far as the feed tells (no school calendar is kept)."""
        days = AttendanceDay.objects.filter(date__range=(self.since, self.today)).order_by()
        return sorted(days.values_list("date", flat=True).distinct(), reverse=True)

    @cached_property
    def marks(self) -> dict[int, list[tuple[date, str, str]]]:
        """Each child's recent days as (date, AM code, PM code), oldest first."""
        rows = (
            AttendanceDay.objects.filter(
                child_id__in=self.child_ids, date__range=(self.since, self.today)
            )
            .values_list("child_id", "date", "am", "pm")
            .order_by("child_id", "date")
        )
        by_child = defaultdict(list)
        for child_id, day, am, pm in rows:
            by_child[child_id].append((day, am, pm))
        return by_child

    @cached_property
    def suspensions(self) -> dict[int, list[Suspension]]:
        """Upheld suspensions and exclusions that reach into the days looked at or were
        recorded recently (a withdrawn or overturned one is not standing against the child)."""
        rows = (
            Suspension.objects.filter(child_id__in=self.child_ids, outcome=ExclusionOutcome.UPHELD)
            .filter(
                Q(start_date__lte=self.today, end_date__gte=self.since)
                | Q(created_at__date__gte=self.recent)
            )
            .select_related("school")
            .order_by("start_date")
        )
        by_child = defaultdict(list)
        for suspension in rows:
            by_child[suspension.child_id].append(suspension)
        return by_child

    def raised_since(self, kind: AlertKind, since: date) -> set[int]:
        """Children with an alert of this kind keyed by a day on or after `since` (keys of
        dated kinds are ISO dates, which sort as text)."""
        alerts = Alert.objects.filter(
            child_id__in=self.child_ids, kind=kind, key__gte=since.isoformat()
        )
        return set(alerts.values_list("child_id", flat=True))


def _weekdays_back(today: date, count: int) -> date:
    """The first of the last `count` weekdays up to today."""
    day, seen = today, 0
    while True:
        if day.weekday() < 5:
            seen += 1
            if seen == count:
                return day
        day -= timedelta(days=1)


def _plural(count: int | float, one: str, many: str | None = None) -> str:
    return f"{count:g} {one if count == 1 else (many or one + 's')}"


# (a) Suspended or excluded -------------------------------------------------------------------


def _suspension_message(suspension: Suspension) -> str:
    school, start = suspension.school.name, long_date(suspension.start_date)
    if suspension.kind == ExclusionType.PERMANENT:
        return f"Permanently excluded from {school} from {start}."
    if suspension.kind == ExclusionType.LUNCHTIME:
        return f"Lunchtime suspension at {school} on {start}."
    days = _plural(suspension.days_lost, "school day")
    if suspension.start_date == suspension.end_date:
        return f"Suspended from {school} on {start} ({days})."
    return f"Suspended from {school} from {start} to {long_date(suspension.end_date)} ({days})."


def _suspension_runs(marks: list[tuple[date, str, str]], recent: date) -> list[tuple[date, int]]:
    """Runs of marked days with an E that reach into the recent days, as (first day, length).
    A run is keyed by its first day, so a suspension of several days raises one alert, the
    same one a suspension record starting that day raises."""
    runs, first, length, last = [], None, 0, None
    for day, am, pm in [*marks, (None, "", "")]:  # a sentinel ends the last run
        if SUSPENSION_CODE in (am, pm):
            first, length, last = first or day, length + 1, day
            continue
        if first and last >= recent:
            runs.append((first, length))
        first, length = None, 0
    return runs


def _suspended(rule: AlertRule, facts: _Facts) -> list[_Found]:
    today, found = facts.today, []
    for child_id, suspensions in facts.suspensions.items():
        for suspension in suspensions:
            current = suspension.start_date <= today <= suspension.end_date
            if current or timezone.localdate(suspension.created_at) >= facts.recent:
                found.append(
                    _Found(
                        child_id,
                        AlertKind.SUSPENSION,
                        suspension.start_date.isoformat(),
                        _suspension_message(suspension),
                    )
                )
    for child_id, marks in facts.marks.items():
        recorded = facts.suspensions.get(child_id, [])
        for first, length in _suspension_runs(marks, facts.recent):
            # A suspension on record for those days has its own alert, with its details.
            if any(s.start_date <= first <= s.end_date for s in recorded):
                continue
            when = (
                f"on {long_date(first)}"
                if length == 1
                else f"on {length} school days from {long_date(first)}"
            )
            message = f"Marked E (suspended or excluded, no alternative provision) {when}."
            found.append(_Found(child_id, AlertKind.SUSPENSION, first.isoformat(), message))
    return found


# (b) Unauthorised absence -------------------------------------------------------------------


def _unauthorised(rule: AlertRule, facts: _Facts) -> list[_Found]:
    """At least `sessions` unauthorised sessions in the last `school_days` school days, keyed
    by the latest. An episode already raised and still inside the window is not raised again
    as it grows; absence after the window has moved past it is a new episode."""
    window = facts.school_days[: rule.school_days]
    if not window:
        return []
    start, codes = window[-1], codes_in(AttendanceCategory.UNAUTHORISED)
    already = facts.raised_since(AlertKind.UNAUTHORISED_ABSENCE, start)
    found = []
    for child_id, marks in facts.marks.items():
        sessions = [
            (day, code)
            for day, am, pm in marks
            if day >= start
            for code in (am, pm)
            if code in codes
        ]
        if not sessions or len(sessions) < rule.sessions or child_id in already:
            continue
        latest = max(day for day, _ in sessions)
        used = ", ".join(sorted({code for _, code in sessions}))
        message = (
            f"{_plural(len(sessions), 'session')} of unauthorised absence ({used}) in the last "
            f"{_plural(len(window), 'school day')}, most recently on {long_date(latest)}."
        )
        found.append(_Found(child_id, AlertKind.UNAUTHORISED_ABSENCE, latest.isoformat(), message))
    return found


# (c) Low attendance this term ---------------------------------------------------------------


def _low_attendance(rule: AlertRule, facts: _Facts) -> list[_Found]:
    threshold, term = Decimal(rule.threshold_percent), facts.term
    said = f"{threshold.normalize():f}%"
    found = []
    for child_id, figures in attendance_by_child(facts.child_ids, term.start, facts.today).items():
        # Compared unrounded: 89.96% is below 90% even though it is shown as 90.0%.
        if figures.possible < MIN_TERM_SESSIONS or (
            figures.attended * 100 >= threshold * figures.possible
        ):
            continue
        message = (
            f"Attendance this term is {figures.attendance_percent}% ({figures.attended} of "
            f"{figures.possible} possible sessions), below {said}."
        )
        found.append(_Found(child_id, AlertKind.LOW_ATTENDANCE, term.slug, message))
    return found


# (d) No marks received -----------------------------------------------------------------------


def _on_roll_throughout(child_ids: Iterable[int], start: date, today: date) -> set[int]:
    """Children with a main registration on the first of the days and today."""
    spells = Enrolment.objects.filter(child_id__in=list(child_ids), kind=EnrolmentKind.MAIN)
    covering = defaultdict(set)
    for child_id, first, last in spells.overlapping(start, today).values_list(
        "child_id", "start_date", "end_date"
    ):
        for day in (start, today):
            if first <= day and (last is None or day <= last):
                covering[child_id].add(day)
    return {child_id for child_id, days in covering.items() if len(days) == 2}


def _last_marked(child_ids: set[int], facts: _Facts) -> dict[int, date]:
    last = {c: facts.marks[c][-1][0] for c in child_ids if facts.marks.get(c)}
    older = child_ids - set(last)
    if older:
        rows = AttendanceDay.objects.filter(child_id__in=older).values("child_id")
        last |= dict(rows.annotate(last=Max("date")).values_list("child_id", "last").order_by())
    return last


def _no_marks(rule: AlertRule, facts: _Facts) -> list[_Found]:
    """A child on a school roll with no marks on any of the last `school_days` school days.
    Not raised until the feed has run that many days, so a new service raises nothing."""
    window = facts.school_days[: rule.school_days]
    if not window or len(window) < rule.school_days:
        return []
    start = window[-1]
    marked = {c for c, marks in facts.marks.items() if marks and marks[-1][0] >= start}
    missing = _on_roll_throughout(set(facts.child_ids) - marked, start, facts.today)
    last = _last_marked(missing, facts)
    found = []
    for child_id in sorted(missing):
        days = _plural(len(window), "school day")
        if child_id in last:
            key = last[child_id].isoformat()
            message = (
                f"No attendance marks received for the last {days}; "
                f"the last were for {long_date(last[child_id])}."
            )
        else:
            key = "never"
            message = f"No attendance marks received for the last {days}, and none before."
        found.append(_Found(child_id, AlertKind.NO_MARKS, key, message))
    return found


# (e) Part-time timetable without an agreement -----------------------------------------------


def _part_time_without_agreement(rule: AlertRule, facts: _Facts) -> list[_Found]:
    """C2 marks this term on days no reduced timetable on any of the child's school places
    covers, keyed by the first such day: an agreement later recorded for those days, with C2
    continuing after it ends, raises a new alert."""
    term = facts.term
    days = defaultdict(list)
    for child_id, day in (
        AttendanceDay.objects.filter(
            child_id__in=facts.child_ids, date__range=(term.start, facts.today)
        )
        .filter(Q(am=PART_TIME_CODE) | Q(pm=PART_TIME_CODE))
        .values_list("child_id", "date")
        .order_by("child_id", "date")
    ):
        days[child_id].append(day)
    if not days:
        return []
    agreed = defaultdict(list)
    for child_id, first, last in (
        ReducedTimetable.objects.filter(enrolment__child_id__in=list(days))
        .overlapping(term.start, facts.today)
        .values_list("enrolment__child_id", "start_date", "end_date")
    ):
        agreed[child_id].append((first, last))
    found = []
    for child_id, marked in days.items():
        uncovered = [
            day
            for day in marked
            if not any(s <= day and (e is None or day <= e) for s, e in agreed[child_id])
        ]
        if not uncovered:
            continue
        message = (
            f"Part-time timetable code C2 on {_plural(len(uncovered), 'day')} this term, first "
            f"on {long_date(uncovered[0])}, with no agreed reduced timetable on record."
        )
        found.append(
            _Found(child_id, AlertKind.REDUCED_TIMETABLE, uncovered[0].isoformat(), message)
        )
    return found


# (f) Suspensions over 45 days in the school year --------------------------------------------


def _suspension_days(rule: AlertRule, facts: _Facts) -> list[_Found]:
    year = dates.academic_year_of(facts.today)
    label = dates.academic_year_label(year)
    totals = (
        Suspension.objects.filter(
            child_id__in=facts.child_ids,
            kind__in=[ExclusionType.SUSPENSION, ExclusionType.LUNCHTIME],
            outcome=ExclusionOutcome.UPHELD,
            start_date__range=(dates.academic_year_start(year), dates.academic_year_end(year)),
        )
        .values("child_id")
        .annotate(sessions=Sum("sessions_lost"))
        .filter(sessions__gt=SUSPENSION_DAY_LIMIT * 2)
        .values_list("child_id", "sessions")
        .order_by()
    )
    return [
        _Found(
            child_id,
            AlertKind.SUSPENSION_DAYS,
            label,
            f"Suspensions in {label} total {_plural(sessions / 2, 'school day')}, more than "
            f"the {SUSPENSION_DAY_LIMIT} school days a pupil may be suspended in a school year.",
        )
        for child_id, sessions in totals
    ]


_EVALUATORS: dict[AlertKind, Callable[[AlertRule, _Facts], list[_Found]]] = {
    AlertKind.SUSPENSION: _suspended,
    AlertKind.UNAUTHORISED_ABSENCE: _unauthorised,
    AlertKind.LOW_ATTENDANCE: _low_attendance,
    AlertKind.NO_MARKS: _no_marks,
    AlertKind.REDUCED_TIMETABLE: _part_time_without_agreement,
    AlertKind.SUSPENSION_DAYS: _suspension_days,
}


# --- Evaluating -------------------------------------------------------------------------------


def _children_followed(today: date) -> list[int]:
    """Every child in care today or with a current Virtual School cohort membership."""
    in_care = CareEpisode.objects.on(today).values("child_id")
    members = CohortMembership.objects.current(today).values("child_id")
    children = Child.objects.filter(Q(pk__in=in_care) | Q(pk__in=members))
    return list(children.values_list("pk", flat=True))


def _raise(found: list[_Found]) -> list[Alert]:
    """Create the alerts not raised before. Checked first under a lock rather than inserted
    with ignore_conflicts, so the alerts returned are exactly the new ones, with their ids;
    the unique constraint remains the last line of defence."""
    unique = {(f.child_id, f.kind, f.key): f for f in found}
    if not unique:
        return []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ALERTS_LOCK])
        existing = set(
            Alert.objects.filter(
                child_id__in={f.child_id for f in found}, key__in={f.key for f in found}
            ).values_list("child_id", "kind", "key")
        )
        new = [
            Alert(child_id=f.child_id, kind=f.kind, key=f.key, message=f.message)
            for triple, f in unique.items()
            if triple not in existing
        ]
        return Alert.objects.bulk_create(new, batch_size=1000)


def alerts_evaluate(*, child_ids: list[int] | None, today: date) -> list[Alert]:
    """Evaluate every rule in force for these children (None: every child the Virtual School
    follows today) and raise the alerts that are new; returns them."""
    if child_ids is None:
        child_ids = _children_followed(today)
    if not child_ids:
        return []
    rules = alert_rules()
    facts = _Facts(list(child_ids), today, rules)
    found = [
        alert
        for kind, rule in rules.items()
        if rule.enabled
        for alert in _EVALUATORS[kind](rule, facts)
    ]
    raised = _raise(found)
    log.info("Alerts evaluated for %d children: %d raised", len(child_ids), len(raised))
    return raised


# --- Reading ----------------------------------------------------------------------------------


def alerts_about_my_children(user: User, today: date) -> QuerySet[Alert]:
    """Alerts about the children allocated to the user today (as caseworker or social worker),
    within the children the user may see. (A read, kept beside the writes until outcomes has
    a selectors module.)"""
    mine = Allocation.objects.current(today).filter(user=user).values("child")
    return Alert.objects.filter(child__in=children_visible_to(user, today)).filter(child__in=mine)


# --- Acknowledging ----------------------------------------------------------------------------


def alert_acknowledge(*, alert: Alert, acting_user: User, note: str = "") -> bool:
    """Record who acknowledged the alert, when, and their note if they gave one. The first
    acknowledgement stands: returns False, changing nothing, if someone got there first."""
    with attributed(acting_user=acting_user, source="Alert acknowledged"):
        updated = Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=acting_user, acknowledged_at=timezone.now(), note=note.strip()
        )
    alert.refresh_from_db()
    return bool(updated)


# --- The daily digest -------------------------------------------------------------------------


def _claim_new_alerts(today: date) -> dict[User, list[Alert]]:
    """The new alerts (not yet emailed, not yet acknowledged) for each caseworker and social
    worker allocated to the child today. They are marked emailed in this short transaction,
    so two digests running at once never send one alert twice; an alert about a child with
    nobody allocated waits for its worker."""
    with transaction.atomic():
        alerts = list(
            Alert.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(emailed_at__isnull=True, acknowledged_at__isnull=True)
            .select_related("child")
            .order_by("raised_at", "pk")
        )
        workers = defaultdict(list)
        for allocation in (
            Allocation.objects.current(today)
            .filter(child_id__in={a.child_id for a in alerts}, user__is_active=True)
            .select_related("user")
        ):
            workers[allocation.child_id].append(allocation.user)
        by_user = defaultdict(list)
        for alert in alerts:
            for user in workers[alert.child_id]:
                by_user[user].append(alert)
        claimed = [alert.pk for alert in alerts if workers[alert.child_id]]
        Alert.objects.filter(pk__in=claimed).update(emailed_at=timezone.now())
    return by_user


def _digest_email(user: User, alerts: list[Alert], base_url: str) -> None:
    subject = f"{settings.SERVICE_NAME}: {_plural(len(alerts), 'new alert')}"  # never a name
    by_kind = defaultdict(list)
    for alert in alerts:
        by_kind[alert.get_kind_display()].append(
            {
                "child": alert.child.display_name,
                "message": alert.message,
                "url": base_url + reverse("pupils:child_detail", args=[alert.child_id]),
            }
        )
    body = render_to_string(
        "outcomes/alerts/digest_email.txt",
        {
            "user": user,
            "count": len(alerts),
            "groups": sorted(by_kind.items()),
            "alerts_url": base_url + reverse("outcomes:alert_list"),
            "service_name": settings.SERVICE_NAME,
        },
    )
    send_mail(subject, body, None, [user.email])


def alert_digest_send(*, today: date, base_url: str | None = None) -> int:
    """Email each caseworker and social worker the new alerts about their children, once;
    returns how many emails were sent. Links are absolute, from `base_url` or the SITE_URL
    setting. If an email cannot be sent, its alerts are left to go in the next digest."""
    base = (base_url or getattr(settings, "SITE_URL", DEFAULT_SITE_URL)).rstrip("/")
    sent, unsent = 0, []
    for user, alerts in _claim_new_alerts(today).items():
        try:
            _digest_email(user, alerts, base)
        except (SMTPException, OSError):
            log.exception("Could not send the alert digest to user %s", user.pk)
            unsent.extend(alert.pk for alert in alerts)
        else:
            sent += 1
    if unsent:
        Alert.objects.filter(pk__in=unsent).update(emailed_at=None)
    return sent
