"""Filters for the caseload and the schools list (django-filter), shown as GOV.UK GET forms.

Caseload filters test what is true today ("at a school in the authority" means the child's
current main school is), and each is a semi-join on the child, so PostgreSQL can answer them
with one pass over the related table however many children there are.
"""

from datetime import date

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from pupils.codes import PlacementType, SenProvision
from pupils.identifiers import normalise_upn
from pupils.models import (
    Allocation,
    AllocationRole,
    CareEpisode,
    Cohort,
    CohortMembership,
    Enrolment,
    Phase,
    SenRecord,
)
from pupils.selectors import current_main_enrolments, school_authority_q, year_groups_q
from vschool import dates
from vschool.accounts.models import Role, User

ANY = "Any"
LOWEST_YEAR, HIGHEST_YEAR = -2, 14  # "Early years (under 3)" and "Post-18" are open-ended
ANY_SEN = "any"
NO_SEN_RECORDED = "unknown"


def _authority_choices() -> list[tuple[str, str]]:
    return [("in", f"In {settings.LA_NAME}"), ("out", f"Outside {settings.LA_NAME}")]


def year_group_choices() -> list[tuple[str, str]]:
    return [(str(y), dates.year_group_label(y)) for y in range(LOWEST_YEAR, HIGHEST_YEAR + 1)]


def key_stage_choices() -> list[tuple[str, str]]:
    stages = dict.fromkeys(dates.key_stage(y) for y in range(LOWEST_YEAR, HIGHEST_YEAR + 1))
    return [(stage, stage) for stage in stages]


def key_stage_years(stage: str) -> tuple[int | None, int | None]:
    """The year groups of a key stage; the first and last stages are open-ended."""
    years = [y for y in range(LOWEST_YEAR, HIGHEST_YEAR + 1) if dates.key_stage(y) == stage]
    lowest = min(years) if min(years) > LOWEST_YEAR else None
    highest = max(years) if max(years) < HIGHEST_YEAR else None
    return lowest, highest


class GovukFilterSet(django_filters.FilterSet):
    """Gives the form's widgets the GOV.UK classes, so templates can render them as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.form:
            widget = bound.field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "govuk-checkboxes__input"
            elif isinstance(widget, forms.Select):
                css = "govuk-select"
            else:
                css = "govuk-input"
            widget.attrs["class"] = css

    @property
    def active_filters(self) -> list[str]:
        """The names of the filters that are set."""
        if not self.is_bound:
            return []
        self.form.is_valid()
        cleaned = getattr(self.form, "cleaned_data", {})
        return [name for name, value in cleaned.items() if value not in (None, "", False)]

    @property
    def active(self) -> bool:
        return bool(self.active_filters)


class CaseloadFilter(GovukFilterSet):
    q = django_filters.CharFilter(label="Name, UPN or LA child ID", method="search")
    cohort = django_filters.ChoiceFilter(
        label="Cohort", choices=Cohort.choices, empty_label=ANY, method="in_cohort"
    )
    caseworker = django_filters.ModelChoiceFilter(
        label="Caseworker",
        queryset=User.objects.filter(is_active=True, role__in=[Role.HEAD, Role.CASEWORKER]),
        empty_label="Anyone",
        method="with_caseworker",
    )
    social_worker = django_filters.CharFilter(
        label="Social worker's name", method="with_social_worker"
    )
    school = django_filters.CharFilter(label="School name or URN", method="at_school")
    school_authority = django_filters.ChoiceFilter(
        label="School's local authority",
        choices=_authority_choices,
        empty_label=ANY,
        method="school_in_authority",
    )
    no_school_place = django_filters.BooleanFilter(
        label="Only children with no school place",
        widget=forms.CheckboxInput,
        method="without_school",
    )
    year_group = django_filters.ChoiceFilter(
        label="Year group", choices=year_group_choices, empty_label=ANY, method="in_year_group"
    )
    key_stage = django_filters.ChoiceFilter(
        label="Key stage", choices=key_stage_choices, empty_label=ANY, method="in_key_stage"
    )
    sen = django_filters.ChoiceFilter(
        label="SEN provision",
        choices=[
            (ANY_SEN, "SEN support or EHC plan"),
            *SenProvision.choices,
            (NO_SEN_RECORDED, "Not recorded"),
        ],
        empty_label=ANY,
        method="with_sen",
    )
    placement_type = django_filters.ChoiceFilter(
        label="Placement type",
        choices=[(code, f"{code}: {label}") for code, label in PlacementType.choices],
        empty_label=ANY,
        method="in_placement",
    )

    def __init__(self, *args, today: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def _children_in(self, related: QuerySet) -> Q:
        return Q(pk__in=related.values("child_id"))

    def search(self, queryset, name, value: str):
        """A UPN or LA child ID matches exactly; otherwise every word must begin a name."""
        value = value.strip()
        if not value:
            return queryset
        exact = Q(upn=normalise_upn(value)) | Q(la_child_id__iexact=value)
        words = Q()
        for word in value.split():
            words &= (
                Q(legal_first_name__istartswith=word)
                | Q(legal_last_name__istartswith=word)
                | Q(preferred_name__istartswith=word)
            )
        return queryset.filter(exact | words)

    def in_cohort(self, queryset, name, value):
        members = CohortMembership.objects.current(self.today).filter(cohort=value)
        return queryset.filter(self._children_in(members))

    def with_caseworker(self, queryset, name, value):
        allocations = Allocation.objects.current(self.today).filter(
            role=AllocationRole.CASEWORKER, user=value
        )
        return queryset.filter(self._children_in(allocations))

    def with_social_worker(self, queryset, name, value: str):
        allocations = Allocation.objects.current(self.today).filter(
            role=AllocationRole.SOCIAL_WORKER, user__full_name__icontains=value.strip()
        )
        return queryset.filter(self._children_in(allocations))

    def at_school(self, queryset, name, value: str):
        value = value.strip()
        school = Q(school__urn=value) if value.isdigit() else Q(school__name__icontains=value)
        enrolments = Enrolment.objects.current(self.today).filter(school)
        return queryset.filter(self._children_in(enrolments))

    def school_in_authority(self, queryset, name, value):
        enrolments = current_main_enrolments(self.today).filter(
            school_authority_q("school__", value == "in")
        )
        return queryset.filter(self._children_in(enrolments))

    def without_school(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.exclude(self._children_in(current_main_enrolments(self.today)))

    def in_year_group(self, queryset, name, value):
        year = int(value)
        lowest = None if year == LOWEST_YEAR else year  # the first and last are open-ended
        highest = None if year == HIGHEST_YEAR else year
        return queryset.filter(year_groups_q(lowest, highest, self.today))

    def in_key_stage(self, queryset, name, value):
        return queryset.filter(year_groups_q(*key_stage_years(value), self.today))

    def with_sen(self, queryset, name, value):
        current = SenRecord.objects.current(self.today)
        if value == NO_SEN_RECORDED:
            return queryset.exclude(self._children_in(current))
        if value == ANY_SEN:
            current = current.exclude(provision=SenProvision.NONE)
        else:
            current = current.filter(provision=value)
        return queryset.filter(self._children_in(current))

    def in_placement(self, queryset, name, value):
        episodes = CareEpisode.objects.on(self.today).filter(placement_type=value)
        return queryset.filter(self._children_in(episodes))


class SchoolFilter(GovukFilterSet):
    q = django_filters.CharFilter(label="School name or URN", method="search")
    phase = django_filters.ChoiceFilter(label="Phase", choices=Phase.choices, empty_label=ANY)
    authority = django_filters.ChoiceFilter(
        label="Local authority",
        choices=_authority_choices,
        empty_label=ANY,
        method="in_authority",
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("open", "Open"), ("closed", "Closed")],
        empty_label=ANY,
        method="with_status",
    )

    def search(self, queryset, name, value: str):
        value = value.strip()
        if value.isdigit():
            return queryset.filter(Q(urn=value) | Q(name__icontains=value))
        return queryset.filter(name__icontains=value)

    def in_authority(self, queryset, name, value):
        return queryset.filter(school_authority_q("", value == "in"))

    def with_status(self, queryset, name, value):
        return queryset.filter(is_open=value == "open")
