"""Generate the demo Virtual School (made-up children and schools). Never run it against a
database that holds real children: --reset deletes every child and school."""

import time

from django.core.management.base import BaseCommand, CommandError

from pupils.demo import demo_children_exist, demo_data_delete, demo_school_generate


class Command(BaseCommand):
    help = (
        "Generate a realistic, reproducible demo Virtual School. Does nothing when there are "
        "children already, unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=400, help="how many (default 400)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same school")
        parser.add_argument(
            "--reset", action="store_true", help="delete every child and school first"
        )

    def handle(self, *args, children: int, seed: int, reset: bool, **options):
        if children < 1:
            raise CommandError("--children must be at least 1")
        if reset:
            demo_data_delete()
        elif demo_children_exist():
            self.stdout.write(
                "There are children already: no demo data added (--reset replaces them)."
            )
            return
        started = time.monotonic()
        try:
            summary = demo_school_generate(children=children, seed=seed)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        rows = summary.rows
        self.stdout.write(
            f"Demo Virtual School (seed {seed}): {summary.children} children, "
            f"{summary.schools} schools, {rows['episodes']} care episodes, "
            f"{rows['enrolments']} enrolments, in {time.monotonic() - started:.1f} s."
        )
        self.stdout.write(
            f"  caseworker@example.org: {summary.caseworker_children} children on their caseload\n"
            f"  socialworker@example.org: {summary.social_worker_children} children allocated\n"
            f"  teacher@example.org: designated teacher at {summary.teacher_school} "
            f"({summary.teacher_children} children on roll)"
        )
