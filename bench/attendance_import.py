"""Welfare Call attendance import at the scale of a large authority.

Generates a year's daily feed for 2,000 children (190 school days, 380,000 rows, 760,000
marks) and prints, in one run:
- our import's marks per second for the whole pipeline (read the CSV, validate, match
  children, write), and a raw PostgreSQL COPY of the same marks into a bare table with the
  same columns, and their ratio (aim: at least 0.15, keeping the foreign key to the child
  and the key per child, date and session);
- the time of a one-day file, and of re-importing the unchanged year;
- the time of a term's cohort attendance summary at 2,000 and 20,000 children (aim: ratio
  under 12).

Run with `make bench` (or `.venv/bin/python bench/attendance_import.py`). It uses its own
database, vschool_bench_attendance, which it recreates.
"""

import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "vschool_bench_attendance"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vschool.settings")

import django  # noqa: E402
import psycopg2  # noqa: E402

CODES = ["/"] * 40 + ["L", "I", "M", "N", "O", "C2", "E", "B", "D", "U"]


def recreate_database() -> None:
    connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def school_days(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def seed_children(count: int, first: int = 0) -> None:
    from pupils.models import Child, School

    School.objects.get_or_create(
        urn="900001", defaults={"la_code": "999", "name": "Bench School", "phase": "secondary"}
    )
    Child.objects.bulk_create(
        (
            Child(la_child_id=f"B{first + n:06d}", date_of_birth=date(2012, 1, 1))
            for n in range(count)
        ),
        batch_size=5000,
    )


def feed_csv(children: int, days: list[date], seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    lines = ["LA Child ID,UPN,Forename,Surname,DOB,School URN,Date,AM,PM,Absence Reason,Comments"]
    for n in range(children):
        for day in days:
            am, pm = rnd.choice(CODES), rnd.choice(CODES)
            pm = "\\" if pm == "/" else pm
            reason = "Unwell" if "I" in (am, pm) else ""
            lines.append(f"B{n:06d},,,,,900001,{day:%d/%m/%Y},{am},{pm},{reason},")
    return ("\n".join(lines) + "\n").encode()


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def import_file(content: bytes, name: str) -> dict:
    from django.db import transaction

    from outcomes.feeds.attendance import apply_attendance
    from outcomes.feeds.layout import FeedColumns, read_feed

    columns = FeedColumns.for_mapping("attendance", None)
    with transaction.atomic():
        frame = read_feed(name, content, columns)
        result = apply_attendance(frame, columns=columns, import_id=1)
    return result.counts()


def raw_copy(content: bytes) -> float:
    """COPY of the same marks, already resolved to child and school ids, into a bare table
    of the same columns: the floor for writing them."""
    from django.db import connection

    from pupils.models import Child

    ids = dict(Child.objects.values_list("la_child_id", "id"))
    rows = io.StringIO()
    for line in content.decode().splitlines()[1:]:
        cells = line.split(",")
        day, month, year = cells[6].split("/")
        rows.write(
            f"{ids[cells[0]]},{year}-{month}-{day},1,{cells[7]},{cells[8]},{cells[9]},"
            f"{cells[10]},1\n"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bare_attendance (child_id bigint, date date, school_id bigint,"
            " am varchar(3), pm varchar(3), reason text, comments text, source_import_id bigint)"
        )
    rows.seek(0)

    def copy():
        with connection.cursor() as cursor:
            cursor.copy_expert(
                "COPY bare_attendance FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (am, pm,"
                " reason, comments))",
                rows,
            )

    from django.db import transaction

    with transaction.atomic():
        elapsed = timed(copy)
    return elapsed


def summary_time(children: int, term: tuple[date, date]) -> float:
    from outcomes.figures import cohort_attendance
    from pupils.models import Child

    cohort = Child.objects.all()
    cohort_attendance(cohort, *term)  # warm up
    runs = sorted(timed(lambda: cohort_attendance(cohort, *term)) for _ in range(3))
    print(f"  term summary at {children:>6,} children: {runs[1]:.2f} s")
    return runs[1]


def add_term_marks(first_child: int, count: int, days: list[date]) -> None:
    """Bulk-load a term of marks for more children, straight into the table."""
    from django.db import connection

    from pupils.models import Child

    ids = Child.objects.filter(la_child_id__gte=f"B{first_child:06d}").values_list("id", flat=True)
    rnd = random.Random(2)
    rows = io.StringIO()
    for child_id in ids:
        for day in days:
            rows.write(
                f"{child_id},{day.isoformat()},1,{rnd.choice(CODES)},{rnd.choice(CODES)},,,\n"
            )
    rows.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            "COPY outcomes_attendanceday (child_id, date, school_id, am, pm, reason, comments,"
            " source_import_id) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (am, pm, reason,"
            " comments))",
            rows,
        )


def main() -> None:
    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from vschool import dates

    call_command("migrate", verbosity=0)
    seed_children(2000)
    last_year = dates.academic_year_of(timezone.localdate()) - 1
    days = school_days(dates.academic_year_start(last_year), 190)
    content = feed_csv(2000, days)
    marks = 2000 * len(days) * 2
    print(
        f"A year's feed: {len(days)} school days, 2,000 children, {marks:,} marks, "
        f"{len(content) / 1e6:.1f} MB"
    )

    copy_seconds = raw_copy(content)
    counts = {}
    ours = timed(lambda: counts.update(import_file(content, "year.csv")))
    print(
        f"  raw COPY into a bare table: {copy_seconds:6.2f} s"
        f"  {marks / copy_seconds:>10,.0f} marks/s"
    )
    print(
        f"  our import, whole pipeline: {ours:6.2f} s  {marks / ours:>10,.0f} marks/s"
        f"  ({counts['marks_created']:,} created, {counts['rows_held']:,} rows held)"
    )
    ratio = copy_seconds / ours
    print(f"  ratio ours : COPY = {ratio:.3f}  (aim ≥ 0.15: {'PASS' if ratio >= 0.15 else 'FAIL'})")

    again = timed(lambda: counts.update(import_file(content, "year-again.csv")))
    print(
        f"  re-import of the unchanged year: {again:.2f} s "
        f"({counts['marks_unchanged']:,} unchanged, {counts['marks_created']} created)"
    )
    today_file = feed_csv(2000, [days[-1] + timedelta(days=3)], seed=9)
    one_day = timed(lambda: counts.update(import_file(today_file, "day.csv")))
    print(f"  a one-day file (2,000 rows): {one_day:.2f} s")

    autumn = (days[0], dates.academic_year_start(last_year).replace(month=12, day=31))
    small = summary_time(2000, autumn)
    seed_children(18000, first=2000)
    add_term_marks(2000, 18000, [d for d in days if d <= autumn[1]])
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large = summary_time(20000, autumn)
    print(
        f"  ratio 20,000 : 2,000 = {large / small:.1f}  (aim < 12: "
        f"{'PASS' if large / small < 12 else 'FAIL'})"
    )


if __name__ == "__main__":
    main()
