"""Reads for the caseload, the child record and the school pages.

The caseload must cost the same with 20,000 children as with 2,000, and its number of queries
must not grow at all. So a page is read in two steps: first the ids of the page's children
(filters are semi-joins, sorts need at most one join), then what the table shows for just
those children, as joins on "what holds today" that the database keeps to one row per child.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import formats
from django.utils.text import capfirst
from pghistory.models import Events

from pupils.care import CarePeriod, current_episode, periods_of_care, placement_moves
from pupils.codes import SenProvision
from pupils.models import (
    Allocation,
    AllocationRole,
    AlternativeProvision,
    CareEpisode,
    Child,
    Cohort,
    CohortMembership,
    DesignatedTeacher,
    Enrolment,
    EnrolmentKind,
    ReducedTimetable,
    School,
    SenRecord,
)
from vschool import dates
from vschool.accounts.models import User

# --- The caseload ---------------------------------------------------------------------------


def year_group_expression(today: date):
    """National Curriculum year in SQL, the same sum as vschool.dates.national_curriculum_year
    plus the child's out-of-year-group adjustment, so the caseload can filter and sort by it."""
    born_autumn = Case(
        When(date_of_birth__month__gte=9, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    cohort = ExtractYear("date_of_birth") + born_autumn
    return Value(dates.academic_year_of(today) - 4) - cohort + F("year_group_adjustment")


def year_groups_q(lowest: int | None, highest: int | None, today: date) -> Q:
    """Children in year groups `lowest` to `highest` (either open) on that day, for a queryset
    with the year_group annotation. Most children are taught in their own year group, and for
    them the test is a date-of-birth range, which is far cheaper on a large caseload than the
    sum; only the few taught out of year group are tested on the sum."""
    start_year = dates.academic_year_of(today)
    born = Q()
    if highest is not None:  # the oldest: born on or after 1 September of their cohort's year
        born &= Q(date_of_birth__gte=date(start_year - 5 - highest, 9, 1))
    if lowest is not None:
        born &= Q(date_of_birth__lte=date(start_year - 4 - lowest, 8, 31))
    by_sum = Q()
    if highest is not None:
        by_sum &= Q(year_group__lte=highest)
    if lowest is not None:
        by_sum &= Q(year_group__gte=lowest)
    own_year = Q(year_group_adjustment=0)
    return (own_year & born) | (~own_year & by_sum)


def current_main_enrolments(today: date) -> QuerySet[Enrolment]:
    return Enrolment.objects.current(today).filter(kind=EnrolmentKind.MAIN)


def caseload_children(children: QuerySet[Child], today: date) -> QuerySet[Child]:
    """The children with their year group, which the caseload filters and sorts by."""
    return children.annotate(year_group=year_group_expression(today))


# What holds today for a child, as joins. Each is at most one row per child because the
# database forbids overlaps (one main enrolment, one placement, one SEN record, one caseworker
# and one social worker at a time), so the joins never repeat a child. The conditions repeat
# vschool.periods.PeriodQuerySet.current and CareEpisodeQuerySet.on, in join form.


def _current_q(relation: str, today: date) -> Q:
    open_or_later = Q(**{f"{relation}__end_date__isnull": True}) | Q(
        **{f"{relation}__end_date__gte": today}
    )
    return Q(**{f"{relation}__start_date__lte": today}) & open_or_later


def _today_joins(today: date) -> dict[str, FilteredRelation]:
    episode_open = Q(care_episodes__end_date__isnull=True) | Q(care_episodes__end_date__gt=today)
    caseworker = Q(allocations__role=AllocationRole.CASEWORKER)
    social_worker = Q(allocations__role=AllocationRole.SOCIAL_WORKER)
    main = Q(enrolments__kind=EnrolmentKind.MAIN)
    return {
        "main_enrolment": FilteredRelation(
            "enrolments", condition=main & _current_q("enrolments", today)
        ),
        "current_episode": FilteredRelation(
            "care_episodes", condition=Q(care_episodes__start_date__lte=today) & episode_open
        ),
        "current_sen": FilteredRelation("sen_records", condition=_current_q("sen_records", today)),
        "caseworker_allocation": FilteredRelation(
            "allocations", condition=caseworker & _current_q("allocations", today)
        ),
        "social_worker_allocation": FilteredRelation(
            "allocations", condition=social_worker & _current_q("allocations", today)
        ),
    }


# Sort keys of the caseload: (the join it needs, if any, and the columns), ascending.
CASELOAD_SORTS = {
    "name": (None, ["legal_last_name", "legal_first_name"]),
    "la_id": (None, ["la_child_id"]),
    "upn": (None, ["upn"]),
    "dob": (None, ["date_of_birth"]),
    "year": (None, ["year_group", "date_of_birth"]),
    "school": ("main_enrolment", ["main_enrolment__school__name"]),
    "placement": ("current_episode", ["current_episode__placement_type"]),
    "sen": ("current_sen", ["sen_order"]),
    "caseworker": ("caseworker_allocation", ["caseworker_allocation__user__full_name"]),
}


def caseload_sorted(children: QuerySet[Child], sort: str, today: date) -> QuerySet[Child]:
    """Sorted by a CASELOAD_SORTS key ("-" first for descending), blanks last either way,
    then by LA child ID so that pages never overlap."""
    key = sort.removeprefix("-")
    join, columns = CASELOAD_SORTS[key]
    if join:
        children = children.alias(**{join: _today_joins(today)[join]})
    if key == "sen":
        children = children.alias(sen_order=_sen_order("current_sen__provision"))
    descending = sort.startswith("-")
    # Blanks last matters only for joined columns (a child with no school): the child's own
    # columns are never null, and plain ASC/DESC lets an index on them serve the sort.
    blanks_last = {"nulls_last": True} if join else {}
    order = [
        F(column).desc(**blanks_last) if descending else F(column).asc(**blanks_last)
        for column in columns
    ]
    tiebreak = ["-la_child_id", "-pk"] if descending else ["la_child_id", "pk"]
    return children.order_by(*order, *tiebreak)


def _sen_order(column: str) -> Case:
    """None, SEN support, EHC plan: the order of need, not of the codes."""
    ranks = [When(**{column: code}, then=Value(i)) for i, code in enumerate(SenProvision.values)]
    return Case(*ranks, default=None, output_field=IntegerField())


def caseload_rows(children: QuerySet[Child], today: date) -> QuerySet[Child]:
    """The children with what the caseload shows of each on that day: year group, cohort,
    current main school, placement, SEN provision, caseworker and social worker. Joins, so
    that a whole list (the CSV) costs one pass over each table; the cohort is a subquery, as
    a child may be in two cohorts at once and shows the latest."""
    cohort = (
        CohortMembership.objects.current(today)
        .filter(child=OuterRef("pk"))
        .order_by("-start_date")
        .values("cohort")[:1]
    )
    return (
        caseload_children(children, today)
        .alias(**_today_joins(today))
        .annotate(
            cohort=Subquery(cohort),
            school_pk=F("main_enrolment__school_id"),
            school_name=F("main_enrolment__school__name"),
            school_urn=F("main_enrolment__school__urn"),
            school_la_code=F("main_enrolment__school__la_code"),
            placement_type=F("current_episode__placement_type"),
            placement_la_code=F("current_episode__placement_la_code"),
            placement_postcode_district=F("current_episode__placement_postcode_district"),
            sen_provision=F("current_sen__provision"),
            caseworker_name=F("caseworker_allocation__user__full_name"),
            social_worker_name=F("social_worker_allocation__user__full_name"),
        )
    )


def caseload_rows_for(ids: list[int], today: date) -> list[Child]:
    """The caseload rows of these children, in this order. Fetching by a known list of ids
    lets PostgreSQL look each child's records up by index, so the cost follows the number of
    rows asked for, not the number of children in the database."""
    rows = {row.pk: row for row in caseload_rows(Child.objects.filter(pk__in=ids), today)}
    return [rows[pk] for pk in ids]


def caseload_page(ordered: QuerySet[Child], number, today: date, per_page: int) -> Page:
    """One page of the caseload in two steps: the page's children by id (a sort of the list
    without its columns), then the columns for those children only. A late page then costs
    what the first does, instead of working out the columns for every row it skips."""
    page = Paginator(ordered.values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = caseload_rows_for(list(page.object_list), today)
    return page


def caseload_all_rows(ordered: QuerySet[Child], today: date, chunk: int = 1000):
    """Every row of the list, in order, a chunk at a time (for the CSV)."""
    ids = list(ordered.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        yield from caseload_rows_for(ids[start : start + chunk], today)


def placement_in_home_authority(row) -> bool | None:
    """For an annotated caseload row: the one definition, CareEpisode's, applied to the
    current placement's LA code and postcode district."""
    if not row.placement_type:
        return None
    episode = CareEpisode(
        placement_la_code=row.placement_la_code or "",
        placement_postcode_district=row.placement_postcode_district or "",
    )
    return episode.placement_in_home_authority


def school_in_home_authority(row) -> bool | None:
    if not row.school_la_code:
        return None
    return row.school_la_code == settings.LA_CODE


def children_currently_at(school: School | QuerySet[School], today: date) -> QuerySet[Enrolment]:
    """Current enrolments (main or dual) at the school(s)."""
    schools = school if isinstance(school, QuerySet) else School.objects.filter(pk=school.pk)
    return Enrolment.objects.current(today).filter(school__in=schools)


# --- The child record -----------------------------------------------------------------------


@dataclass
class ChildHeader:
    age: int
    year_group: int
    year_group_label: str
    cohorts: list[CohortMembership]


def child_header(child: Child, today: date) -> ChildHeader:
    year = child.year_group(today)
    cohorts = list(CohortMembership.objects.current(today).filter(child=child))
    return ChildHeader(child.age(today), year, dates.year_group_label(year), cohorts)


@dataclass
class ChildSummary:
    cohort_history: list[CohortMembership]
    placement: CareEpisode | None
    enrolments: list[Enrolment]  # current, main first
    reduced_timetables: list[ReducedTimetable]
    alternative_provisions: list[AlternativeProvision]
    caseworker: Allocation | None
    social_worker: Allocation | None
    designated_teachers: list[DesignatedTeacher]
    sen: SenRecord | None


def child_summary(child: Child, today: date) -> ChildSummary:
    enrolments = sorted(
        Enrolment.objects.current(today).filter(child=child).select_related("school"),
        key=lambda enrolment: (enrolment.kind != EnrolmentKind.MAIN, enrolment.start_date),
    )
    people = {
        allocation.role: allocation
        for allocation in Allocation.objects.current(today)
        .filter(child=child)
        .select_related("user")
    }
    main_schools = current_main_enrolments(today).filter(child=child).values("school_id")
    return ChildSummary(
        cohort_history=list(CohortMembership.objects.filter(child=child).order_by("-start_date")),
        placement=CareEpisode.objects.on(today).filter(child=child).order_by("-start_date").first(),
        enrolments=enrolments,
        reduced_timetables=list(
            ReducedTimetable.objects.current(today)
            .filter(enrolment__child=child)
            .select_related("enrolment__school")
        ),
        alternative_provisions=list(
            AlternativeProvision.objects.current(today)
            .filter(child=child)
            .select_related("provider_school", "agreed_by")
        ),
        caseworker=people.get(AllocationRole.CASEWORKER),
        social_worker=people.get(AllocationRole.SOCIAL_WORKER),
        designated_teachers=list(
            DesignatedTeacher.objects.current(today)
            .filter(school_id__in=main_schools)
            .select_related("user", "school")
        ),
        sen=SenRecord.objects.current(today).filter(child=child).order_by("-start_date").first(),
    )


@dataclass
class ChildCare:
    periods: list[CarePeriod]  # newest first
    episodes: list[CareEpisode]  # newest first
    current: CareEpisode | None
    moves_this_school_year: int
    moves_last_12_months: int
    school_year_start: date
    twelve_months_ago: date
    in_care_days: int | None = None  # of the current period, when in care


def child_care(child: Child, today: date) -> ChildCare:
    """The care tab: periods of care, the episodes and placement moves, from pupils.care."""
    episodes = list(CareEpisode.objects.filter(child=child).order_by("start_date"))
    year_start = dates.academic_year_start(dates.academic_year_of(today))
    year_ago = _one_year_before(today) + timedelta(days=1)
    periods = periods_of_care(episodes)
    current = current_episode(episodes, today)
    in_care_days = None
    if current is not None and periods and periods[-1].end_date is None:
        in_care_days = (today - periods[-1].start_date).days
    return ChildCare(
        periods=list(reversed(periods)),
        episodes=list(reversed(episodes)),
        current=current,
        moves_this_school_year=placement_moves(episodes, year_start, today),
        moves_last_12_months=placement_moves(episodes, year_ago, today),
        school_year_start=year_start,
        twelve_months_ago=year_ago,
        in_care_days=in_care_days,
    )


def _one_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass
class ChildEducation:
    enrolments: list[Enrolment]  # newest first, with their reduced timetables
    alternative_provisions: list[AlternativeProvision]
    sen_records: list[SenRecord]
    gaps: list[tuple[date, date | None]] = field(default_factory=list)  # not on a school roll

    @property
    def has_reduced_timetables(self) -> bool:
        return any(enrolment.reduced_timetables.all() for enrolment in self.enrolments)


def child_education(child: Child, today: date) -> ChildEducation:
    enrolments = list(
        Enrolment.objects.filter(child=child)
        .select_related("school")
        .prefetch_related(
            Prefetch("reduced_timetables", ReducedTimetable.objects.order_by("-start_date"))
        )
        .order_by("-start_date", "kind")
    )
    mains = sorted(
        (e for e in enrolments if e.kind == EnrolmentKind.MAIN), key=lambda e: e.start_date
    )
    for later in mains[1:]:
        later.is_school_move = True  # the first school a child joins is not a move
    return ChildEducation(
        enrolments=enrolments,
        alternative_provisions=list(
            AlternativeProvision.objects.filter(child=child)
            .select_related("provider_school", "agreed_by")
            .order_by("-start_date")
        ),
        sen_records=list(SenRecord.objects.filter(child=child).order_by("-start_date")),
        gaps=not_on_roll_gaps(mains, today),
    )


def not_on_roll_gaps(mains: list[Enrolment], today: date) -> list[tuple[date, date | None]]:
    """Times between main registrations, newest first: from the day after one ended to the day
    before the next began (or to now, None, when the last one has ended)."""
    gaps: list[tuple[date, date | None]] = []
    for before, after in itertools.pairwise(mains):
        if before.end_date is not None and after.start_date > before.end_date + timedelta(days=1):
            gaps.append((before.end_date + timedelta(days=1), after.start_date - timedelta(days=1)))
    if mains and mains[-1].end_date is not None and mains[-1].end_date < today:
        gaps.append((mains[-1].end_date + timedelta(days=1), None))
    return list(reversed(gaps))


# --- Schools --------------------------------------------------------------------------------


def school_rows(schools: QuerySet[School], visible_children: QuerySet[Child], today: date):
    """Schools with the number of children on roll today that the viewer may see."""
    on_roll = (
        Enrolment.objects.current(today)
        .filter(school=OuterRef("pk"), child__in=visible_children)
        .order_by()
        .values("school")
        .annotate(n=Count("child", distinct=True))
        .values("n")
    )
    return schools.annotate(children_on_roll=Coalesce(Subquery(on_roll), 0))


def school_children(school: School, visible_children: QuerySet[Child], today: date):
    """The viewer's children on the school's roll today, with their enrolment there."""
    enrolments = children_currently_at(school, today).filter(child__in=visible_children)
    return enrolments.select_related("child").order_by(
        "child__legal_last_name", "child__legal_first_name", "child__la_child_id", "kind"
    )


def school_designated_teachers(school: School) -> list[DesignatedTeacher]:
    return list(
        DesignatedTeacher.objects.filter(school=school)
        .select_related("user")
        .order_by(F("end_date").desc(nulls_first=True), "-start_date")
    )


def school_authority_q(prefix: str, inside: bool) -> Q:
    """Schools (through `prefix`) inside or outside the home authority."""
    q = Q(**{f"{prefix}la_code": settings.LA_CODE})
    return q if inside else ~q


# --- A child's history ----------------------------------------------------------------------

# The parts of a child's record that django-pghistory tracks, and what staff call each.
HISTORY_RECORDS = {
    "Child": "Personal details",
    "Allocation": "Caseworker or social worker",
    "CohortMembership": "Cohort",
    "CareEpisode": "Care episode",
    "Enrolment": "School enrolment",
    "ReducedTimetable": "Reduced timetable",
    "AlternativeProvision": "Alternative provision",
    "SenRecord": "SEN record",
}
HISTORY_ACTIONS = {"insert": "added", "update": "changed", "delete": "removed"}
# Bookkeeping columns, not facts about the child.
HISTORY_HIDDEN = {"id", "child_id", "enrolment_id", "created_at", "updated_at"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    source: str
    record: str
    action: str
    subject: str
    changes: list[FieldChange]

    @property
    def what(self) -> str:
        return f"{self.record} {self.action}"


def _event_model(model):
    return apps.get_model(model._meta.app_label, f"{model.__name__}Event")


def _tracked_models():
    from pupils import models as pupils_models

    return {name: getattr(pupils_models, name) for name in HISTORY_RECORDS}


def _child_events(child: Child) -> list:
    """Every tracked event about the child, in two queries: the records that point at the
    child, and the reduced timetables, which point at one of the child's enrolments (ever,
    including enrolments since removed)."""
    tracked = _tracked_models()
    direct = [_event_model(model) for name, model in tracked.items() if name != "ReducedTimetable"]
    events = list(Events.objects.across(*direct).references(child))
    enrolment_ids = set(
        _event_model(Enrolment)
        .objects.filter(child_id=child.pk)
        .values_list("pgh_obj_id", flat=True)
    )
    if enrolment_ids:
        timetables = _event_model(ReducedTimetable)
        references = [Enrolment(pk=pk) for pk in sorted(enrolment_ids)]
        events += list(Events.objects.across(timetables).references(references))
    return sorted(events, key=lambda e: (e.pgh_created_at, e.pgh_id), reverse=True)


def child_history(child: Child) -> list[HistoryEntry]:
    """Every change to the child's record, newest first, with who made it and, field by field,
    what changed from what to what (insertions show the values set)."""
    events = _child_events(child)
    lookups = _HistoryLookups.for_events(events)
    tracked = {model._meta.label: model for model in _tracked_models().values()}
    entries = []
    for event in events:
        model = tracked[event.pgh_obj_model]
        changes = _changes(model, event, lookups)
        if event.pgh_label == "update" and not changes:
            continue  # only bookkeeping columns moved (a re-save that changed nothing)
        context = event.pgh_context or {}
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                who=lookups.user_name(context.get("user")),
                source=context.get("source") or "",
                record=HISTORY_RECORDS[model.__name__],
                action=HISTORY_ACTIONS.get(event.pgh_label, event.pgh_label),
                subject=_subject(model, event.pgh_data, lookups),
                changes=changes,
            )
        )
    return entries


@dataclass
class _HistoryLookups:
    """Names for the ids in events (users, schools), fetched once for the whole history."""

    users: dict
    schools: dict

    @classmethod
    def for_events(cls, events) -> "_HistoryLookups":
        user_ids, school_ids = set(), set()
        for event in events:
            user_ids.add((event.pgh_context or {}).get("user"))
            for column in USER_COLUMNS:
                user_ids |= _values(event, column)
            for column in SCHOOL_COLUMNS:
                school_ids |= _values(event, column)
        return cls(
            users=User.objects.in_bulk([pk for pk in user_ids if pk]),
            schools=School.objects.in_bulk([pk for pk in school_ids if pk]),
        )

    def user_name(self, pk) -> str:
        user = self.users.get(pk)
        return str(user) if user else ""

    def school_name(self, pk) -> str:
        school = self.schools.get(pk)
        return str(school) if school else ""


def _values(event, column: str) -> set:
    found = {(event.pgh_data or {}).get(column)}
    found.update((event.pgh_diff or {}).get(column) or [])
    return found


USER_COLUMNS = ("user_id", "agreed_by_id")
SCHOOL_COLUMNS = ("school_id", "provider_school_id")


def _changes(model, event, lookups: _HistoryLookups) -> list[FieldChange]:
    """Field by field, in the model's order: an update's differences, or an insertion's values."""
    if event.pgh_label == "delete":
        return []
    if event.pgh_label == "update":
        diff = event.pgh_diff or {}
    else:
        diff = {column: [None, value] for column, value in (event.pgh_data or {}).items()}
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.column in HISTORY_HIDDEN or model_field.column not in diff:
            continue
        before, after = diff[model_field.column]
        if event.pgh_label == "insert" and after in (None, "", 0, False):
            continue  # an empty field on a new record says nothing
        changes.append(
            FieldChange(
                label=capfirst(model_field.verbose_name),
                before=_shown(model_field, before, lookups),
                after=_shown(model_field, after, lookups),
            )
        )
    return changes


def _shown(field, value, lookups: _HistoryLookups) -> str:
    """A stored value as staff read it: choice labels, dates in words, names for ids."""
    if value is None or value == "":
        return ""
    if field.column in USER_COLUMNS:
        return lookups.user_name(value) or f"user {value}"
    if field.column in SCHOOL_COLUMNS:
        return lookups.school_name(value) or f"school {value}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.DateField):
        return formats.date_format(date.fromisoformat(value), "j F Y")
    return str(value)


def _subject(model, data: dict, lookups: _HistoryLookups) -> str:
    """Which record of its kind the event was about, in a few words."""
    name = model.__name__
    start = data.get("start_date")
    since = f"from {formats.date_format(date.fromisoformat(start), 'j F Y')}" if start else ""
    if name == "Allocation":
        role = dict(AllocationRole.choices).get(data.get("role"), "")
        return f"{role}: {lookups.user_name(data.get('user_id'))}"
    if name == "CohortMembership":
        return f"{dict(Cohort.choices).get(data.get('cohort'), '')} {since}"
    if name == "Enrolment":
        return f"{lookups.school_name(data.get('school_id'))} {since}"
    if name == "AlternativeProvision":
        return f"{data.get('provider_name', '')} {since}"
    if name == "SenRecord":
        return f"{dict(SenProvision.choices).get(data.get('provision'), '')} {since}"
    if name == "Child":
        return ""
    return since
