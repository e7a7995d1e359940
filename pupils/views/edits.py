"""Pages that change a child's record or a school. Each one fetches through the access rule,
binds a form, calls one service and goes back to the record with a success message; a rule
the change breaks comes back from the service as errors on the form."""

from collections.abc import Callable
from datetime import date

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from pupils import forms, services
from pupils.access import child_get_for_user, school_get_for_user
from pupils.care import current_episode
from pupils.models import Allocation, AllocationRole, Child, EnrolmentKind, School, SenRecord
from vschool.views import form_page, posted

edits_children = permission_required("pupils.edit_children", raise_exception=True)
edits_schools = permission_required("pupils.edit_schools", raise_exception=True)


def _child_page(child: Child, heading: str, **extra) -> dict:
    back = reverse("pupils:child_detail", args=[child.pk])
    return {
        "heading": heading,
        "caption": child.display_name,
        "back_url": back,
        "rows_heading": "Recorded now",
        **extra,
    }


def _to_child(child: Child) -> Callable[[object], str]:
    return lambda _saved: reverse("pupils:child_detail", args=[child.pk])


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- A child's details ------------------------------------------------------------------------


@login_required
@edits_children
def child_add(request: HttpRequest) -> HttpResponse:
    form = forms.ChildAddForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda data: services.child_create(acting_user=request.user, **data),
        done="Child added",
        next_url=lambda child: reverse("pupils:child_detail", args=[child.pk]),
        context={"heading": "Add a child", "back_url": reverse("pupils:caseload")},
    )


@login_required
@edits_children
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    initial = {name: getattr(child, name) for name in forms.ChildForm.base_fields}
    form = forms.ChildForm(posted(request), initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.child_update(acting_user=request.user, child=child, **data),
        done="Child's details saved",
        next_url=_to_child(child),
        context=_child_page(child, "Change the child's details"),
    )


# --- Who is responsible -----------------------------------------------------------------------


def _people_rows(child: Child, today: date) -> list[dict]:
    current = Allocation.objects.filter(child=child).current(today).select_related("user")
    by_role = {allocation.role: allocation for allocation in current}
    return [
        {
            "key": label,
            "value": f"{by_role[role].user} since {services.long_date(by_role[role].start_date)}"
            if role in by_role
            else "",
        }
        for role, label in AllocationRole.choices
    ]


@login_required
@edits_children
def allocation_change(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    role = request.GET.get("role")
    initial = {"role": role} if role in AllocationRole.values else {}
    form = forms.AllocationForm(posted(request), initial=initial)
    rows = _people_rows(child, timezone.localdate())
    return form_page(
        request,
        form,
        save=lambda data: services.allocation_change(acting_user=request.user, child=child, **data),
        done="Change of caseworker or social worker saved",
        next_url=_to_child(child),
        context=_child_page(child, "Change caseworker or social worker", rows=rows),
    )


# --- School places ----------------------------------------------------------------------------


def _school_rows(child: Child, today: date) -> list[dict]:
    current = child.enrolments.current(today).select_related("school").order_by("kind")
    return [
        {
            "key": "Current school" if enrolment.kind == EnrolmentKind.MAIN else "Also at",
            "value": f"{enrolment.school} since {services.long_date(enrolment.start_date)}",
        }
        for enrolment in current
    ] or [{"key": "Current school", "value": "No school place"}]


@login_required
@edits_children
def enrolment_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    form = forms.EnrolmentAddForm(posted(request))
    rows = _school_rows(child, timezone.localdate())
    return form_page(
        request,
        form,
        save=lambda data: services.enrolment_add(acting_user=request.user, child=child, **data),
        done="School enrolment added",
        next_url=_to_child(child),
        context=_child_page(child, "Add a school enrolment", rows=rows),
    )


@login_required
@edits_children
def enrolment_end(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    enrolment = get_object_or_404(child.enrolments.select_related("school"), pk=enrolment_pk)
    form = forms.EnrolmentEndForm(posted(request), initial={"end_date": enrolment.end_date})
    rows = [
        {"key": "School", "value": enrolment.school.name},
        {"key": "Registration", "value": enrolment.get_kind_display()},
        {"key": "On roll since", "value": services.long_date(enrolment.start_date)},
    ]
    return form_page(
        request,
        form,
        save=lambda data: services.enrolment_end(
            acting_user=request.user, enrolment=enrolment, **data
        ),
        done="School enrolment ended",
        next_url=_to_child(child),
        context=_child_page(child, "End a school enrolment", rows=rows),
    )


# --- Placement --------------------------------------------------------------------------------


def _placement_rows(child: Child, today: date) -> list[dict]:
    episode = current_episode(child.care_episodes.all(), today)
    if episode is None:
        return [{"key": "Current placement", "value": "Not in care today"}]
    return [
        {"key": "Current placement", "value": episode.get_placement_type_display()},
        {"key": "Since", "value": services.long_date(episode.start_date)},
        {"key": "Provider", "value": episode.get_placement_provider_display()},
        {"key": "Legal status", "value": episode.get_legal_status_display()},
    ]


@login_required
@edits_children
def placement_change(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    form = forms.PlacementChangeForm(posted(request))
    rows = _placement_rows(child, timezone.localdate())
    return form_page(
        request,
        form,
        save=lambda data: services.placement_change(acting_user=request.user, child=child, **data),
        done="Placement change saved",
        next_url=_to_child(child),
        context=_child_page(child, "Record a placement change", rows=rows),
    )


# --- Special educational needs ----------------------------------------------------------------


def _sen_rows(child: Child, today: date) -> list[dict]:
    record = SenRecord.objects.filter(child=child).current(today).first()
    if record is None:
        return [{"key": "SEN provision", "value": ""}]
    need = record.get_primary_need_display()
    if record.secondary_need:
        need = f"{need}; {record.get_secondary_need_display()}"
    return [
        {"key": "SEN provision", "value": record.get_provision_display()},
        {"key": "Since", "value": services.long_date(record.start_date)},
        {"key": "Type of need", "value": need},
    ]


@login_required
@edits_children
def sen_change(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    form = forms.SenChangeForm(posted(request))
    rows = _sen_rows(child, timezone.localdate())
    return form_page(
        request,
        form,
        save=lambda data: services.sen_change(acting_user=request.user, child=child, **data),
        done="SEN change saved",
        next_url=_to_child(child),
        context=_child_page(
            child,
            "Record a change in special educational needs",
            rows=rows,
            intro="If the current record is wrong, enter the same date it started to correct it.",
        ),
    )


# --- Schools ----------------------------------------------------------------------------------


def _to_school(school: School) -> str:
    return reverse("pupils:school_detail", args=[school.pk])


@login_required
@edits_schools
def school_add(request: HttpRequest) -> HttpResponse:
    form = forms.SchoolForm(posted(request))
    return form_page(
        request,
        form,
        save=lambda data: services.school_create(acting_user=request.user, **data),
        done="School added",
        next_url=_to_school,
        context={"heading": "Add a school", "back_url": reverse("pupils:school_list")},
    )


@login_required
@edits_schools
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    school = school_get_for_user(request.user, pk)
    initial = {name: getattr(school, name) for name in forms.SchoolForm.base_fields}
    initial["is_open"] = _yes_no(school.is_open)
    form = forms.SchoolForm(posted(request), initial=initial)
    return form_page(
        request,
        form,
        save=lambda data: services.school_update(acting_user=request.user, school=school, **data),
        done="School saved",
        next_url=_to_school,
        context={
            "heading": "Change the school's details",
            "caption": school.name,
            "back_url": _to_school(school),
        },
    )
