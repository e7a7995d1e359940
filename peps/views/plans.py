"""The PEP pages: the lists, a PEP's task list of sections, each section, the check before
submitting, the Virtual School's review, new versions, the PDF and the child record's PEPs tab.

Every page fetches its PEP through peps.access (not yours and not found are both 404), binds
a form and calls one workflow service; what a user may do is peps.access, and a step the rules
refuse comes back from the service as an error on the page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from peps import access
from peps.forms import ReviewForm, TargetForm
from peps.models import Pep, PepSection, PepStatus, PepTarget, PepTransition, SectionFeedback
from peps.sections import (
    PREVIOUS_TARGETS,
    TARGETS,
    attendance_rows,
    attendance_shown,
    pep_sections,
    pep_title,
    recorded_sen,
    section_form,
    section_spec,
    sections_for,
    sen_rows,
)
from peps.services import workflow
from peps.services.notifications import notifications_mark_read
from pupils.models import Child, School
from pupils.views.children import record_tab
from vschool.accounts.models import Role
from vschool.dates import TermName, academic_year_label
from vschool.views import posted

views_peps = permission_required("peps.view_peps", raise_exception=True)
reviews_peps = permission_required("peps.review_peps", raise_exception=True)
PAGE_SIZE = 50
TO_COMPLETE = (PepStatus.NOT_STARTED, PepStatus.IN_PROGRESS, PepStatus.RETURNED)


def _detail(pep: Pep) -> str:
    return reverse("peps:pep_detail", args=[pep.pk])


def _section_url(pep: Pep, key: str) -> str:
    return reverse("peps:section_edit", args=[pep.pk, key])


def quality_checks(pep: Pep) -> list:
    """The automatic checks (peps.quality), once that module exists; it is built alongside."""
    try:
        from peps.quality import quality_checks as checks
    except ModuleNotFoundError as error:
        if error.name != "peps.quality":
            raise
        return []
    return checks(pep)


def _failing_checks(pep: Pep) -> list[dict]:
    titles = {spec.key: spec.title for spec in sections_for(pep)}
    return [
        {
            "message": check.message,
            "section": titles.get(check.section_key or ""),
            "href": _section_url(pep, check.section_key) if check.section_key in titles else "",
        }
        for check in quality_checks(pep)
        if not check.passed
    ]


# --- A PEP -------------------------------------------------------------------------------------


def _latest_return(pep: Pep) -> tuple[PepTransition | None, list[dict]]:
    """The reason and section feedback of the return the school is working on, if any."""
    if pep.status not in (PepStatus.RETURNED, PepStatus.IN_PROGRESS):
        return None, []
    moves = list(pep.transitions.order_by("-at", "-pk"))
    last_return = next((m for m in moves if m.to_status == PepStatus.RETURNED), None)
    if last_return is None:
        return None, []
    # The feedback given while reviewing the submission that was returned.
    reviewed = next(
        (m for m in moves if m.to_status == PepStatus.SUBMITTED and m.at <= last_return.at), None
    )
    titles = {spec.key: spec.title for spec in sections_for(pep)}
    feedback = pep.feedback.order_by("at")
    if reviewed is not None:
        feedback = feedback.filter(at__gte=reviewed.at, at__lte=last_return.at)
    return last_return, [
        {
            "section": titles.get(item.section_key, item.section_key),
            "comment": item.comment,
            "href": _section_url(pep, item.section_key),
        }
        for item in feedback
    ]


def _versions(pep: Pep) -> QuerySet[Pep]:
    return Pep.objects.filter(
        child_id=pep.child_id, kind=pep.kind, academic_year=pep.academic_year, term=pep.term
    ).order_by("version")


@login_required
@views_peps
def pep_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pep = access.pep_get_for_user(request.user, pk)
    user = request.user
    tasks = [
        {
            "title": view.spec.title,
            "href": _section_url(pep, view.spec.key),
            "hint": view.spec.hint if view.spec.required else f"{view.spec.hint} (optional)",
            "status": view.status,
            "colour": view.colour,
        }
        for view in pep_sections(pep)
    ]
    last_return, feedback = _latest_return(pep)
    versions = list(_versions(pep))
    notifications_mark_read(user=user, pep=pep)
    return render(
        request,
        "peps/pep_detail.html",
        {
            "pep": pep,
            "title": pep_title(pep),
            "tasks": tasks,
            "versions": versions,
            "transitions": pep.transitions.select_related("by").order_by("at", "pk"),
            "last_return": last_return,
            "return_feedback": feedback,
            "today": timezone.localdate(),
            "can_submit": access.can_submit(user, pep),
            "can_review": access.can_review(user, pep),
            "can_new_version": access.can_start_new_version(user, pep)
            and pep.version == versions[-1].version,
        },
    )


# --- A section ---------------------------------------------------------------------------------


@login_required
@views_peps
def section_edit(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    pep = access.pep_get_for_user(request.user, pk)
    spec = section_spec(pep, key)
    if spec is None:
        raise Http404
    editable = access.can_edit_section(request.user, pep, key)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    if key == TARGETS.key and "target" in request.GET:
        return _target_page(request, pep, editable)
    section = PepSection.objects.filter(pep=pep, key=key).first()
    form = section_form(spec, pep, section, posted(request) if editable else None)
    if request.method == "POST" and form.is_valid():
        try:
            _save_section(request, pep, key, form)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"“{spec.title}” saved")
            return redirect(_detail(pep))
    return render(
        request,
        "peps/section.html",
        {
            "pep": pep,
            "spec": spec,
            "form": form,
            "editable": editable,
            "rows": form.summary_rows(),
            "facts": _facts(pep, key, section),
            "targets": _targets(pep) if key == TARGETS.key else None,
            "can_request_pp": editable,
            "feedback": SectionFeedback.objects.filter(pep=pep, section_key=key)
            .select_related("by")
            .order_by("-at"),
        },
    )


def _save_section(request: HttpRequest, pep: Pep, key: str, form) -> None:
    if key == PREVIOUS_TARGETS.key:
        workflow.previous_targets_review(
            acting_user=request.user, pep=pep, reviews=form.reviews(), completed=form.is_completed
        )
    else:
        workflow.section_save(
            acting_user=request.user,
            pep=pep,
            key=key,
            answers=form.answers(),
            completed=form.is_completed,
        )


def _facts(pep: Pep, key: str, section: PepSection | None) -> list[dict]:
    """What the service already knows, shown read-only above the questions."""
    if key == "attendance":
        return attendance_rows(attendance_shown(pep, section))
    if key == "sen":
        return sen_rows(recorded_sen(pep))
    return []


def _targets(pep: Pep) -> list[PepTarget]:
    return list(pep.targets.prefetch_related("pp_requests"))


def _target_page(request: HttpRequest, pep: Pep, editable: bool) -> HttpResponse:
    """Add (?target=new), change (?target=<id>) or remove (&remove=yes) a SMART target."""
    if not editable:
        raise PermissionDenied
    wanted = request.GET["target"]
    if wanted != "new" and not wanted.isdigit():
        raise Http404
    target = None if wanted == "new" else get_object_or_404(pep.targets, pk=int(wanted))
    back = _section_url(pep, TARGETS.key)
    if target is not None and request.GET.get("remove") == "yes":
        return _target_remove(request, pep, target, back)
    initial = {name: getattr(target, name) for name in workflow.TARGET_FIELDS} if target else {}
    form = TargetForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.target_save(
                acting_user=request.user, pep=pep, data=form.cleaned_data, target=target
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Target saved")
            return redirect(back)
    heading = "Add a target" if target is None else "Change this target"
    return render(
        request,
        "form_page.html",
        {"form": form, "heading": heading, "caption": pep.child.display_name, "back_url": back},
    )


def _target_remove(request: HttpRequest, pep: Pep, target: PepTarget, back: str) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            workflow.target_delete(acting_user=request.user, pep=pep, target=target)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, "Target removed")
            return redirect(back)
    return render(
        request,
        "peps/target_remove.html",
        {"pep": pep, "target": target, "back_url": back, "error": error},
    )


# --- Submitting, reviewing, new versions -------------------------------------------------------


@login_required
@views_peps
def pep_submit(request: HttpRequest, pk: int) -> HttpResponse:
    pep = access.pep_get_for_user(request.user, pk)
    if not access.is_school_author(request.user, pep) or pep.status not in TO_COMPLETE:
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            workflow.pep_submit(acting_user=request.user, pep=pep)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, "PEP submitted to the Virtual School")
            return redirect(_detail(pep))
    sections = pep_sections(pep, with_rows=True)
    return render(
        request,
        "peps/submit.html",
        {
            "pep": pep,
            "title": pep_title(pep),
            "sections": sections,
            "incomplete": [v for v in sections if v.spec.required and v.status != "Completed"],
            "failing": _failing_checks(pep),
            "error": error,
            "user_can_edit": _editable_keys(request.user, pep, sections),
        },
    )


def _editable_keys(user, pep: Pep, sections) -> set[str]:
    return {view.spec.key for view in sections if access.can_edit_section(user, pep, view.spec.key)}


@login_required
@reviews_peps
def pep_review(request: HttpRequest, pk: int) -> HttpResponse:
    pep = access.pep_get_for_user(request.user, pk)
    if not access.can_review(request.user, pep):
        messages.info(request, "Only a submitted PEP can be reviewed")
        return redirect(_detail(pep))
    sections = pep_sections(pep, with_rows=True)
    form = ReviewForm(posted(request), sections=[view.spec for view in sections])
    if request.method == "POST" and form.is_valid():
        try:
            done = _decide(request, pep, form)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect(_detail(pep))
    return render(
        request,
        "peps/review.html",
        {
            "pep": pep,
            "title": pep_title(pep),
            "sections": sections,
            "form": form,
            "failing": _failing_checks(pep),
            "user_can_edit": _editable_keys(request.user, pep, sections),
        },
    )


def _decide(request: HttpRequest, pep: Pep, form: ReviewForm) -> str:
    data = form.cleaned_data
    if request.POST.get("action") == "return":
        workflow.pep_return(
            acting_user=request.user,
            pep=pep,
            reason=data["reason"],
            feedback=form.feedback(),
            rating=data["rating"],
        )
        return "PEP returned to the school"
    workflow.pep_approve(
        acting_user=request.user, pep=pep, rating=data["rating"], feedback=form.feedback()
    )
    return f"PEP approved and rated {pep.get_rating_display()}"


@login_required
@views_peps
def pep_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    pep = access.pep_get_for_user(request.user, pk)
    if not access.can_start_new_version(request.user, pep):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            new = workflow.pep_new_version(acting_user=request.user, pep=pep)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"Version {new.version} started")
            return redirect(_detail(new))
    return render(
        request,
        "peps/new_version.html",
        {"pep": pep, "title": pep_title(pep), "error": error},
    )


@login_required
@views_peps
def pep_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    # WeasyPrint is slow to import and noisy as it loads; only the PDF pages need it.
    from vschool.pdf import render_pdf

    pep = access.pep_get_for_user(request.user, pk)
    context = {
        "pep": pep,
        "title": pep_title(pep),
        "sections": pep_sections(pep, with_rows=True),
        "targets": list(pep.targets.all()),
        "today": timezone.localdate(),
    }
    response = HttpResponse(
        render_pdf("peps/pdf/pep.html", context), content_type="application/pdf"
    )
    # No name in the file name: downloads get shared, and their names end up in logs.
    filename = f"pep-{pep.pk}-{pep.term}-{pep.academic_year}-version-{pep.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- The child record's PEPs tab ---------------------------------------------------------------


@record_tab("peps/child_peps.html")
def _child_peps_tab(request: HttpRequest, child: Child, today) -> dict:
    peps = (
        access.peps_visible_to(request.user)
        .filter(child=child)
        .select_related("school", "rated_by")
        .order_by("-academic_year", "-due_date", "-version")
    )
    return {"peps": peps}


@login_required
@views_peps
def child_peps(request: HttpRequest, pk: int) -> HttpResponse:
    return _child_peps_tab(request, pk)


# --- Lists -------------------------------------------------------------------------------------


def _with_returns(peps: QuerySet[Pep]) -> QuerySet[Pep]:
    """Each PEP's returns, newest first, in one extra query for the whole page."""
    returns = PepTransition.objects.filter(to_status=PepStatus.RETURNED).order_by("-at", "-pk")
    return peps.prefetch_related(Prefetch("transitions", queryset=returns, to_attr="returns"))


def _page(request: HttpRequest, peps: QuerySet[Pep], param: str = "page"):
    return Paginator(peps, PAGE_SIZE).get_page(request.GET.get(param))


def _filters(request: HttpRequest, peps: QuerySet[Pep]) -> tuple[QuerySet[Pep], dict]:
    """The Virtual School's filters: term, status and school, from the query string."""
    term, status, school = (request.GET.get(name, "") for name in ("term", "status", "school"))
    year, _, name = term.partition("-")
    if year.isdigit() and name in {t.value for t in TermName}:
        peps = peps.filter(academic_year=int(year), term=name)
    if status in PepStatus.values:
        peps = peps.filter(status=status)
    if school.isdigit():
        peps = peps.filter(school_id=int(school))
    terms = (
        Pep.objects.order_by("-academic_year", "term")
        .values_list("academic_year", "term")
        .distinct()
    )
    options = {
        "terms": [
            (f"{y}-{t}", f"{t.capitalize()} term {academic_year_label(y)}") for y, t in terms
        ],
        "statuses": PepStatus.choices,
        "schools": School.objects.filter(pk__in=Pep.objects.values("school"))
        .order_by("name")
        .values_list("pk", "name"),
        "chosen": {"term": term, "status": status, "school": school},
        "filtered": any((term, status, school)),
    }
    return peps, options


@login_required
@views_peps
def pep_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = access.peps_visible_to(user).select_related("child", "school")
    context = {"today": timezone.localdate()}
    if access.is_virtual_school(user):
        queue = visible.filter(status=PepStatus.SUBMITTED).order_by("submitted_at", "pk")
        peps, options = _filters(request, visible.order_by("-due_date", "child__legal_last_name"))
        page = _page(request, peps)
        count = page.paginator.count
        context |= {
            "queue": _page(request, queue, "queue_page"),
            "page_obj": page,
            "all_caption": f"{count} PEP{'' if count == 1 else 's'}",
            "options": options,
        }
    elif user.role == Role.DESIGNATED_TEACHER:
        to_complete = visible.filter(status__in=TO_COMPLETE).order_by("due_date", "pk")
        done = visible.exclude(status__in=TO_COMPLETE).order_by("-due_date", "pk")
        context |= {
            "to_complete": _with_returns(to_complete),
            "page_obj": _page(request, done),
        }
    else:
        context["page_obj"] = _page(request, visible.order_by("-due_date", "pk"))
    return render(request, "peps/pep_list.html", context)
