"""The automatic quality checks, each passing and failing on a hand-made PEP, and an authority
switching checks off or changing a threshold.

The PEPs are for the autumn term of 2025/26 (1 September to 31 December 2025); today is
Wednesday 5 November 2025.
"""

import datetime
from decimal import Decimal

import pytest
import time_machine

from outcomes.models import AttendanceDay
from peps.models import EefApproach, PepVariant, PpRequest, TargetReview
from peps.quality import CHECKS, is_measurable, quality_checks, says_something
from tests.peps.scheduling_factories import PepFactory, PepSectionFactory, PepTargetFactory
from vschool.dates import weekdays

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2025, 11, 5)
KEYS = [
    "at_least_two_targets",
    "measurable_success_measures",
    "target_dates_in_term",
    "child_views",
    "attendance_addressed",
    "ppplus_tied_to_targets",
    "previous_targets_reviewed",
]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def results(pep) -> dict:
    return {result.key: result for result in quality_checks(pep)}


def attendance(pep, percent: str):
    """The attendance section as frozen at submission (peps.sections.attendance_now)."""
    return PepSectionFactory(
        pep=pep, key="attendance", answers={"figures": {"attendance_percent": percent}}
    )


@pytest.fixture
def good_pep():
    """A PEP that passes every check."""
    previous = PepFactory(academic_year=2024, term="summer", status="approved")
    PepTargetFactory(pep=previous, review=TargetReview.ACHIEVED)
    pep = PepFactory(previous=previous, status="in_progress")
    reading = PepTargetFactory(pep=pep)
    PepTargetFactory(
        pep=pep,
        area="Maths",
        target="Know the 6, 7 and 8 times tables",
        success_measure="Scores 18 out of 20 on the times tables check",
        by_when=D(2025, 12, 17),
    )
    PepSectionFactory(
        pep=pep, key="views", answers={"child_views": "I like maths when I work with a partner"}
    )
    attendance(pep, "97.5")
    PpRequest.objects.create(
        pep=pep,
        target=reading,
        amount=Decimal("300.00"),
        purpose="Reading tutor",
        eef_approach=EefApproach.TARGETED,
    )
    return pep


def test_a_good_pep_passes_every_check_in_order(good_pep):
    checks = quality_checks(good_pep)
    assert [result.key for result in checks] == KEYS
    assert all(result.passed for result in checks), [c.message for c in checks if not c.passed]
    assert [result.section_key for result in checks] == [
        "targets",
        "targets",
        "targets",
        "views",
        "attendance",
        "targets",
        "previous_targets",
    ]


# --- Targets ------------------------------------------------------------------------------------


def test_one_target_is_not_enough():
    pep = PepFactory()
    PepTargetFactory(pep=pep)
    result = results(pep)["at_least_two_targets"]
    assert not result.passed
    assert result.message == "Set at least 2 targets: the plan has 1."


def test_a_vague_success_measure_fails_and_says_which_target():
    pep = PepFactory()
    PepTargetFactory(pep=pep)
    PepTargetFactory(pep=pep, area="Confidence", success_measure="Will be more confident")
    result = results(pep)["measurable_success_measures"]
    assert not result.passed
    assert result.message.startswith("Make the success measure of target 2 (Confidence) measurable")


@pytest.mark.parametrize(
    ("measure", "measurable"),
    [
        ("Reads 90 words a minute", True),
        ("Attendance of 96% or more", True),
        ("Reaches Grade 5 in the mock exam", True),
        ("Reading age of nine years", True),
        ("Uses the calm-down plan twice a week", True),
        ("Completes homework every week", True),
        ("Secure in the expected standard for writing", True),
        ("By 12 December", True),
        ("Will be happier at school", False),
        ("Improve her confidence in lessons", False),
        ("Better behaviour", False),
        ("", False),
    ],
)
def test_what_counts_as_a_measurable_success_measure(measure, measurable):
    assert is_measurable(measure) is measurable


def test_every_target_needs_a_date_within_the_term():
    pep = PepFactory()
    PepTargetFactory(pep=pep, by_when=D(2025, 12, 31))
    PepTargetFactory(pep=pep, area="Maths", by_when=D(2026, 2, 1))
    PepTargetFactory(pep=pep, area="Science", by_when=None)
    result = results(pep)["target_dates_in_term"]
    assert not result.passed
    assert result.message == (
        "Give target 2 (Maths) and target 3 (Science) a date to meet it by within the autumn "
        "term (1 September 2025 to 31 December 2025)."
    )


def test_a_pep_without_targets_fails_every_target_check():
    checks = results(PepFactory())
    for key in ("at_least_two_targets", "measurable_success_measures", "target_dates_in_term"):
        assert not checks[key].passed


# --- The child's views --------------------------------------------------------------------------


@pytest.mark.parametrize("views", ["", "   ", "n/a", "N/A.", "None", "Happy", "not asked"])
def test_blank_or_stock_views_are_not_the_childs_views(views):
    pep = PepFactory()
    PepSectionFactory(pep=pep, key="views", answers={"child_views": views})
    result = results(pep)["child_views"]
    assert not result.passed
    assert result.section_key == "views"


def test_missing_views_section_fails():
    assert not results(PepFactory())["child_views"].passed


def test_says_something_needs_real_words():
    assert says_something("I want to be a vet", 3)
    assert not says_something("n/a", 1)


# --- Attendance ---------------------------------------------------------------------------------


def test_low_attendance_without_a_target_or_explanation_fails():
    pep = PepFactory()
    attendance(pep, "91.2")
    result = results(pep)["attendance_addressed"]
    assert not result.passed
    assert result.message.startswith("Attendance this term is 91.2%, below 95%")


def test_low_attendance_with_an_attendance_target_passes():
    pep = PepFactory()
    attendance(pep, "91.2")
    PepTargetFactory(pep=pep, area="Attendance", target="Arrive on time every day")
    assert results(pep)["attendance_addressed"].passed


def test_low_attendance_with_an_explanation_passes():
    pep = PepFactory()
    PepSectionFactory(
        pep=pep,
        key="attendance",
        answers={
            "figures": {"attendance_percent": "91.2"},
            "explanation": "Two weeks in hospital after an operation in October",
        },
    )
    assert results(pep)["attendance_addressed"].passed


def test_attendance_comes_from_the_records_until_it_is_frozen():
    pep = PepFactory()
    # 10 days of the autumn term so far: 9 present, 1 unauthorised absence: 90%.
    days = weekdays(D(2025, 10, 20), D(2025, 10, 31))
    AttendanceDay.objects.bulk_create(
        AttendanceDay(child=pep.child, school=pep.school, date=day, am="/", pm="\\")
        for day in days[:9]
    )
    AttendanceDay.objects.create(child=pep.child, school=pep.school, date=days[9], am="O", pm="O")
    result = results(pep)["attendance_addressed"]
    assert not result.passed
    assert "90.0%" in result.message


def test_no_attendance_yet_passes():
    assert results(PepFactory())["attendance_addressed"].passed


def test_a_neet_young_person_has_no_attendance_to_check():
    pep = PepFactory(variant=PepVariant.NEET, school=None)
    attendance(pep, "50.0")
    assert results(pep)["attendance_addressed"].passed


# --- Pupil Premium Plus and the previous targets ------------------------------------------------


def test_a_ppplus_request_against_another_peps_target_fails(good_pep):
    old_target = good_pep.previous.targets.get()
    PpRequest.objects.create(
        pep=good_pep,
        target=old_target,
        amount=Decimal("250.00"),
        purpose="Laptop",
        eef_approach=EefApproach.WIDER,
    )
    result = results(good_pep)["ppplus_tied_to_targets"]
    assert not result.passed
    assert (
        result.message
        == "Tie the Pupil Premium Plus request for £250.00 to one of this plan’s targets."
    )


def test_unreviewed_previous_targets_fail(good_pep):
    unreviewed = PepTargetFactory(pep=good_pep.previous, area="Spelling")
    result = results(good_pep)["previous_targets_reviewed"]
    assert not result.passed
    assert result.message == "Say whether the previous PEP’s target 2 (Spelling) was achieved."
    # A review saved in this PEP's section counts, before it reaches the target itself.
    PepSectionFactory(
        pep=good_pep, key="previous_targets", answers={f"review_{unreviewed.pk}": "partly"}
    )
    assert results(good_pep)["previous_targets_reviewed"].passed


def test_a_first_pep_has_no_previous_targets_to_review():
    assert results(PepFactory())["previous_targets_reviewed"].passed


# --- Per authority ------------------------------------------------------------------------------


def test_an_authority_can_switch_checks_off(settings, good_pep):
    settings.PEP_QUALITY_CHECKS_OFF = frozenset({"child_views", "target_dates_in_term"})
    keys = [result.key for result in quality_checks(good_pep)]
    assert keys == [key for key in KEYS if key not in settings.PEP_QUALITY_CHECKS_OFF]


def test_an_authority_can_raise_a_threshold(settings, good_pep):
    settings.PEP_QUALITY_MIN_TARGETS = 3
    settings.PEP_QUALITY_ATTENDANCE_THRESHOLD = "98"
    checks = results(good_pep)
    assert checks["at_least_two_targets"].message == "Set at least 3 targets: the plan has 2."
    assert not checks["attendance_addressed"].passed


def test_every_check_has_a_unique_key():
    assert [key for key, _, _ in CHECKS] == KEYS
