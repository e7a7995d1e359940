"""A realistic, reproducible demo Virtual School (`manage.py seed_demo`, `make run`, the bench).

Never real data: children's and staff names come from Faker (en_GB); schools, the neighbouring
authorities (codes 991-998), URNs (99xxxx), LAESTABs and UPNs are made up. Proportions follow
the published annual reports in shared/published and the DfE's figures for children looked
after: more children in Years 9-11 than in the infant years, about half of school-age children
with SEN support or an EHC plan (SEMH the commonest need), around two in five placed outside
the authority, a fifth with a placement move in a year, most in good or outstanding schools.

Every date is counted back from `today`, so the demo always looks current, and one seed on one
day always gives the same Virtual School. Rows go in with bulk_create in batches (the benchmark
seeds 20,000 children); the database's constraints still check every one.
"""

from datetime import date

from django.db import transaction
from django.utils import timezone

from pupils.care import cohort_memberships_sync_from_care
from pupils.demo.build import DemoSummary, demo_build, demo_summary
from pupils.demo.state import DemoState
from pupils.demo.tables import URN_PREFIX
from pupils.models import (
    Allocation,
    AlternativeProvision,
    CareEpisode,
    Child,
    CohortMembership,
    DesignatedTeacher,
    Enrolment,
    OfstedInspection,
    ReducedTimetable,
    School,
    SenRecord,
)
from vschool.history import attributed

__all__ = ["DemoSummary", "demo_children_exist", "demo_data_delete", "demo_school_generate"]

SOURCE = "Demo data"
BATCH = 500


def demo_children_exist() -> bool:
    return Child.objects.exists()


# A child's records, leaf first, so that each batch deletes without a cascade to collect.
CHILD_RECORDS = (
    ReducedTimetable, Enrolment, AlternativeProvision, SenRecord, Allocation, CohortMembership,
    CareEpisode, Child,
)  # fmt: skip


def demo_data_delete() -> None:
    """Delete every child and every school (seed_demo --reset)."""
    with attributed(acting_user=None, source=SOURCE):
        for model in (*CHILD_RECORDS, DesignatedTeacher, School):
            _delete_in_batches(model.objects.all())


def demo_school_generate(*, children: int, seed: int, today: date | None = None) -> DemoSummary:
    """Generate and save a demo Virtual School of `children` children, into a database that
    has no children yet. Saved in batches (see `_save`); if anything fails, what was
    saved is deleted again."""
    if demo_children_exist():
        raise RuntimeError("There are children already: delete them first (seed_demo --reset).")
    demo = DemoState(seed=seed, today=today or timezone.localdate())
    with attributed(acting_user=None, source=SOURCE):
        _demo_schools_delete()  # left behind without children, they would clash on URN
        demo_build(demo, children)
        try:
            _save(demo)
        except BaseException:
            for model in CHILD_RECORDS:  # there were no children before: leave none
                _delete_in_batches(model.objects.all())
            _demo_schools_delete()
            raise
    return demo_summary(demo)


def _demo_schools_delete() -> None:
    schools = School.objects.filter(urn__startswith=URN_PREFIX)
    _delete_in_batches(DesignatedTeacher.objects.filter(school__in=schools))
    _delete_in_batches(schools)


def _delete_in_batches(queryset) -> None:
    """Delete in transactions of BATCH rows. The history triggers run a subtransaction for
    every row, and one transaction of many thousands of them gets slower with every row."""
    while ids := list(queryset.values_list("pk", flat=True)[:BATCH]):
        with transaction.atomic():
            queryset.model.objects.filter(pk__in=ids).delete()


def _save(demo: DemoState) -> None:
    """Schools and staff posts, then the children in batches of BATCH, each batch with
    all its records in one transaction (see `_delete_in_batches` for why not one)."""
    with transaction.atomic():
        School.objects.bulk_create([info.school for info in demo.schools])
        OfstedInspection.objects.bulk_create(demo.rows["inspections"], batch_size=BATCH)
        DesignatedTeacher.objects.bulk_create(demo.rows["posts"], batch_size=BATCH)
    for batch in _batches(demo):
        with transaction.atomic():
            for name, model in (
                ("children", Child),
                ("episodes", CareEpisode),
                ("enrolments", Enrolment),
                ("reduced", ReducedTimetable),
                ("provisions", AlternativeProvision),
                ("sen", SenRecord),
                ("allocations", Allocation),
                ("memberships", CohortMembership),
            ):
                model.objects.bulk_create(batch.get(name, []))
            # Looked up in this module, pupils.demo, so that it can be replaced there (the tests
            # make it fail, to check that a failed seed leaves nothing behind).
            cohort_memberships_sync_from_care(
                child_ids=[child.pk for child in batch["children"]],
                acting_user=None,
                source=SOURCE,
            )


def _batches(demo: DemoState) -> list[dict[str, list]]:
    """The rows to save by batch of BATCH children, each batch's rows by kind."""
    batch_of = {id(plan["child"]): i // BATCH for i, plan in enumerate(demo.plans)}
    batches: dict[int, dict[str, list]] = {}
    for name in ("children", "episodes", "enrolments", "reduced", "provisions", "sen"):
        for row in demo.rows[name]:
            child = row if name == "children" else getattr(row, "enrolment", row).child
            batches.setdefault(batch_of[id(child)], {}).setdefault(name, []).append(row)
    for name in ("allocations", "memberships"):
        for row in demo.rows[name]:
            batches[batch_of[id(row.child)]].setdefault(name, []).append(row)
    return list(batches.values())
