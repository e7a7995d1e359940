"""The demo Virtual School (pupils.demo, manage.py seed_demo): reproducible, valid, shaped like
the published reports, and the demo sign-ins have something to look at."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.conf import settings
from django.core.management import call_command

from pupils.access import children_visible_to
from pupils.care import cohort_memberships_sync_from_care, in_care_on
from pupils.codes import SenProvision
from pupils.demo import demo_data_delete, demo_school_generate
from pupils.identifiers import upn_problem, validate_uln
from pupils.models import (
    Allocation,
    AllocationRole,
    CareEpisode,
    Child,
    Cohort,
    CohortMembership,
    Enrolment,
    EnrolmentKind,
    OfstedFramework,
    OfstedInspection,
    Phase,
    School,
    SenRecord,
)
from vschool.accounts.models import User

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)  # a fixed "today": the demo counts every date back from it
NEIGHBOURS = {str(code) for code in range(991, 999)}  # the demo's fictional authorities


@pytest.fixture
def demo():
    return demo_school_generate(children=200, seed=3, today=TODAY)


def snapshot() -> dict[str, tuple]:
    """What a person would recognise a child by, and the shape of their record."""
    return {
        child.la_child_id: (
            child.upn,
            child.legal_first_name,
            child.legal_last_name,
            child.date_of_birth,
            child.care_episodes.count(),
            child.enrolments.count(),
            child.sen_records.count(),
        )
        for child in Child.objects.all()
    }


def test_the_same_seed_gives_the_same_virtual_school(demo):
    first = snapshot()
    first_schools = sorted(School.objects.values_list("urn", "name", "phase"))
    demo_data_delete()
    assert not Child.objects.exists()

    demo_school_generate(children=200, seed=3, today=TODAY)

    assert snapshot() == first
    assert sorted(School.objects.values_list("urn", "name", "phase")) == first_schools
    assert len(first) == 200


def test_another_seed_gives_other_children(demo):
    names = {(c.legal_first_name, c.legal_last_name) for c in Child.objects.all()}
    demo_data_delete()
    demo_school_generate(children=200, seed=4, today=TODAY)
    others = {(c.legal_first_name, c.legal_last_name) for c in Child.objects.all()}
    assert len(names & others) < 50


def test_every_upn_passes_the_check_letter_and_is_unique(demo):
    upns = list(Child.objects.exclude(upn="").values_list("upn", flat=True))
    assert [upn for upn in upns if upn_problem(upn)] == []
    assert len(set(upns)) == len(upns)
    # Babies never on a school roll have none; most children do.
    assert 0 < Child.objects.filter(upn="").count() < 60
    assert {upn[1:4] for upn in upns} <= NEIGHBOURS | {settings.LA_CODE}
    ulns = Child.objects.exclude(uln="").values_list("uln", flat=True)
    assert ulns.exists()
    for uln in ulns:
        validate_uln(uln)


def _overlaps(rows, key, *, inclusive: bool = True) -> list:
    """Pairs of periods with the same key that share a day."""
    by_key = defaultdict(list)
    for row in rows:
        by_key[key(row)].append(row)
    clashes = []
    for periods in by_key.values():
        periods.sort(key=lambda p: p.start_date)
        for before, after in pairwise(periods):
            if before.end_date is None or (
                before.end_date >= after.start_date
                if inclusive
                else before.end_date > after.start_date
            ):
                clashes.append((before, after))
    return clashes


def test_no_period_overlaps_another_of_its_kind(demo):
    assert _overlaps(CareEpisode.objects.all(), lambda e: e.child_id, inclusive=False) == []
    main = Enrolment.objects.filter(kind=EnrolmentKind.MAIN)
    assert _overlaps(main, lambda e: e.child_id) == []
    assert _overlaps(Allocation.objects.all(), lambda a: (a.child_id, a.role)) == []
    assert _overlaps(SenRecord.objects.all(), lambda s: s.child_id) == []
    assert _overlaps(CohortMembership.objects.all(), lambda m: (m.child_id, m.cohort)) == []


def test_episodes_of_a_period_of_care_follow_on_from_each_other(demo):
    """SSDA903: an episode that continues care ends with X1 the day the next one starts."""
    episodes = defaultdict(list)
    for episode in CareEpisode.objects.order_by("start_date"):
        episodes[episode.child_id].append(episode)
    for run in episodes.values():
        for before, after in pairwise(run):
            if before.reason_ceased == "X1":
                assert after.start_date == before.end_date
            else:
                assert after.reason_new_episode == "S"
        assert run[0].reason_new_episode == "S"


def test_cohort_memberships_agree_with_the_care_episodes(demo):
    ids = list(Child.objects.values_list("pk", flat=True))
    unchanged = {"created": 0, "updated": 0, "deleted": 0}
    assert (
        cohort_memberships_sync_from_care(child_ids=ids, acting_user=None, source="check")
        == unchanged
    )
    episodes = defaultdict(list)
    for episode in CareEpisode.objects.all():
        episodes[episode.child_id].append(episode)
    in_care = {pk for pk, run in episodes.items() if in_care_on(run, TODAY)}
    members = set(
        CohortMembership.objects.current(TODAY)
        .filter(cohort=Cohort.CHILD_IN_CARE)
        .values_list("child_id", flat=True)
    )
    assert members == in_care
    assert len(in_care) > 100  # most of the Virtual School is in care
    current = Counter(CohortMembership.objects.current(TODAY).values_list("cohort", flat=True))
    assert current[Cohort.CARE_LEAVER] > 0
    assert current[Cohort.PREVIOUSLY_LOOKED_AFTER] > 0
    assert current[Cohort.CHILD_WITH_SOCIAL_WORKER] > 0


def test_the_children_look_like_a_published_virtual_school(demo):
    children = list(Child.objects.all())
    years = Counter(child.year_group(TODAY) for child in children)
    assert sum(years[y] for y in (9, 10, 11)) > sum(years[y] for y in (1, 2, 3))
    assert min(years) <= -1 and max(years) >= 14  # from the early years to care leavers

    school_age = {child.pk for child in children if 0 <= child.year_group(TODAY) <= 11}
    sen = {
        record.child_id: record
        for record in SenRecord.objects.current(TODAY).filter(child_id__in=school_age)
    }
    with_sen = [r for r in sen.values() if r.provision != SenProvision.NONE]
    assert 0.35 <= len(with_sen) / len(school_age) <= 0.65
    needs = Counter(r.primary_need for r in with_sen if r.provision == SenProvision.EHCP)
    assert needs.most_common(1)[0][0] == "SEMH"

    placements = list(CareEpisode.objects.on(TODAY))
    outside = [e for e in placements if not e.placement_in_home_authority]
    assert 0.2 <= len(outside) / len(placements) <= 0.6
    fostered = [e for e in placements if e.placement_type.startswith("U")]
    assert len(fostered) / len(placements) > 0.5  # most children in care live with foster carers

    on_roll = set(
        Enrolment.objects.current(TODAY)
        .filter(kind=EnrolmentKind.MAIN, child_id__in=school_age)
        .values_list("child_id", flat=True)
    )
    assert len(on_roll) / len(school_age) > 0.9


def test_schools_are_fictional_and_varied_with_ofsted_histories(demo):
    schools = School.objects.all()
    assert 60 <= schools.count() <= 125
    assert all(urn.startswith("99") for urn in schools.values_list("urn", flat=True))
    phases = set(schools.values_list("phase", flat=True))
    assert {Phase.PRIMARY, Phase.SECONDARY, Phase.SPECIAL, Phase.ALTERNATIVE} <= phases
    assert Phase.FURTHER_EDUCATION in phases
    home = schools.filter(la_code=settings.LA_CODE).count()
    assert 0.4 < home / schools.count() < 0.7
    others = schools.exclude(la_code=settings.LA_CODE).values_list("la_code", flat=True)
    assert set(others) <= NEIGHBOURS

    inspections = OfstedInspection.objects.all()
    graded = inspections.filter(framework=OfstedFramework.GRADED)
    assert graded.exists()
    assert not graded.filter(inspection_date__gte=date(2024, 9, 2)).exists()
    assert not graded.filter(overall_grade__isnull=True).exists()
    areas = inspections.filter(framework=OfstedFramework.SUB_JUDGEMENTS)
    assert areas.exists()
    assert not areas.exclude(inspection_date__range=(date(2024, 9, 2), date(2025, 11, 9))).exists()
    cards = inspections.filter(framework=OfstedFramework.REPORT_CARD)
    assert cards.exists() and not cards.filter(inspection_date__lt=date(2025, 11, 10)).exists()
    assert "Inclusion" in cards.first().area_grades


def test_the_demo_sign_ins_have_their_caseloads(demo):
    teacher = User.objects.get(email="teacher@example.org")
    social_worker = User.objects.get(email="socialworker@example.org")
    caseworker = User.objects.get(email="caseworker@example.org")

    assert 8 <= children_visible_to(teacher, TODAY).count() <= 12
    assert 12 <= children_visible_to(social_worker, TODAY).count() <= 18
    caseload = Allocation.objects.current(TODAY).filter(
        user=caseworker, role=AllocationRole.CASEWORKER
    )
    assert 35 <= caseload.count() <= 45
    # The teacher's school also has children who have left: no longer visible to them.
    left = Enrolment.objects.filter(
        school__designated_teachers__user=teacher, end_date__lt=TODAY
    ).values("child")
    assert left.exists()
    assert not children_visible_to(teacher, TODAY).filter(pk__in=left).exists()


def test_extra_staff_cannot_sign_in(demo):
    staff = User.objects.filter(email__startswith="caseworker-")
    assert staff.exists()
    assert not any(user.has_usable_password() for user in staff)
    assert all(user.email.endswith("@example.org") for user in User.objects.all())


def test_seed_demo_leaves_existing_children_alone_unless_reset():
    output = StringIO()
    call_command("seed_demo", children=30, seed=2, stdout=output)
    assert Child.objects.count() == 30
    assert "30 children" in output.getvalue()

    output = StringIO()
    call_command("seed_demo", children=50, stdout=output)
    assert Child.objects.count() == 30
    assert "There are children already" in output.getvalue()

    call_command("seed_demo", children=50, reset=True, stdout=StringIO())
    assert Child.objects.count() == 50


def test_a_new_seed_reuses_the_demo_staff(demo):
    users = User.objects.count()
    demo_data_delete()
    demo_school_generate(children=200, seed=5, today=TODAY - timedelta(days=30))
    assert User.objects.count() == users


def test_a_failed_seed_leaves_nothing_behind(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("pupils.demo.cohort_memberships_sync_from_care", broken)
    with pytest.raises(RuntimeError, match="went away"):
        demo_school_generate(children=30, seed=1, today=TODAY)
    assert not Child.objects.exists()
    assert not School.objects.exists()


def test_seeding_refuses_to_mix_with_existing_children(demo):
    with pytest.raises(RuntimeError, match="children already"):
        demo_school_generate(children=10, seed=1, today=TODAY)
    assert Child.objects.count() == 200
