"""PEP scheduling, the compliance dashboard and the QA queue at the scale of a large authority.

Seeds 2,000 children in care, each with the three terms before this one of termly PEPs in
mixed statuses and ratings (and some initial PEPs), then prints:
- the daily schedule run (this term's PEP for every child), and its re-run, which creates
  nothing;
- the compliance dashboard for last term (with the list behind its "overdue" figure) and the
  QA queue (the PEP list as a caseworker sees it): queries per page and the median time of 5
  requests after a warm-up, through Django's test client;
then reseeds with 20,000 children and repeats. The query counts must be equal at both sizes and
the time ratio 20,000 : 2,000 under 12.

Run with `make bench` (or `.venv/bin/python bench/peps.py`). It uses its own database,
vschool_bench_peps, which it recreates for each size.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "vschool_bench_peps"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vschool.settings")

import django  # noqa: E402
import psycopg2  # noqa: E402

SCHOOLS = 200
CASEWORKERS = 12
BATCH = 5000
RUNS = 5


def recreate_database() -> None:
    from django.db import connections

    connections.close_all()
    connection = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
        cursor.execute(f"CREATE DATABASE {DATABASE}")
    connection.close()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def aware(day: date):
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, clock(14, 0)))


def seed_people() -> tuple[list, list, list]:
    from pupils.models import DesignatedTeacher, School
    from vschool.accounts.models import Role, User

    schools = School.objects.bulk_create(
        School(urn=f"{900000 + n}", la_code="999", name=f"Bench School {n:03d}", phase="primary")
        for n in range(SCHOOLS)
    )
    caseworkers = User.objects.bulk_create(
        User(email=f"caseworker{n}@example.org", full_name=f"Caseworker {n}", role=Role.CASEWORKER)
        for n in range(CASEWORKERS)
    )
    teachers = User.objects.bulk_create(
        User(
            email=f"teacher{n}@example.org", full_name=f"Teacher {n}", role=Role.DESIGNATED_TEACHER
        )
        for n in range(SCHOOLS)
    )
    DesignatedTeacher.objects.bulk_create(
        DesignatedTeacher(user=teacher, school=school, start_date=date(2020, 9, 1))
        for teacher, school in zip(teachers, schools, strict=True)
    )
    head = User.objects.create(email="head@example.org", full_name="Head", role=Role.HEAD)
    return schools, caseworkers, [head]


def seed_children(count: int, today: date, schools: list, caseworkers: list) -> list[tuple]:
    """Children aged 2 to Year 13, in care (2% of them new into care), 90% on a school roll,
    each with a caseworker. Returns (child id, school id or None) pairs."""
    from pupils.models import Allocation, Child, Cohort, CohortMembership, Enrolment

    rnd = random.Random(count)
    children = Child.objects.bulk_create(
        (
            Child(
                la_child_id=f"B{n:06d}",
                legal_first_name=f"First{n}",
                legal_last_name=f"Last{n}",
                date_of_birth=date(today.year - rnd.randint(4, 17), rnd.randint(1, 12), 15),
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    new_into_care = today - timedelta(days=30)
    CohortMembership.objects.bulk_create(
        (
            CohortMembership(
                child=child,
                cohort=Cohort.CHILD_IN_CARE,
                start_date=new_into_care if n % 50 == 0 else date(2020, 1, 6),
            )
            for n, child in enumerate(children)
        ),
        batch_size=BATCH,
    )
    placed = [
        (child.pk, rnd.choice(schools).pk if n % 10 else None) for n, child in enumerate(children)
    ]
    Enrolment.objects.bulk_create(
        (
            Enrolment(child_id=child_id, school_id=school_id, start_date=date(2020, 9, 1))
            for child_id, school_id in placed
            if school_id
        ),
        batch_size=BATCH,
    )
    Allocation.objects.bulk_create(
        (
            Allocation(
                child=child,
                user=rnd.choice(caseworkers),
                role="caseworker",
                start_date=date(2020, 1, 6),
            )
            for child in children
        ),
        batch_size=BATCH,
    )
    return placed


# (status, rating, weight) of a past term's PEP: most approved and rated, some waiting, late,
# returned or never done.
OUTCOMES = [
    ("approved", "gold", 10),
    ("approved", "green", 35),
    ("approved", "amber", 20),
    ("returned", "red", 5),
    ("returned", "", 3),
    ("submitted", "", 10),
    ("in_progress", "", 10),
    ("not_started", "", 7),
]


def seed_peps(placed: list[tuple], terms: list, caseworkers: list) -> int:
    """Three past terms of termly PEPs per child, and initial PEPs for one child in 25."""
    from peps.models import Pep
    from peps.services.scheduling import default_term_deadline

    rnd = random.Random(len(placed))
    statuses = [(s, r) for s, r, weight in OUTCOMES for _ in range(weight)]
    peps = []
    for term in terms:
        due = default_term_deadline(term)
        for n, (child_id, school_id) in enumerate(placed):
            status, rating = rnd.choice(statuses)
            submitted = due + timedelta(days=rnd.randint(-20, 15))
            completed = status in ("approved", "submitted", "returned")
            peps.append(
                Pep(
                    child_id=child_id,
                    school_id=school_id,
                    kind="termly",
                    variant="school_age",
                    academic_year=term.academic_year,
                    term=term.name.value,
                    status=status,
                    due_date=due,
                    submitted_at=aware(submitted) if completed else None,
                    approved_at=aware(submitted + timedelta(days=5))
                    if status == "approved"
                    else None,
                    rating=rating,
                    rated_by=rnd.choice(caseworkers) if rating else None,
                )
            )
            if n % 25 == 0:
                peps.append(
                    Pep(
                        child_id=child_id,
                        school_id=school_id,
                        kind="initial",
                        variant="school_age",
                        academic_year=term.academic_year,
                        term=term.name.value,
                        status=status if status != "returned" else "in_progress",
                        due_date=due - timedelta(days=20),
                        submitted_at=aware(submitted - timedelta(days=20)) if completed else None,
                    )
                )
    Pep.objects.bulk_create(peps, batch_size=BATCH)
    return len(peps)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def page(client, url: str) -> tuple[int, float]:
    """(queries, median seconds of RUNS requests after a warm-up)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reset_queries()  # the capture counts from the log, which is capped at 9,000 queries
    with CaptureQueriesContext(connection) as context:
        client.get(url)
    runs = [timed(lambda: client.get(url)) for _ in range(RUNS)]
    return len(context.captured_queries), statistics.median(runs)


def one_size(count: int, today: date) -> dict:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from peps.services.scheduling import pep_schedule_run
    from vschool import dates

    recreate_database()
    migrate()
    this_term = dates.term_of(today)
    terms = [dates.previous_term(this_term)]
    terms = [
        dates.previous_term(dates.previous_term(terms[0])),
        dates.previous_term(terms[0]),
        terms[0],
    ]
    seeding = time.perf_counter()
    schools, caseworkers, _ = seed_people()
    placed = seed_children(count, today, schools, caseworkers)
    peps = seed_peps(placed, terms, caseworkers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{count:,} children in care, {peps:,} PEPs over {', '.join(map(str, terms))} "
        f"(seeded in {time.perf_counter() - seeding:.0f} s)"
    )

    result = {}
    scheduled = {}
    first = timed(lambda: scheduled.update(pep_schedule_run(today=today).as_dict()))
    print(
        f"  schedule run:    {first:6.2f} s  ({scheduled['termly_created']:,} termly, "
        f"{scheduled['initial_created']:,} initial created; "
        f"{scheduled['overdue_notifications']:,} overdue notifications)"
    )
    again = timed(lambda: scheduled.update(pep_schedule_run(today=today).as_dict()))
    print(
        f"  schedule re-run: {again:6.2f} s  ({scheduled['termly_created']} termly, "
        f"{scheduled['initial_created']} initial, {scheduled['overdue_notifications']} "
        f"notifications created)"
    )
    result["schedule"] = first
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    client = Client()
    client.force_login(caseworkers[0])
    last_term = terms[-1].slug
    pages = {
        "compliance": f"{reverse('peps:compliance')}?term={last_term}&figure=overdue",
        "QA queue": reverse("peps:pep_list"),
    }
    for name, url in pages.items():
        queries, seconds = page(client, url)
        result[name] = (queries, seconds)
        print(f"  {name:<12} {queries:3d} queries, median {seconds * 1000:7.1f} ms")
    return result


def main() -> None:
    django.setup()
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()  # the test client's host, and emails kept in memory
    today = timezone.localdate()
    small = one_size(2_000, today)
    large = one_size(20_000, today)
    print("20,000 : 2,000")
    failed = False
    for name in ("compliance", "QA queue"):
        (q_small, t_small), (q_large, t_large) = small[name], large[name]
        ratio = t_large / t_small
        ok = q_small == q_large and ratio < 12
        failed |= not ok
        print(
            f"  {name:<12} queries {q_small} : {q_large} "
            f"({'equal' if q_small == q_large else 'NOT EQUAL'}), "
            f"time ratio {ratio:.1f} (aim < 12): {'PASS' if ok else 'FAIL'}"
        )
    ratio = large["schedule"] / small["schedule"]
    print(f"  schedule run {large['schedule']:.2f} s for 20,000 children, ratio {ratio:.1f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
