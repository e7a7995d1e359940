"""Schools: the list (search and filters) and a school's page (details, Ofsted history,
designated teachers, and the children on roll that the viewer may see)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pupils import selectors
from pupils.access import children_visible_to, school_get_for_user, schools_visible_to
from pupils.filters import SchoolFilter

PAGE_SIZE = 50


@login_required
@permission_required("pupils.view_schools", raise_exception=True)
def school_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    schools = selectors.school_rows(
        schools_visible_to(request.user), children_visible_to(request.user, today), today
    )
    filterset = SchoolFilter(request.GET, queryset=schools.order_by("name", "urn"))
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pupils/schools/list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page_obj": page,
            "shows_children": request.user.has_perm("pupils.view_caseload"),
        },
    )


@login_required
@permission_required("pupils.view_schools", raise_exception=True)
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    school = school_get_for_user(request.user, pk)
    visible = children_visible_to(request.user, today)
    children = selectors.school_children(school, visible, today)
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pupils/schools/detail.html",
        {
            "school": school,
            "inspections": list(school.inspections.order_by("-inspection_date")),
            "designated_teachers": selectors.school_designated_teachers(school),
            "page_obj": page,
            "today": today,
            "shows_children": request.user.has_perm("pupils.view_caseload"),
            "can_edit": request.user.has_perm("pupils.edit_schools"),
        },
    )
