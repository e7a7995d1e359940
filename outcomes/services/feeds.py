"""Writes for attendance and exclusions: receiving feed files, importing them, resolving held
rows. Celery tasks call these; so do the pages and the management commands."""

import hashlib
import time
from pathlib import Path

import pandas as pd
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from outcomes.feeds.attendance import apply_attendance
from outcomes.feeds.exclusions import apply_exclusions
from outcomes.feeds.layout import FeedColumns, read_feed
from outcomes.models import (
    AttendanceImport,
    FeedChildAlias,
    FeedKind,
    FeedMapping,
    HeldFeedRow,
    HeldStatus,
    ImportStatus,
)
from pupils.imports.common import UnreadableFile
from pupils.models import Child
from vschool.history import attributed

# Imports that change marks run one at a time (a transaction-scoped advisory lock), so two
# workers with overlapping files cannot interleave their reads and writes.
_FEED_LOCK = 0x76736368  # "vsch"


class DuplicateFeed(Exception):
    def __init__(self, earlier: AttendanceImport):
        super().__init__(f"This file was already received on {earlier.created_at:%d %B %Y}.")
        self.earlier = earlier


def feed_receive(
    *,
    kind: FeedKind,
    name: str,
    content: bytes,
    source: str,
    acting_user=None,
    mapping: FeedMapping | None = None,
    preview: bool = False,
) -> AttendanceImport:
    """Record a file. An upload is checked first (a preview the user confirms); a file from
    the inbox is queued for import at once. The same content twice is refused."""
    sha256 = hashlib.sha256(content).hexdigest()
    earlier = AttendanceImport.objects.filter(kind=kind, sha256=sha256).exclude(
        status__in=[ImportStatus.DISCARDED, ImportStatus.FAILED]
    )
    if earlier.exists():
        raise DuplicateFeed(earlier.first())
    feed = AttendanceImport.objects.create(
        kind=kind,
        status=ImportStatus.CHECKED if preview else ImportStatus.QUEUED,
        file=ContentFile(content, name=name),
        file_name=name,
        sha256=sha256,
        mapping=mapping,
        source=source,
        received_by=acting_user,
    )
    if preview:
        _check(feed)
    else:
        _enqueue(feed)
    return feed


def feed_confirm(*, feed: AttendanceImport, acting_user) -> None:
    """The user has seen the preview and wants the file imported."""
    updated = AttendanceImport.objects.filter(pk=feed.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.QUEUED, received_by=acting_user
    )
    if updated:
        _enqueue(feed)


def feed_discard(*, feed: AttendanceImport, acting_user) -> None:
    AttendanceImport.objects.filter(pk=feed.pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.DISCARDED, finished_at=timezone.now()
    )


def _evaluate_alerts(child_ids: list[int]) -> None:
    from outcomes.tasks import alerts_evaluate_task

    alerts_evaluate_task.delay_on_commit(child_ids)


def _enqueue(feed: AttendanceImport) -> None:
    from outcomes.tasks import feed_import  # the task module imports this one

    feed_import.delay_on_commit(feed.pk)


def _columns(feed: AttendanceImport) -> FeedColumns:
    return FeedColumns.for_mapping(feed.kind, feed.mapping)


def _apply(feed: AttendanceImport, *, write: bool):
    """Read and apply the file; None (with the feed marked failed) if it cannot be read."""
    with feed.file.open("rb") as handle:
        content = handle.read()
    columns = _columns(feed)
    try:
        frame = read_feed(feed.file_name, content, columns)
    except UnreadableFile as error:
        feed.status, feed.failure = ImportStatus.FAILED, str(error)
        feed.finished_at = timezone.now()
        feed.save(update_fields=["status", "failure", "finished_at"])
        return None
    apply = apply_attendance if feed.kind == FeedKind.ATTENDANCE else apply_exclusions
    return apply(frame, columns=columns, import_id=feed.pk, write=write)


def _record(feed: AttendanceImport, result) -> None:
    feed.held_rows.all().delete()
    HeldFeedRow.objects.bulk_create(
        HeldFeedRow(
            feed_import=feed,
            row_number=held["row"],
            data=held["data"],
            reason=held["reason"],
            unmatched=held["unmatched"],
        )
        for held in result.held
    )
    feed.counts = {**result.counts(), "warning_rows": result.warnings[:200]}


def _check(feed: AttendanceImport) -> None:
    result = _apply(feed, write=False)
    if result is not None:
        _record(feed, result)
        feed.save(update_fields=["counts"])


def feed_import_run(*, feed_id: int) -> list[int]:
    """Import a queued file, all or nothing, and return the children whose records changed.

    The feed row is locked for the whole transaction and skipped by any other worker; if the
    process dies, the transaction rolls back, the feed is still queued, and the re-delivered
    task (acks_late) imports it again from the start."""
    with transaction.atomic():
        feed = (
            AttendanceImport.objects.select_for_update(skip_locked=True)
            .filter(pk=feed_id, status=ImportStatus.QUEUED)
            .first()
        )
        if feed is None:
            return []
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK])
        with attributed(acting_user=feed.received_by, source=f"Welfare Call import #{feed.pk}"):
            result = _apply(feed, write=True)
        if result is None:
            return []
        _record(feed, result)
        feed.status, feed.finished_at = ImportStatus.IMPORTED, timezone.now()
        feed.save(update_fields=["status", "finished_at", "counts"])
        return sorted(result.children)


def held_rows_link(*, held: HeldFeedRow, child: Child, acting_user) -> int:
    """Apply an unmatched row, and every other held row with the same identifiers, to the
    child the caseworker chose; returns how many rows were applied."""
    # Only rows of imported files: a checked or discarded file has applied nothing.
    same = HeldFeedRow.objects.select_for_update(of=("self",)).filter(
        unmatched=True,
        status=HeldStatus.HELD,
        feed_import__status=ImportStatus.IMPORTED,
        feed_import__kind=held.feed_import.kind,
        data__la_child_id=held.data.get("la_child_id", ""),
        data__upn=held.data.get("upn", ""),
    )
    with transaction.atomic(), attributed(acting_user=acting_user, source="Held rows linked"):
        rows = list(same.select_related("feed_import__mapping"))
        applied = 0
        for feed in {row.feed_import for row in rows}:
            mine = [row for row in rows if row.feed_import_id == feed.pk]
            applied += _apply_linked(feed, mine, child, acting_user)
        _remember_alias(held.data.get("la_child_id", ""), child, acting_user)
        if applied:
            _evaluate_alerts([child.pk])
        return applied


def _remember_alias(feed_child_id: str, child: Child, acting_user) -> None:
    """The feed's own identifier for the child, so tomorrow's file matches without help."""
    if feed_child_id and feed_child_id != child.la_child_id:
        FeedChildAlias.objects.update_or_create(
            feed_child_id=feed_child_id, defaults={"child": child, "created_by": acting_user}
        )


def _apply_linked(feed: AttendanceImport, rows: list[HeldFeedRow], child, acting_user) -> int:
    frame = pd.DataFrame([row.data for row in rows], index=[row.row_number for row in rows])
    columns = _columns(feed)
    ids = pd.Series(child.pk, index=frame.index)
    apply = apply_attendance if feed.kind == FeedKind.ATTENDANCE else apply_exclusions
    result = apply(frame, columns=columns, import_id=feed.pk, write=True, child_ids=ids)
    still_held = {held["row"]: held["reason"] for held in result.held}
    now = timezone.now()
    for row in rows:
        if row.row_number in still_held:
            row.reason, row.unmatched = still_held[row.row_number], False
        else:
            row.status, row.linked_child, row.resolved_by, row.resolved_at = (
                HeldStatus.LINKED,
                child,
                acting_user,
                now,
            )
    HeldFeedRow.objects.bulk_update(
        rows, ["reason", "unmatched", "status", "linked_child", "resolved_by", "resolved_at"]
    )
    return len(rows) - len(still_held)


def held_row_dismiss(*, held: HeldFeedRow, acting_user, note: str) -> None:
    HeldFeedRow.objects.filter(pk=held.pk, status=HeldStatus.HELD).update(
        status=HeldStatus.DISMISSED,
        resolved_by=acting_user,
        resolved_at=timezone.now(),
        resolution_note=note,
    )


# --- The inbox ---------------------------------------------------------------------------------
# Files put in IMPORT_INBOX_DIR (by SFTP, say) are received and queued; the file is then moved
# to received/ (or duplicates/ if its content was seen before), so each is collected once.

_SETTLING_SECONDS = 60  # a file still being written is left for the next collection


def inbox_collect(*, inbox: Path, now: float | None = None) -> list[AttendanceImport]:
    inbox.mkdir(parents=True, exist_ok=True)
    now = now if now is not None else time.time()
    received = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_FEED_LOCK + 1])
            if not cursor.fetchone()[0]:
                return []  # another worker is collecting
        for path in sorted(inbox.iterdir()):
            if not path.is_file() or path.name.startswith("."):
                continue
            if now - path.stat().st_mtime < _SETTLING_SECONDS:
                continue
            received += _collect_one(path, inbox)
    return received


def _collect_one(path: Path, inbox: Path) -> list[AttendanceImport]:
    content = path.read_bytes()
    try:
        with transaction.atomic():
            feed = feed_receive(
                kind=feed_kind_of(content), name=path.name, content=content, source="inbox"
            )
    except DuplicateFeed:
        transaction.on_commit(lambda: _move(path, inbox / "duplicates"))
        return []
    # Moved only once the import record is committed, so a failure leaves it in the inbox.
    transaction.on_commit(lambda: _move(path, inbox / "received"))
    return [feed]


def feed_kind_of(content: bytes) -> FeedKind:
    """A suspensions file has a Type and a Start Date column; anything else is attendance."""
    header = content[:2000].decode("utf-8", errors="replace").splitlines()[:1]
    columns = {cell.strip().strip('"').lower() for cell in (header[0] if header else "").split(",")}
    return FeedKind.EXCLUSIONS if {"type", "start date"} <= columns else FeedKind.ATTENDANCE


def _move(path: Path, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists():
        target = folder / f"{path.stem}-{int(time.time())}{path.suffix}"
    path.rename(target)
