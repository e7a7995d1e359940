"""Import schools from a GIAS establishment CSV from the command line: check and import in one
go, printing what was done and the rows held back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pupils.imports import UnreadableFile, import_from_paths
from pupils.imports.report import summary_lines
from pupils.models import ImportKind


class Command(BaseCommand):
    help = "Import schools from a GIAS establishment CSV file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The GIAS establishment CSV file")

    def handle(self, *args, path: Path, **options):
        if not path.is_file():
            raise CommandError(f"{path} does not exist")
        try:
            run = import_from_paths(kind=ImportKind.GIAS, paths={"establishments": path})
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(summary_lines(run)))
