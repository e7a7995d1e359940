"""Template helpers for children's records: labels and colours for statuses, and the
home-page panels (so the home view needs no knowledge of pupils)."""

from django import template
from django.utils import timezone
from django.utils.text import capfirst

from pupils.access import children_visible_to, teacher_schools
from pupils.codes import SenProvision
from pupils.filters import CaseloadFilter
from pupils.models import Cohort, OfstedFramework, OfstedGrade
from pupils.selectors import caseload_children, caseload_rows_for, caseload_sorted
from vschool import dates
from vschool.accounts.models import Role

register = template.Library()

COHORT_COLOURS = {
    Cohort.CHILD_IN_CARE: "blue",
    Cohort.PREVIOUSLY_LOOKED_AFTER: "purple",
    Cohort.CHILD_WITH_SOCIAL_WORKER: "turquoise",
    Cohort.CARE_LEAVER: "orange",
    Cohort.KINSHIP: "pink",
}
SEN_SHORT = {
    SenProvision.NONE: "None",
    SenProvision.SUPPORT: "SEN support",
    SenProvision.EHCP: "EHC plan",
}
HOME_LIST_LENGTH = 10


@register.filter
def cohort_colour(code: str | None) -> str:
    return COHORT_COLOURS.get(code, "grey")


@register.filter
def sen_short(code: str | None) -> str:
    return SEN_SHORT.get(code, "")


@register.filter
def year_group_label(year: int | None) -> str:
    return "" if year is None else dates.year_group_label(year)


REPORT_CARD_GRADES = {
    1: "Exceptional",
    2: "Strong standard",
    3: "Expected standard",
    4: "Needs attention",
    5: "Urgent improvement",
}


@register.filter
def child_year_group(child, on) -> str:
    return dates.year_group_label(child.year_group(on))


@register.filter
def area_grades(inspection) -> list[tuple[str, str]]:
    """An inspection's area grades as (area, grade label): the 4-point scale, or the report
    card's 5-point scale, which is not comparable with it."""
    scale = (
        REPORT_CARD_GRADES
        if inspection.framework == OfstedFramework.REPORT_CARD
        else dict(OfstedGrade.choices)
    )
    return [
        (capfirst(str(area).replace("_", " ")), scale.get(grade, str(grade)))
        for area, grade in (inspection.area_grades or {}).items()
    ]


def _count(filters: dict, user, today) -> int:
    """How many children the caseload would list with these filters."""
    children = caseload_children(children_visible_to(user, today), today)
    return CaseloadFilter(filters, queryset=children, today=today).qs.count()


@register.inclusion_tag("pupils/home/caseworker.html", takes_context=True)
def caseworker_caseload(context) -> dict:
    """A caseworker's own caseload in figures, each linking to the list behind it."""
    user, today = context["request"].user, timezone.localdate()
    mine = {"caseworker": str(user.pk)}
    return {
        "mine": _count(mine, user, today),
        "no_school_place": _count({**mine, "no_school_place": "on"}, user, today),
        "everyone": children_visible_to(user, today).count(),
    }


@register.inclusion_tag("pupils/home/head.html", takes_context=True)
def virtual_school_figures(context) -> dict:
    """Today's Virtual School in three figures, each linking to its list."""
    user, today = context["request"].user, timezone.localdate()
    return {
        "children": children_visible_to(user, today).count(),
        "in_care": _count({"cohort": Cohort.CHILD_IN_CARE}, user, today),
        "no_school_place": _count({"no_school_place": "on"}, user, today),
    }


@register.inclusion_tag("pupils/home/children.html", takes_context=True)
def my_children(context, empty: str) -> dict:
    """The first few children the user may see (a designated teacher's pupils, a social
    worker's children), linking to the full list."""
    user, today = context["request"].user, timezone.localdate()
    is_teacher = user.role == Role.DESIGNATED_TEACHER
    children = caseload_sorted(
        caseload_children(children_visible_to(user, today), today), "name", today
    )
    first = list(children.values_list("pk", flat=True)[:HOME_LIST_LENGTH])
    return {
        "children": caseload_rows_for(first, today),
        "total": children.count(),
        "empty": empty,
        "schools": list(teacher_schools(user, today)) if is_teacher else [],
    }
