"""Import an SSDA903 extract (header.csv and episodes.csv) from the command line: check and
import in one go, printing what was done and the rows held back."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pupils.imports import UnreadableFile, import_from_paths
from pupils.imports.report import summary_lines
from pupils.models import ImportKind


class Command(BaseCommand):
    help = "Import children and care episodes from an SSDA903 extract."

    def add_arguments(self, parser):
        parser.add_argument("--header", required=True, type=Path, help="header.csv")
        parser.add_argument("--episodes", required=True, type=Path, help="episodes.csv")

    def handle(self, *args, header: Path, episodes: Path, **options):
        for path in (header, episodes):
            if not path.is_file():
                raise CommandError(f"{path} does not exist")
        try:
            run = import_from_paths(
                kind=ImportKind.SSDA903, paths={"header": header, "episodes": episodes}
            )
        except UnreadableFile as error:
            raise CommandError(str(error)) from error
        self.stdout.write("\n".join(summary_lines(run)))
