"""Import pages: the history of imports, the uploads, the preview (then import or discard) and
the report, with the held rows as CSV. Virtual School staff and administrators only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from pupils.imports import (
    ImportNotWaiting,
    UnreadableFile,
    file_specs,
    import_check,
    import_commit,
    import_discard,
)
from pupils.imports.common import ordered_columns, write_held_rows_csv
from pupils.imports.forms import GiasUploadForm, Ssda903UploadForm
from pupils.imports.report import count_rows, derived_rows, problem_rows
from pupils.models import ImportKind, ImportRun, ImportStatus

PERMISSION = "pupils.import_data"
RUNS_PER_PAGE = 25
HELD_ROWS_PER_PAGE = 50
STATUS_COLOURS = {
    ImportStatus.CHECKED: "blue",
    ImportStatus.IMPORTED: "green",
    ImportStatus.DISCARDED: "grey",
    ImportStatus.FAILED: "red",
}


def _file_columns(run: ImportRun) -> list[str]:
    return [column for spec in file_specs(run.kind) for column in spec.columns]


def _guarded(view):
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


@_guarded
def import_list(request):
    runs = ImportRun.objects.select_related("started_by")
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    for run in page:
        run.status_colour = STATUS_COLOURS.get(run.status, "grey")
    return render(request, "pupils/imports/list.html", {"page_obj": page})


def _upload(request, form_class, template: str):
    posted = request.method == "POST"
    form = form_class(request.POST, request.FILES) if posted else form_class()
    if posted and form.is_valid():
        try:
            run = import_check(kind=form.kind, files=form.uploads, acting_user=request.user)
        except UnreadableFile as error:  # the form read the files; this is a last resort
            form.add_error(None, str(error))
        else:
            return redirect("pupils:import_detail", pk=run.pk)
    return render(request, template, {"form": form})


@_guarded
@require_http_methods(["GET", "POST"])
def import_ssda903_upload(request):
    return _upload(request, Ssda903UploadForm, "pupils/imports/upload_ssda903.html")


@_guarded
@require_http_methods(["GET", "POST"])
def import_gias_upload(request):
    return _upload(request, GiasUploadForm, "pupils/imports/upload_gias.html")


@_guarded
@require_http_methods(["GET", "POST"])
def import_detail(request, pk: int):
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
    if request.method == "POST":
        return _decide(request, run)
    page = Paginator(run.held_rows.all(), HELD_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    columns = _file_columns(run)
    for held in page:
        held.values_text = ", ".join(
            f"{column}: {held.data[column]}"
            for column in ordered_columns(held.data, columns)
            if held.data[column]
        )
    context = {
        "run": run,
        "status_colour": STATUS_COLOURS.get(run.status, "grey"),
        "totals": count_rows(run.counts),
        "files": [
            {"label": tally["label"], "rows": count_rows(tally)}
            for tally in run.counts.get("files", [])
        ],
        "derived": derived_rows(run),
        "held_count": f"{page.paginator.count:,}",
        "problem_head": [{"text": "Problem"}, {"text": "Rows", "numeric": True}],
        "problems": problem_rows(run),
        "page_obj": page,
        "is_ssda903": run.kind == ImportKind.SSDA903,
    }
    return render(request, "pupils/imports/detail.html", context)


def _decide(request, run: ImportRun):
    action = request.POST.get("action")
    try:
        if action == "import":
            run = import_commit(run=run, acting_user=request.user)
            messages.success(request, "The records have been imported")
        elif action == "discard":
            import_discard(run=run, acting_user=request.user)
            messages.success(request, "The import has been discarded: nothing was changed")
    except ImportNotWaiting as error:
        messages.error(request, str(error))
    return redirect("pupils:import_detail", pk=run.pk)


@_guarded
def import_held_rows_csv(request, pk: int):
    run = get_object_or_404(ImportRun, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-held-rows.csv"'
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    write_held_rows_csv(response, lambda: run.held_rows.all().iterator(), _file_columns(run))
    return response
