"""The life of an import: check (a full dry run, undone, so the user sees exactly what will
happen), then import for real or discard.

The files are kept between the check and the import, minimised to the columns the import reads.
The import re-computes everything from them in one transaction, so a record changed in the
meantime is handled as it stands then, and a failure leaves nothing half done.
"""

from pathlib import Path
from types import ModuleType

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from pupils.imports import gias, ssda903
from pupils.imports.common import FileSpec, Outcome, Table, UnreadableFile, sha256_of
from pupils.models import HeldRow, ImportFile, ImportKind, ImportRun, ImportStatus

IMPORTERS: dict[str, ModuleType] = {ImportKind.SSDA903: ssda903, ImportKind.GIAS: gias}
SOURCE_NAMES = {ImportKind.SSDA903: "SSDA903 import", ImportKind.GIAS: "GIAS import"}

__all__ = [
    "ImportNotWaiting",
    "UnreadableFile",
    "file_specs",
    "import_check",
    "import_commit",
    "import_discard",
    "import_from_paths",
    "import_read_file",
]


class ImportNotWaiting(Exception):
    """The run was already imported or discarded (by another request, say)."""


def file_specs(kind: str) -> tuple[FileSpec, ...]:
    return IMPORTERS[kind].FILES


def import_read_file(*, kind: str, role: str, name: str, content: bytes) -> Table:
    """Read one file of an import; raises UnreadableFile with a message for the user."""
    importer = IMPORTERS[kind]
    spec = next(spec for spec in importer.FILES if spec.role == role)
    return importer.read(spec, name, content)


def _source(run: ImportRun) -> str:
    return f"{SOURCE_NAMES[run.kind]} #{run.pk}"


def import_check(
    *, kind: str, files: dict[str, tuple[str, bytes]], acting_user, source: str = "Upload"
) -> ImportRun:
    """Store the files and work out what importing them would do, changing nothing else.
    `files` maps each role (e.g. "header") to (file name, content). Raises UnreadableFile,
    storing nothing, if a file cannot be read or lacks a column."""
    tables = {
        role: import_read_file(kind=kind, role=role, name=name, content=content)
        for role, (name, content) in files.items()
    }
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            status=ImportStatus.CHECKED,
            started_by=acting_user,
            source=source,
            file_names=[name for name, _ in files.values()],
            sha256=sha256_of(*(content for _, content in files.values())),
        )
        for role, table in tables.items():
            stored = ContentFile(table.to_csv_bytes(), name=f"run-{run.pk}-{role}.csv")
            ImportFile.objects.create(run=run, role=role, name=table.name, content=stored)
        with transaction.atomic():
            outcome = IMPORTERS[kind].apply(tables, acting_user=acting_user, source=_source(run))
            transaction.set_rollback(True)  # a dry run: undo every write but keep the answer
        _record(run, outcome)
    return run


def import_commit(*, run: ImportRun, acting_user) -> ImportRun:
    """Import a checked run for real, all or nothing. The run is locked first, so two requests
    (a double click) cannot import it twice."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        _require_waiting(run)
        tables = _stored_tables(run)
        outcome = IMPORTERS[run.kind].apply(tables, acting_user=acting_user, source=_source(run))
        _record(run, outcome)
        run.status = ImportStatus.IMPORTED
        run.imported_at = timezone.now()
        run.save(update_fields=["status", "imported_at"])
        _forget_files(run)
    return run


def import_discard(*, run: ImportRun, acting_user) -> ImportRun:
    """Drop a checked run: nothing is imported, and its files and held rows are deleted."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        _require_waiting(run)
        run.held_rows.all().delete()
        run.status = ImportStatus.DISCARDED
        run.save(update_fields=["status"])
        _forget_files(run)
    return run


def import_from_paths(*, kind: str, paths: dict[str, Path], acting_user=None) -> ImportRun:
    """The command line: check and import in one go."""
    files = {role: (path.name, path.read_bytes()) for role, path in paths.items()}
    run = import_check(kind=kind, files=files, acting_user=acting_user, source="Command line")
    return import_commit(run=run, acting_user=acting_user)


def _require_waiting(run: ImportRun) -> None:
    if run.status != ImportStatus.CHECKED:
        raise ImportNotWaiting(f"This import has already been {run.get_status_display().lower()}")


def _stored_tables(run: ImportRun) -> dict[str, Table]:
    tables = {}
    for stored in run.files.all():
        with stored.content.open("rb") as handle:
            content = handle.read()
        tables[stored.role] = import_read_file(
            kind=run.kind, role=stored.role, name=stored.name, content=content
        )
    return tables


def _record(run: ImportRun, outcome: Outcome) -> None:
    run.counts = outcome.counts()
    run.save(update_fields=["counts"])
    run.held_rows.all().delete()
    HeldRow.objects.bulk_create(
        [
            HeldRow(
                run=run,
                file_name=held.file_name,
                row_number=held.row.number,
                data=held.row.values,
                reason=held.reason,
            )
            for held in outcome.held
        ],
        batch_size=1000,
    )


def _forget_files(run: ImportRun) -> None:
    """Uploaded files are kept only until the run is imported or discarded; the held rows keep
    what is needed after that. The stored files go once the transaction has committed."""
    stored = list(run.files.all())
    run.files.all().delete()

    def delete_contents() -> None:
        for file in stored:
            file.content.delete(save=False)

    transaction.on_commit(delete_contents)
