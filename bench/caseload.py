"""The caseload and the child record at 2,000 and 20,000 children.

Seeds the demo Virtual School (seed_demo) with 2,000 children, then with 20,000, and for each
page, signed in as caseworker@example.org (their caseload) and as head@example.org (all
children), prints the number of SQL queries and the median time of 7 requests after a
warm-up, then the ratio 20,000 : 2,000. The aims: the same number of queries at both sizes,
and a time ratio under 1.5, for the paginated pages, the child record and a caseworker's
export of their caseload. (The head's export is every child: it is streamed in chunks of rows,
so its queries and time grow with the list; it is shown but not held to the aims.)

Run with `make bench` (or `.venv/bin/python bench/caseload.py`). It uses its own database,
vschool_bench, creating and migrating it if needed; it never touches the development one.
"""

import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
DATABASE = "vschool_bench"
SIZES = (2_000, 20_000)
RUNS = 7
RATIO_AIM = 1.5


def bench_database_url() -> str:
    """The configured server (environment or .env), with the bench's own database."""
    from vschool import config

    config.read_dotenv(ROOT / ".env")
    configured = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vschool")
    return urlunsplit(urlsplit(configured)._replace(path=f"/{DATABASE}"))


os.environ["DATABASE_URL"] = bench_database_url()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vschool.settings")

import django  # noqa: E402
import psycopg2  # noqa: E402
from psycopg2 import sql  # noqa: E402


def database_create_if_missing() -> None:
    parts = urlsplit(os.environ["DATABASE_URL"])
    connection = psycopg2.connect(
        dbname="postgres",
        user=parts.username,
        password=parts.password,
        host=parts.hostname,
        port=parts.port or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
    connection.close()


@dataclass
class Measure:
    status: int
    queries: int = 0
    median_ms: float = 0.0


def fetch(client, url: str):
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def measure(targets: dict) -> dict:
    """For each (label, user) -> (client, url): status and queries of one request after a
    warm-up, then the median of RUNS timed requests. The pages take turns, so that a burst
    of load from elsewhere on the machine spoils one sample of many pages, not one page."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    results = {}
    for key, (client, url) in targets.items():
        status = fetch(client, url).status_code
        reset_queries()  # a full query log (DEBUG keeps the last 9,000) would count nothing
        with CaptureQueriesContext(connection) as queries:
            fetch(client, url)
        results[key] = Measure(status, len(queries))
    times = {key: [] for key, result in results.items() if result.status == 200}
    for _ in range(RUNS):
        for key in times:
            client, url = targets[key]
            started = time.perf_counter()
            fetch(client, url)
            times[key].append((time.perf_counter() - started) * 1000)
    for key, samples in times.items():
        results[key].median_ms = statistics.median(samples)
    return results


def the_child():
    """A child with a full record, the same at both sizes (the demo's first 2,000 children
    are the same whatever the size, for one seed): the first by LA ID in care with several
    episodes and school moves."""
    from django.db.models import Count

    from pupils.models import Child

    children = Child.objects.annotate(
        episodes=Count("care_episodes", distinct=True),
        schools=Count("enrolments", distinct=True),
    ).filter(episodes__gte=4, schools__gte=2, cohort_memberships__cohort="cla")
    return children.order_by("la_child_id").first()


def pages(child_id: int | None) -> list[tuple[str, str, str]]:
    """(label, user, url) for every page measured."""
    from django.urls import reverse

    caseload = reverse("pupils:caseload")
    export = reverse("pupils:caseload_export")
    filtered = "cohort=cla&key_stage=Key+stage+4&sen=any&sort=-dob"
    rows = []
    for user, everyone in (("caseworker", "caseworker=&"), ("head", "")):
        rows += [
            ("Caseload, first page", user, caseload),
            ("Caseload, filtered and sorted", user, f"{caseload}?{filtered}"),
            ("Caseload, all children, page 10", user, f"{caseload}?{everyone}page=10"),
            ("CSV export (default list)", user, export),
        ]
    for name in ("child_detail", "child_care", "child_education", "child_history"):
        url = reverse(f"pupils:{name}", args=[child_id or 0])
        label = f"Child record: {name.removeprefix('child_').replace('detail', 'summary')}"
        rows += [(label, user, url) for user in ("caseworker", "head")]
    return rows


def run_size(children: int) -> tuple[dict, str]:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from vschool.accounts.models import User

    started = time.monotonic()
    call_command("seed_demo", reset=True, children=children, seed=1)
    print(f"  seeded {children:,} children in {time.monotonic() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # What autovacuum would have done on a live system: no dead rows from the reset, and
        # fresh statistics for the planner.
        cursor.execute("VACUUM ANALYZE")
    child = the_child()
    clients = {}
    for role in ("caseworker", "head"):
        client = Client()
        client.force_login(User.objects.get(email=f"{role}@example.org"))
        clients[role] = client
    targets = {
        (label, user): (clients[user], url)
        for label, user, url in pages(child.pk if child else None)
    }
    load = os.getloadavg()[0]
    if load > os.cpu_count():
        print(f"  warning: the machine is busy (load {load:.1f} on {os.cpu_count()} cores)")
    return measure(targets), child.la_child_id if child else "none"


def verdict(label: str, user: str, small: Measure, large: Measure) -> tuple[str, bool]:
    if small.status != 200 or large.status != 200:
        status = small.status if small.status != 200 else large.status
        built = "not built yet?" if status == 404 else "error"
        return f"HTTP {status} ({built})", False
    ratio = large.median_ms / small.median_ms
    same = small.queries == large.queries
    if label.startswith("CSV") and user == "head":
        return "not an aim: every child, streamed in chunks, grows with the list", True
    passed = same and ratio < RATIO_AIM
    why = "" if passed else " (queries differ)" if not same else f" (ratio ≥ {RATIO_AIM})"
    return ("PASS" if passed else "FAIL") + why, passed


def report(results: dict[int, dict]) -> bool:
    small, large = (results[size] for size in SIZES)
    print()
    print(
        f"{'page':<34} {'as':<11} {'queries 2k':>10} {'20k':>5} "
        f"{'ms 2k':>8} {'ms 20k':>8} {'ratio':>6}  aim"
    )
    everything = True
    for (label, user), one in small.items():
        other = large[(label, user)]
        result, passed = verdict(label, user, one, other)
        everything &= passed
        ratio = f"{other.median_ms / one.median_ms:6.2f}" if one.median_ms else f"{'-':>6}"
        print(
            f"{label:<34} {user:<11} {one.queries:>10} {other.queries:>5} "
            f"{one.median_ms:>8.1f} {other.median_ms:>8.1f} {ratio}  {result}"
        )
    print()
    print(
        "Aims (the same number of queries at both sizes and a time ratio under "
        f"{RATIO_AIM}, for every page but the export of every child): "
        + ("PASS" if everything else "FAIL")
    )
    return everything


def main() -> None:
    database_create_if_missing()
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    print(f"Caseload and child record at {' and '.join(f'{n:,}' for n in SIZES)} children")
    results, children = {}, {}
    for size in SIZES:
        results[size], children[size] = run_size(size)
    print(f"  child record measured: LA child ID {children[SIZES[0]]} / {children[SIZES[1]]}")
    report(results)


if __name__ == "__main__":
    main()
