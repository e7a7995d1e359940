"""The Welfare Call import pages: the history of files, an upload with a check before anything
changes, each file's report and held rows (as CSV too), and the children the feed names whom
we do not know, to link to a child or dismiss. Virtual School staff and administrators only."""

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods

from outcomes.feed_forms import (
    SEARCH_RESULTS,
    FeedUploadForm,
    HeldRowDismissForm,
    HeldRowLinkForm,
    children_matching,
)
from outcomes.feeds.layout import FeedColumns
from outcomes.models import AttendanceImport, FeedKind, HeldFeedRow, HeldStatus, ImportStatus
from outcomes.services import feeds as feed_services
from outcomes.services.feeds import (
    DuplicateFeed,
    feed_confirm,
    feed_discard,
    feed_receive,
    held_rows_link,
)
from pupils.access import children_visible_to
from pupils.imports.common import long_date, spreadsheet_safe

PERMISSION = "outcomes.import_feeds"
FEEDS_PER_PAGE = 25
HELD_ROWS_PER_PAGE = 50
STATUS_COLOURS = {
    ImportStatus.CHECKED: "blue",
    ImportStatus.QUEUED: "light-blue",
    ImportStatus.RUNNING: "light-blue",
    ImportStatus.IMPORTED: "green",
    ImportStatus.DISCARDED: "grey",
    ImportStatus.FAILED: "red",
}
# The counts each kind of file stores, as the report reads them: (key, before, after import).
COUNT_LABELS = {
    FeedKind.ATTENDANCE: (
        ("rows_read", "Rows read", "Rows read"),
        ("marks_created", "Marks that would be created", "Marks created"),
        ("marks_updated", "Marks that would be changed", "Marks changed"),
        ("marks_unchanged", "Marks already on record", "Marks unchanged"),
        ("rows_held", "Rows held (not applied)", "Rows held (not applied)"),
        ("unmatched", "Rows for a child not on record", "Rows for a child not on record"),
        ("warnings", "Rows to check (applied with a warning)", "Rows applied with a warning"),
    ),
    FeedKind.EXCLUSIONS: (
        ("rows_read", "Rows read", "Rows read"),
        ("created", "Suspensions that would be added", "Suspensions added"),
        ("updated", "Suspensions that would be changed", "Suspensions changed"),
        ("unchanged", "Suspensions already on record", "Suspensions unchanged"),
        ("rows_held", "Rows held (not applied)", "Rows held (not applied)"),
        ("unmatched", "Rows for a child not on record", "Rows for a child not on record"),
        ("warnings", "Rows applied with a warning", "Rows applied with a warning"),
    ),
}
# Created, updated and unchanged, whichever kind of file: for the history table.
_TALLY_KEYS = {
    FeedKind.ATTENDANCE: ("marks_created", "marks_updated", "marks_unchanged"),
    FeedKind.EXCLUSIONS: ("created", "updated", "unchanged"),
}


def _guarded(view):
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


def _status_tag(feed: AttendanceImport) -> dict:
    return {"text": feed.get_status_display(), "colour": STATUS_COLOURS.get(feed.status, "grey")}


# --- The history ----------------------------------------------------------------------------


@_guarded
def feed_list(request):
    feeds = AttendanceImport.objects.select_related("received_by")
    page = Paginator(feeds, FEEDS_PER_PAGE).get_page(request.GET.get("page"))
    for feed in page:
        feed.tag = _status_tag(feed)
        feed.tally = dict(
            zip(
                ("created", "updated", "unchanged"),
                (feed.counts.get(key, 0) for key in _TALLY_KEYS[feed.kind]),
                strict=True,
            )
        )
    context = {
        "page_obj": page,
        "inbox": settings.IMPORT_INBOX_DIR,
        "unmatched_rows": _open_unmatched().count(),
    }
    return render(request, "outcomes/feeds/list.html", context)


# --- Upload, check, import or discard --------------------------------------------------------


@_guarded
@require_http_methods(["GET", "POST"])
def feed_upload(request):
    form = FeedUploadForm(request.POST or None, request.FILES or None)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            feed = feed_receive(
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["file"].name,
                content=form.content,
                source="upload",
                acting_user=request.user,
                mapping=form.cleaned_data["mapping"],
                preview=True,
            )
        except DuplicateFeed as error:
            duplicate = error.earlier
            form.add_error("file", _already_received(duplicate))
        else:
            return redirect("outcomes:feed_detail", pk=feed.pk)
    return render(request, "outcomes/feeds/upload.html", {"form": form, "duplicate": duplicate})


def _already_received(earlier: AttendanceImport) -> str:
    when = timezone.localtime(earlier.created_at)
    return (
        f"This file was already received on {date_format(when, 'j F Y')} at "
        f"{date_format(when, 'H:i')} ({earlier.get_status_display().lower()})"
    )


@_guarded
@require_http_methods(["GET", "POST"])
def feed_detail(request, pk: int):
    feed = get_object_or_404(AttendanceImport.objects.select_related("received_by"), pk=pk)
    if request.method == "POST":
        return _decide(request, feed)
    checked = feed.status == ImportStatus.CHECKED
    held = feed.held_rows.select_related("linked_child")
    page = Paginator(held, HELD_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "feed": feed,
        "tag": _status_tag(feed),
        "checked": checked,
        "waiting": feed.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "counts": _count_rows(feed, before=checked or feed.status != ImportStatus.IMPORTED),
        "warnings": feed.counts.get("warning_rows", []),
        "page_obj": page,
        "held_rows": [_held_row(feed, row) for row in page],
        "unmatched_open": _open_unmatched().filter(feed_import=feed).exists(),
        "unmatched_later": checked and feed.counts.get("unmatched", 0) > 0,
    }
    return render(request, "outcomes/feeds/detail.html", context)


def _decide(request, feed: AttendanceImport):
    action = request.POST.get("action")
    if feed.status != ImportStatus.CHECKED:
        messages.error(request, "This file has already been imported or discarded")
    elif action == "import":
        feed_confirm(feed=feed, acting_user=request.user)
        messages.success(request, "The file is being imported")
    elif action == "discard":
        feed_discard(feed=feed, acting_user=request.user)
        messages.success(request, "The file was discarded: nothing was changed")
    return redirect("outcomes:feed_detail", pk=feed.pk)


def _count_rows(feed: AttendanceImport, *, before: bool) -> list[dict]:
    if not feed.counts:
        return []
    return [
        {"key": would if before else did, "value": f"{feed.counts.get(key, 0):,}"}
        for key, would, did in COUNT_LABELS[feed.kind]
    ]


@dataclass
class HeldRowView:
    number: int
    reason: str
    identifiers: str
    when: str
    codes: str
    status: str = ""
    child: str = ""


def _held_row(feed: AttendanceImport, held: HeldFeedRow) -> HeldRowView:
    data = held.data
    ids = [f"LA child ID {data.get('la_child_id') or 'not given'}"]
    if data.get("upn"):
        ids.append(f"UPN {data['upn']}")
    if data.get("urn"):
        ids.append(f"school URN {data['urn']}")
    if feed.kind == FeedKind.EXCLUSIONS:
        when = " to ".join(d for d in (data.get("start_date"), data.get("end_date")) if d)
        reasons = [data.get(f"reason_{n}", "") for n in (1, 2, 3)]
        codes = " ".join(c for c in [data.get("type", ""), *reasons] if c)
    else:
        when = data.get("date", "")
        codes = f"AM {data.get('am') or '–'}, PM {data.get('pm') or '–'}"
    return HeldRowView(
        number=held.row_number,
        reason=held.reason,
        identifiers=", ".join(ids),
        when=when,
        codes=codes,
        status="" if held.status == HeldStatus.HELD else held.get_status_display(),
        child=held.linked_child.display_name if held.linked_child else "",
    )


@_guarded
def feed_held_rows_csv(request, pk: int):
    """The held rows under the file's own column headings, so they can be corrected and sent
    again; every cell is escaped, since the file's text may start like a formula."""
    feed = get_object_or_404(AttendanceImport.objects.select_related("mapping"), pk=pk)
    headings = FeedColumns.for_mapping(feed.kind, feed.mapping).headings
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{feed.kind}-import-{feed.pk}-held-rows.csv"'
    )
    response.write("\ufeff")  # so that Excel reads the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(["Row", "Reason", *headings.values()])
    for held in feed.held_rows.iterator():
        cells = [held.row_number, held.reason, *(held.data.get(f, "") for f in headings)]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return response


# --- Children the feed names whom we do not know -----------------------------------------------


def _open_unmatched():
    """Rows of imported files only: a file still being checked, or discarded, has applied
    nothing, so its rows are not the caseworker's to resolve."""
    return HeldFeedRow.objects.filter(
        unmatched=True, status=HeldStatus.HELD, feed_import__status=ImportStatus.IMPORTED
    )


def _same_child(held: HeldFeedRow):
    """The open unmatched rows that name the same child, as held_rows_link links them: the
    same kind of file, LA child ID and UPN."""
    return _open_unmatched().filter(
        feed_import__kind=held.feed_import.kind,
        data__la_child_id=held.data.get("la_child_id", ""),
        data__upn=held.data.get("upn", ""),
    )


@dataclass
class UnmatchedChild:
    """The rows naming one child we do not know, as the unmatched list shows them."""

    kind: str
    la_child_id: str
    upn: str
    first: HeldFeedRow
    name: str = ""
    dob: str = ""
    days: list[date] = field(default_factory=list)
    rows: int = 0

    @property
    def kind_label(self) -> str:
        return FeedKind(self.kind).label

    @property
    def dates(self) -> str:
        if not self.days:
            return "Not given"
        first, last = min(self.days), max(self.days)
        if first == last:
            return long_date(first)
        return f"{long_date(first)} to {long_date(last)}"


def _parse_day(text: str, date_format_: str) -> date | None:
    try:
        return datetime.strptime(text, date_format_).date()
    except (TypeError, ValueError):
        return None


def unmatched_children(rows: Iterable[HeldFeedRow]) -> list[UnmatchedChild]:
    groups: dict[tuple[str, str, str], UnmatchedChild] = {}
    for held in rows:
        kind, data = held.feed_import.kind, held.data
        key = (kind, data.get("la_child_id", ""), data.get("upn", ""))
        group = groups.get(key)
        if group is None:
            group = groups[key] = UnmatchedChild(kind, key[1], key[2], first=held)
        group.rows += 1
        name = " ".join(p for p in (data.get("forename"), data.get("surname")) if p)
        group.name = group.name or name
        group.dob = group.dob or data.get("dob", "")
        mapping = held.feed_import.mapping
        written = mapping.date_format if mapping else "%d/%m/%Y"
        for key_name in ("date", "start_date", "end_date"):
            day = _parse_day(data.get(key_name, ""), written)
            if day:
                group.days.append(day)
    return list(groups.values())


@_guarded
def unmatched_list(request):
    rows = _open_unmatched().select_related("feed_import__mapping").order_by("pk")
    groups = unmatched_children(rows)
    page = Paginator(groups, FEEDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "outcomes/feeds/unmatched.html", {"page_obj": page})


def _held_for_resolving(pk: int) -> tuple[HeldFeedRow, UnmatchedChild]:
    held = get_object_or_404(_open_unmatched().select_related("feed_import__mapping"), pk=pk)
    rows = _same_child(held).select_related("feed_import__mapping")
    return held, unmatched_children(rows)[0]


@_guarded
@require_http_methods(["GET", "POST"])
def held_row_link(request, pk: int):
    held, group = _held_for_resolving(pk)
    source = request.POST if request.method == "POST" else request.GET
    search = source.get("q", group.name.split(" ")[-1] if group.name else group.la_child_id)
    found = children_matching(children_visible_to(request.user), search)[:SEARCH_RESULTS]
    found_ids = list(found.values_list("pk", flat=True))
    children = children_visible_to(request.user).filter(pk__in=found_ids)
    form = HeldRowLinkForm(
        request.POST if request.method == "POST" else None,
        children=children,
        initial={"q": search},
    )
    if request.method == "POST" and form.is_valid():
        child = form.cleaned_data["child"]
        applied = held_rows_link(held=held, child=child, acting_user=request.user)
        messages.success(
            request, f"{applied} row{'s' if applied != 1 else ''} applied to {child.display_name}"
        )
        return redirect("outcomes:unmatched_list")
    context = {"held": held, "group": group, "form": form, "search": search, "found": found_ids}
    return render(request, "outcomes/feeds/link.html", context)


@_guarded
@require_http_methods(["GET", "POST"])
def held_row_dismiss(request, pk: int):
    held, group = _held_for_resolving(pk)
    form = HeldRowDismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rows = list(_same_child(held))
        # One decision for every row naming this child, as linking does.
        with transaction.atomic():
            for row in rows:
                feed_services.held_row_dismiss(
                    held=row, acting_user=request.user, note=form.cleaned_data["note"]
                )
        messages.success(request, f"{len(rows)} row{'s' if len(rows) != 1 else ''} dismissed")
        return redirect("outcomes:unmatched_list")
    return render(
        request, "outcomes/feeds/dismiss.html", {"held": held, "group": group, "form": form}
    )
