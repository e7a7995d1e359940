"""Import a Welfare Call file now, or collect the inbox (what the 07:00 schedule does)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from outcomes.models import AttendanceImport, FeedMapping, ImportStatus
from outcomes.services import feeds
from outcomes.services.alerts import alerts_evaluate


class Command(BaseCommand):
    help = "Import a Welfare Call attendance or exclusions file, or collect the inbox."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the file; omit with --inbox")
        parser.add_argument("--inbox", action="store_true", help="collect IMPORT_INBOX_DIR")
        parser.add_argument("--mapping", help="the name of a saved layout")

    def handle(self, *args, path: str | None, inbox: bool, mapping: str | None, **options):
        if inbox:
            queued = feeds.inbox_collect(inbox=settings.IMPORT_INBOX_DIR)
            self.stdout.write(f"Queued {len(queued)} file(s) from {settings.IMPORT_INBOX_DIR}.")
            return
        if not path:
            raise CommandError("Give a file to import, or --inbox.")
        self._import(Path(path), mapping)

    def _import(self, path: Path, mapping_name: str | None) -> None:
        mapping = FeedMapping.objects.filter(name=mapping_name).first() if mapping_name else None
        if mapping_name and mapping is None:
            raise CommandError(f"There is no saved layout called {mapping_name!r}.")
        content = path.read_bytes()
        kind = mapping.kind if mapping else feeds.feed_kind_of(content)
        try:
            feed = feeds.feed_receive(
                kind=kind, name=path.name, content=content, source="command", mapping=mapping
            )
        except feeds.DuplicateFeed as duplicate:
            raise CommandError(str(duplicate)) from None
        changed = feeds.feed_import_run(feed_id=feed.pk)
        # Straight away, as the worker would after a queued import.
        alerts_evaluate(child_ids=changed, today=timezone.localdate())
        feed = AttendanceImport.objects.get(pk=feed.pk)
        if feed.status == ImportStatus.FAILED:
            raise CommandError(feed.failure)
        counts = ", ".join(
            f"{k.replace('_', ' ')} {v}" for k, v in feed.counts.items() if isinstance(v, int)
        )
        self.stdout.write(f"Imported {path.name}: {counts}.")
        for held in feed.held_rows.all()[:20]:
            self.stdout.write(f"  row {held.row_number}: {held.reason}")
