"""The services that change a child's record and schools: every rule, what a change ends, and
that each change is kept in the history under the person who made it."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from pupils import services
from pupils.identifiers import upn_check_letter
from pupils.models import (
    Allocation,
    AllocationRole,
    CareEpisode,
    Child,
    Cohort,
    CohortMembership,
    Enrolment,
    EnrolmentKind,
    ReducedTimetable,
    SenRecord,
)
from pupils.services.common import attributed_write
from tests.factories import (
    AllocationFactory,
    CareEpisodeFactory,
    ChildFactory,
    EnrolmentFactory,
    SchoolFactory,
    SenRecordFactory,
    UserFactory,
    make_upn,
)
from vschool.accounts.models import Role

D = datetime.date
TODAY = datetime.datetime(2025, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def errors_of(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def context_of(record, label: str = "insert") -> dict:
    """The history context (who and what) of the last event of that kind on a record."""
    event = record.events.filter(pgh_label=label).order_by("pgh_id").last()
    return event.pgh_context.metadata


# --- Children ---------------------------------------------------------------------------------


def test_child_create_adds_the_child_in_their_cohort_attributed_to_the_caseworker(caseworker):
    child = services.child_create(
        acting_user=caseworker,
        la_child_id=" C900001 ",
        date_of_birth=D(2016, 3, 4),
        legal_first_name="Ada",
        legal_last_name="Example",
        upn=make_upn(42).lower(),
        cohort=Cohort.PREVIOUSLY_LOOKED_AFTER,
        plac_route="adopted",
        cohort_start=D(2019, 6, 1),
    )

    assert child.la_child_id == "C900001"
    assert child.upn == make_upn(42)
    membership = CohortMembership.objects.get(child=child)
    assert (membership.cohort, membership.plac_route, membership.start_date) == (
        "plac",
        "adopted",
        D(2019, 6, 1),
    )
    assert context_of(child) == {"user": caseworker.pk, "source": "Child added"}


def test_child_create_accepts_a_temporary_upn(caseworker):
    body = "99912345678A"  # 11 digits then a letter: a temporary UPN
    upn = upn_check_letter(body) + body
    child = services.child_create(
        acting_user=caseworker,
        la_child_id="C900002",
        date_of_birth=D(2014, 1, 1),
        upn=upn,
        cohort=Cohort.CHILD_WITH_SOCIAL_WORKER,
        cohort_start=D(2025, 1, 6),
    )
    assert child.upn_is_temporary


def test_child_create_refuses_a_upn_with_the_wrong_check_letter(caseworker):
    good = make_upn(7)
    wrong = ("B" if good[0] != "B" else "C") + good[1:]

    with pytest.raises(ValidationError) as excinfo:
        services.child_create(
            acting_user=caseworker,
            la_child_id="C900003",
            date_of_birth=D(2014, 1, 1),
            upn=wrong,
            cohort=Cohort.CHILD_IN_CARE,
            cohort_start=D(2024, 1, 1),
        )
    assert errors_of(excinfo)["upn"] == [
        f"UPN {wrong} has the wrong check letter (it should start {good[0]})"
    ]
    assert not Child.objects.filter(la_child_id="C900003").exists()


def test_child_create_refuses_an_la_child_id_or_upn_another_child_has(caseworker):
    existing = ChildFactory(la_child_id="C1", upn=make_upn(1))

    with pytest.raises(ValidationError) as excinfo:
        services.child_create(
            acting_user=caseworker,
            la_child_id="C1",
            date_of_birth=D(2014, 1, 1),
            upn=existing.upn,
            cohort=Cohort.CHILD_IN_CARE,
            cohort_start=D(2024, 1, 1),
        )
    errors = errors_of(excinfo)
    assert errors["la_child_id"] == ["Another child already has this LA child ID. Check the ID"]
    assert errors["upn"] == ["Another child already has this UPN. Check it with the school"]


def test_child_create_asks_how_a_previously_looked_after_child_left_care(caseworker):
    with pytest.raises(ValidationError) as excinfo:
        services.child_create(
            acting_user=caseworker,
            la_child_id="C900004",
            date_of_birth=D(2014, 1, 1),
            cohort=Cohort.PREVIOUSLY_LOOKED_AFTER,
            cohort_start=D(2013, 1, 1),
        )
    assert errors_of(excinfo) == {
        "cohort_start": ["The date they joined the cohort must be after their birth"],
        "plac_route": ["Select how the child left care"],
    }


def test_child_update_writes_only_what_changed_attributed_to_the_user(caseworker):
    child = ChildFactory(preferred_name="", upn="")

    services.child_update(
        acting_user=caseworker,
        child=child,
        preferred_name="Jo",
        legal_last_name=child.legal_last_name,
        upn=make_upn(99).lower(),
    )

    child.refresh_from_db()
    assert (child.preferred_name, child.upn) == ("Jo", make_upn(99))
    update = child.events.get(pgh_label="update")
    assert (update.preferred_name, update.pgh_context.metadata["user"]) == ("Jo", caseworker.pk)
    services.child_update(acting_user=caseworker, child=child, preferred_name="Jo")
    assert child.events.filter(pgh_label="update").count() == 1  # nothing changed, no history


def test_child_update_refuses_another_childs_upn_and_leaves_the_record_as_it_was(caseworker):
    other = ChildFactory()
    child = ChildFactory(upn="")

    with pytest.raises(ValidationError) as excinfo:
        services.child_update(acting_user=caseworker, child=child, upn=other.upn)

    assert "upn" in errors_of(excinfo)
    assert child.upn == ""
    child.refresh_from_db()
    assert child.upn == ""


# --- Allocations ------------------------------------------------------------------------------


def test_allocation_change_ends_the_current_caseworker_the_day_before(caseworker):
    child = ChildFactory()
    previous = AllocationFactory(child=child, start_date=D(2024, 9, 1))
    successor = UserFactory(role=Role.CASEWORKER)

    new = services.allocation_change(
        acting_user=caseworker,
        child=child,
        role=AllocationRole.CASEWORKER,
        user=successor,
        start_date=D(2025, 11, 3),
    )

    previous.refresh_from_db()
    assert previous.end_date == D(2025, 11, 2)
    assert (new.user, new.start_date, new.end_date) == (successor, D(2025, 11, 3), None)
    assert context_of(new)["user"] == caseworker.pk


def test_allocation_change_on_the_day_it_started_corrects_who_it_is(caseworker):
    child = ChildFactory()
    AllocationFactory(child=child, start_date=D(2025, 11, 3))  # the wrong person
    right = UserFactory(role=Role.CASEWORKER)

    services.allocation_change(
        acting_user=caseworker,
        child=child,
        role=AllocationRole.CASEWORKER,
        user=right,
        start_date=D(2025, 11, 3),
    )

    assert list(Allocation.objects.filter(child=child).values_list("user", "start_date")) == [
        (right.pk, D(2025, 11, 3))
    ]


def test_allocation_change_refuses_a_person_who_cannot_hold_the_role(caseworker):
    teacher = UserFactory(role=Role.DESIGNATED_TEACHER, full_name="Tess Teacher")

    with pytest.raises(ValidationError) as excinfo:
        services.allocation_change(
            acting_user=caseworker,
            child=ChildFactory(),
            role=AllocationRole.SOCIAL_WORKER,
            user=teacher,
            start_date=D(2025, 11, 3),
        )
    assert errors_of(excinfo) == {"user": ["Tess Teacher cannot be a child's social worker"]}


def test_allocation_change_refuses_a_date_before_a_later_allocation(caseworker):
    child = ChildFactory()
    AllocationFactory(
        child=child, start_date=D(2025, 10, 1), user__full_name="Lara Later", user__role="head"
    )

    with pytest.raises(ValidationError) as excinfo:
        services.allocation_change(
            acting_user=caseworker,
            child=child,
            role=AllocationRole.CASEWORKER,
            user=caseworker,
            start_date=D(2025, 9, 1),
        )
    assert errors_of(excinfo)["start_date"] == [
        "Lara Later is already recorded as Virtual School caseworker from 1 October 2025. "
        "Enter a date after that"
    ]


# --- School places ----------------------------------------------------------------------------


def test_a_new_main_school_place_ends_the_current_one_the_day_before(caseworker):
    child = ChildFactory(date_of_birth=D(2012, 1, 15))
    old = EnrolmentFactory(child=child, start_date=D(2023, 9, 1))
    new_school = SchoolFactory(name="Hilltop Academy")

    new = services.enrolment_add(
        acting_user=caseworker,
        child=child,
        school=new_school,
        start_date=D(2025, 11, 10),
        kind=EnrolmentKind.MAIN,
    )

    old.refresh_from_db()
    assert old.end_date == D(2025, 11, 9)
    assert (new.school, new.end_date, new.year_group) == (new_school, None, 9)  # Year 9 in 2025/26
    assert context_of(new) == {"user": caseworker.pk, "source": "School enrolment added"}


def test_a_new_main_place_starting_the_day_the_current_one_did_is_refused(caseworker):
    school = SchoolFactory(name="Old School")
    current = EnrolmentFactory(school=school, start_date=D(2025, 9, 3))

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_add(
            acting_user=caseworker,
            child=current.child,
            school=SchoolFactory(),
            start_date=D(2025, 9, 3),
        )
    assert errors_of(excinfo)["start_date"] == [
        "The place at Old School started on 3 September 2025, so it cannot end the day before "
        "3 September 2025. Enter a later start date, or end the place at Old School instead"
    ]
    current.refresh_from_db()
    assert current.end_date is None


def test_a_main_place_before_a_later_one_is_refused(caseworker):
    later = EnrolmentFactory(start_date=D(2025, 9, 3), school__name="Newer School")

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_add(
            acting_user=caseworker,
            child=later.child,
            school=SchoolFactory(),
            start_date=D(2025, 1, 6),
        )
    assert "Newer School from 3 September 2025" in errors_of(excinfo)["start_date"][0]


def test_a_subsidiary_place_sits_alongside_the_main_one(caseworker):
    main = EnrolmentFactory(start_date=D(2023, 9, 1))
    pru = SchoolFactory(name="Example PRU")

    services.enrolment_add(
        acting_user=caseworker,
        child=main.child,
        school=pru,
        start_date=D(2025, 10, 6),
        kind=EnrolmentKind.SUBSIDIARY,
        is_phase_transfer=True,
    )

    main.refresh_from_db()
    assert main.end_date is None
    dual = Enrolment.objects.get(child=main.child, school=pru)
    assert (dual.kind, dual.is_phase_transfer) == (EnrolmentKind.SUBSIDIARY, False)


def test_a_place_at_the_school_the_child_is_already_at_is_refused(caseworker):
    main = EnrolmentFactory(start_date=D(2023, 9, 1), school__name="Same School")

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_add(
            acting_user=caseworker,
            child=main.child,
            school=main.school,
            start_date=D(2025, 10, 6),
            kind=EnrolmentKind.SUBSIDIARY,
        )
    assert errors_of(excinfo) == {
        "school": ["The child is already on the roll of Same School on that date"]
    }


def test_ending_a_place_ends_its_reduced_timetable_too(caseworker):
    enrolment = EnrolmentFactory(start_date=D(2023, 9, 1))
    timetable = ReducedTimetable.objects.create(
        enrolment=enrolment, start_date=D(2025, 9, 8), hours_per_week=15, reason="Transition"
    )

    services.enrolment_end(acting_user=caseworker, enrolment=enrolment, end_date=D(2025, 10, 24))

    enrolment.refresh_from_db()
    timetable.refresh_from_db()
    assert (enrolment.end_date, timetable.end_date) == (D(2025, 10, 24), D(2025, 10, 24))
    assert context_of(enrolment, "update")["source"] == "School enrolment ended"


def test_a_place_cannot_end_before_it_began(caseworker):
    enrolment = EnrolmentFactory(start_date=D(2023, 9, 1))

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_end(acting_user=caseworker, enrolment=enrolment, end_date=D(2023, 8, 31))
    assert errors_of(excinfo) == {
        "end_date": [
            "The last day must be on or after the day the place started (1 September 2023)"
        ]
    }


def test_extending_a_place_into_the_next_main_place_is_refused(caseworker):
    old = EnrolmentFactory(start_date=D(2020, 9, 1), end_date=D(2023, 7, 20))
    EnrolmentFactory(child=old.child, start_date=D(2023, 9, 4), school__name="Next School")

    with pytest.raises(ValidationError) as excinfo:
        services.enrolment_end(acting_user=caseworker, enrolment=old, end_date=D(2023, 12, 1))
    assert errors_of(excinfo) == {
        "end_date": [
            "The child's place at Next School starts on 4 September 2023. Enter a date before that"
        ]
    }


def test_the_database_backstop_turns_an_overlap_into_a_plain_english_error(caseworker):
    """If two people save at once, the check can pass for both: the constraint still holds."""
    first = EnrolmentFactory(start_date=D(2023, 9, 1))

    with pytest.raises(ValidationError) as excinfo, attributed_write(caseworker, "Race"):
        Enrolment.objects.create(
            child=first.child, school=SchoolFactory(), start_date=D(2024, 1, 8)
        )
    assert errors_of(excinfo) == {
        "start_date": ["These dates overlap another main school place for this child."]
    }


def test_a_reduced_timetable_is_part_time_and_inside_the_school_place(caseworker):
    enrolment = EnrolmentFactory(start_date=D(2023, 9, 1), end_date=D(2025, 7, 22))

    with pytest.raises(ValidationError) as excinfo:
        services.reduced_timetable_add(
            acting_user=caseworker,
            enrolment=enrolment,
            start_date=D(2025, 8, 1),
            hours_per_week=Decimal("32.5"),
            reason="",
        )
    assert errors_of(excinfo) == {
        "start_date": ["The reduced timetable must start while the child is on roll"],
        "hours_per_week": ["Hours a week must be more than 0 and less than 32.5 (a full week)"],
        "reason": ["Enter why the child is on a reduced timetable"],
    }

    timetable = services.reduced_timetable_add(
        acting_user=caseworker,
        enrolment=enrolment,
        start_date=D(2025, 6, 2),
        hours_per_week=Decimal("12.5"),
        reason="Phased return after illness",
    )
    assert timetable.end_date == D(2025, 7, 22)  # it cannot outlast the place


def test_only_the_virtual_school_head_can_record_agreeing_alternative_provision(caseworker, head):
    child = ChildFactory()
    arrangement = {
        "child": child,
        "provider_name": "Example Tuition Ltd",
        "pattern": "part_time",
        "hours_per_week": Decimal(10),
        "reason": "Awaiting a school place",
        "start_date": D(2025, 11, 3),
        "agreed_by": head,
    }

    with pytest.raises(ValidationError) as excinfo:
        services.alternative_provision_add(acting_user=caseworker, **arrangement)
    assert errors_of(excinfo) == {
        "agreed_by": ["Only the Virtual School Head can record their agreement"]
    }

    provision = services.alternative_provision_add(acting_user=head, **arrangement)
    assert (provision.agreed_by, provision.agreed_on) == (head, D(2025, 11, 20))


# --- Placements -------------------------------------------------------------------------------


def in_care_since_2022(**overrides) -> CareEpisode:
    return CareEpisodeFactory(start_date=D(2022, 5, 1), **overrides)


def test_placement_change_ends_the_episode_with_x1_and_opens_the_next(caseworker):
    current = in_care_since_2022(legal_status="C2", category_of_need="N1", placement_type="U4")
    child = current.child

    new = services.placement_change(
        acting_user=caseworker,
        child=child,
        start_date=D(2025, 10, 13),
        placement_type="K2",
        placement_provider="PR4",
        reason_placement_change="CARPL",
        placement_postcode_district="pe1",
        placement_la_code="874",
    )

    current.refresh_from_db()
    assert (current.end_date, current.reason_ceased, current.reason_placement_change) == (
        D(2025, 10, 13),
        "X1",
        "CARPL",
    )
    assert (new.start_date, new.end_date, new.reason_new_episode) == (D(2025, 10, 13), None, "P")
    assert (new.legal_status, new.category_of_need) == ("C2", "N1")  # carried on
    assert (new.placement_type, new.placement_postcode_district) == ("K2", "PE1")
    assert context_of(new) == {"user": caseworker.pk, "source": "Placement change"}


@pytest.mark.parametrize(
    ("legal_status", "same_carers", "expected"),
    [
        (None, False, "P"),  # change of placement and carer(s) only
        (None, True, "T"),  # change of placement, same carer(s)
        ("C2", True, "T"),  # the same legal status given again is no change
        ("E1", True, "U"),  # legal status and placement, same carer(s)
        ("E1", False, "B"),  # legal status, placement and carer(s)
    ],
)
def test_placement_change_reason_for_new_episode_follows_ssda903(
    caseworker, legal_status, same_carers, expected
):
    current = in_care_since_2022(legal_status="C2")

    new = services.placement_change(
        acting_user=caseworker,
        child=current.child,
        start_date=D(2025, 10, 13),
        placement_type="U6",
        placement_provider="PR1",
        reason_placement_change="CARPL",
        legal_status=legal_status,
        same_carers=same_carers,
    )

    assert new.reason_new_episode == expected
    assert new.legal_status == (legal_status or "C2")


def test_placement_change_keeps_the_child_in_care_cohort_in_step(caseworker):
    current = in_care_since_2022()

    services.placement_change(
        acting_user=caseworker,
        child=current.child,
        start_date=D(2025, 10, 13),
        placement_type="U6",
        placement_provider="PR1",
        reason_placement_change="CHILD",
    )

    memberships = CohortMembership.objects.filter(child=current.child)
    assert list(memberships.values_list("cohort", "start_date", "end_date")) == [
        (Cohort.CHILD_IN_CARE, D(2022, 5, 1), None)
    ]


def test_placement_change_is_refused_for_a_child_not_in_care_that_day(caseworker):
    left = in_care_since_2022(end_date=D(2024, 3, 1), reason_ceased="E4A")

    with pytest.raises(ValidationError) as excinfo:
        services.placement_change(
            acting_user=caseworker,
            child=left.child,
            start_date=D(2025, 10, 13),
            placement_type="U6",
            placement_provider="PR1",
            reason_placement_change="CHILD",
        )
    assert errors_of(excinfo) == {
        "start_date": [
            "The child was not in care on 13 October 2025, going by the care episodes from the "
            "social-care system. Check the date"
        ]
    }
    assert CareEpisode.objects.filter(child=left.child).count() == 1


def test_placement_change_on_the_day_the_placement_started_is_refused(caseworker):
    current = in_care_since_2022()

    with pytest.raises(ValidationError) as excinfo:
        services.placement_change(
            acting_user=caseworker,
            child=current.child,
            start_date=D(2022, 5, 1),
            placement_type="U6",
            placement_provider="PR1",
            reason_placement_change="CHILD",
        )
    assert errors_of(excinfo)["start_date"] == [
        "The current placement started on 1 May 2022. Enter the date the child moved from it"
    ]


def test_placement_change_before_a_later_episode_is_refused(caseworker):
    first = in_care_since_2022(end_date=D(2024, 1, 10), reason_ceased="X1")
    CareEpisodeFactory(child=first.child, start_date=D(2024, 1, 10), reason_new_episode="P")

    with pytest.raises(ValidationError) as excinfo:
        services.placement_change(
            acting_user=caseworker,
            child=first.child,
            start_date=D(2023, 6, 1),
            placement_type="U6",
            placement_provider="PR1",
            reason_placement_change="CHILD",
        )
    assert "A later care episode starts on 10 January 2024" in errors_of(excinfo)["start_date"][0]


def test_placement_change_needs_a_reason_except_around_a_temporary_placement(caseworker):
    current = in_care_since_2022(placement_type="U4")
    move = {
        "acting_user": caseworker,
        "child": current.child,
        "start_date": D(2025, 12, 1),  # also in the future
        "placement_provider": "PR1",
    }

    with pytest.raises(ValidationError) as excinfo:
        services.placement_change(placement_type="U6", **move)
    assert errors_of(excinfo) == {
        "start_date": ["The date the placement started must be today or in the past"],
        "reason_placement_change": ["Select why the placement changed"],
    }

    move["start_date"] = D(2025, 8, 1)
    with pytest.raises(ValidationError) as excinfo:
        services.placement_change(placement_type="T2", reason_placement_change="CHILD", **move)
    assert errors_of(excinfo) == {
        "reason_placement_change": [
            "Leave the reason blank for a move into or out of a temporary placement"
        ]
    }
    holiday = services.placement_change(placement_type="T2", **move)
    assert holiday.reason_new_episode == "P"


def test_a_planned_end_of_care_moves_onto_the_new_episode(caseworker):
    current = in_care_since_2022(end_date=D(2026, 1, 31), reason_ceased="E41")

    new = services.placement_change(
        acting_user=caseworker,
        child=current.child,
        start_date=D(2025, 10, 13),
        placement_type="U3",
        placement_provider="PR0",
        reason_placement_change="CARPL",
    )

    assert (new.end_date, new.reason_ceased) == (D(2026, 1, 31), "E41")


# --- Special educational needs ----------------------------------------------------------------


def test_sen_change_ends_the_current_record_the_day_before(caseworker):
    current = SenRecordFactory(start_date=D(2022, 9, 1), provision="K", primary_need="SEMH")

    new = services.sen_change(
        acting_user=caseworker,
        child=current.child,
        start_date=D(2025, 11, 14),
        provision="E",
        primary_need="SEMH",
        secondary_need="SLCN",
        ehcp_issuing_la_code="874",
    )

    current.refresh_from_db()
    assert current.end_date == D(2025, 11, 13)
    assert (new.provision, new.primary_need, new.secondary_need, new.end_date) == (
        "E",
        "SEMH",
        "SLCN",
        None,
    )
    assert context_of(new) == {"user": caseworker.pk, "source": "SEN changed"}


def test_sen_change_on_the_day_the_record_started_corrects_it_in_place(caseworker):
    current = SenRecordFactory(start_date=D(2025, 9, 1), provision="K", primary_need="MLD")

    corrected = services.sen_change(
        acting_user=caseworker,
        child=current.child,
        start_date=D(2025, 9, 1),
        provision="K",
        primary_need="SPLD",
    )

    assert corrected.pk == current.pk
    assert list(SenRecord.objects.filter(child=current.child).values_list("primary_need")) == [
        ("SPLD",)
    ]
    assert context_of(corrected, "update") == {
        "user": caseworker.pk,
        "source": "SEN record corrected",
    }


def test_sen_change_that_changes_nothing_is_refused(caseworker):
    current = SenRecordFactory(start_date=D(2022, 9, 1), provision="K", primary_need="SEMH")

    with pytest.raises(ValidationError) as excinfo:
        services.sen_change(
            acting_user=caseworker,
            child=current.child,
            start_date=D(2025, 1, 6),
            provision="K",
            primary_need="SEMH",
        )
    assert errors_of(excinfo) == {"provision": ["This is already recorded from 1 September 2022"]}


def test_sen_change_checks_needs_match_the_provision(caseworker):
    child = ChildFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.sen_change(
            acting_user=caseworker,
            child=child,
            start_date=D(2025, 1, 6),
            provision="N",
            primary_need="MLD",
            ehcp_issuing_la_code="874",
        )
    assert errors_of(excinfo) == {
        "primary_need": ["Leave the type of need blank for a child with no SEN"],
        "ehcp_issuing_la_code": ["Only an EHC plan has an issuing authority"],
    }
    with pytest.raises(ValidationError) as excinfo:
        services.sen_change(
            acting_user=caseworker,
            child=child,
            start_date=D(2025, 1, 6),
            provision="K",
            primary_need="",
            secondary_need="",
        )
    assert errors_of(excinfo) == {"primary_need": ["Select the child's main type of need"]}


def test_sen_change_before_a_later_record_is_refused(caseworker):
    later = SenRecordFactory(start_date=D(2025, 9, 1))

    with pytest.raises(ValidationError) as excinfo:
        services.sen_change(
            acting_user=caseworker, child=later.child, start_date=D(2025, 1, 6), provision="N"
        )
    assert errors_of(excinfo)["start_date"] == [
        "A later SEN record starts on 1 September 2025. Enter a date after that"
    ]


# --- Schools ----------------------------------------------------------------------------------


def test_school_create_checks_the_urn_is_six_digits_and_new(caseworker):
    SchoolFactory(urn="110123", name="First Academy")
    school = {"name": "New School", "la_code": "874", "phase": "primary"}

    with pytest.raises(ValidationError) as excinfo:
        services.school_create(acting_user=caseworker, urn="11012", **school)
    assert errors_of(excinfo) == {"urn": ["Enter the school's URN: 6 digits, like 110123"]}
    with pytest.raises(ValidationError) as excinfo:
        services.school_create(acting_user=caseworker, urn="110123", **school)
    assert errors_of(excinfo) == {"urn": ["URN 110123 is already recorded, for First Academy"]}

    created = services.school_create(
        acting_user=caseworker, urn=" 110124 ", postcode="pe1 1hf", **school
    )
    assert (created.urn, created.postcode, created.is_open) == ("110124", "PE1 1HF", True)


def test_school_update_changes_the_details(caseworker):
    school = SchoolFactory(name="Old Name", is_open=True)

    services.school_update(acting_user=caseworker, school=school, name="New Name", is_open=False)

    school.refresh_from_db()
    assert (school.name, school.is_open) == ("New Name", False)


def test_an_overall_ofsted_grade_belongs_only_to_the_graded_framework(caseworker):
    school = SchoolFactory()

    with pytest.raises(ValidationError) as excinfo:
        services.ofsted_inspection_add(
            acting_user=caseworker,
            school=school,
            inspection_date=D(2025, 3, 12),
            framework="sub_judgements",
            overall_grade=2,
        )
    assert errors_of(excinfo) == {
        "overall_grade": ["Only a graded inspection (to August 2024) has an overall grade"]
    }

    inspection = services.ofsted_inspection_add(
        acting_user=caseworker,
        school=school,
        inspection_date=D(2025, 3, 12),
        framework="sub_judgements",
        area_grades={"Quality of education": 2, "Leadership and management": 1},
    )
    assert inspection.area_grades["Leadership and management"] == 1
