"""The people around the demo children: the demo sign-ins and staff teams, designated
teachers, and each child's social workers and caseworkers over time."""

import random
from datetime import date

from pupils.demo.state import DemoState
from pupils.demo.tables import days
from pupils.models import (
    Allocation,
    AllocationRole,
    DesignatedTeacher,
    EnrolmentKind,
    Phase,
    School,
)
from vschool.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_users_ensure
from vschool.accounts.models import Role, User


def _staff(demo: DemoState, prefix: str, role: str, count: int) -> list[User]:
    """Demo staff at example.org, reused between seeds; they cannot sign in."""
    emails = [f"{prefix}-{n:03d}@example.org" for n in range(1, count + 1)]
    existing = {user.email: user for user in User.objects.filter(email__in=emails)}
    new = []
    for email in emails:
        if email not in existing:
            name = f"{demo.staff_fake.first_name()} {demo.staff_fake.last_name()}"
            user = User(email=email, full_name=name, role=role)
            user.set_unusable_password()
            new.append(user)
            existing[email] = user
    User.objects.bulk_create(new)
    wrong_role = [user for user in existing.values() if user.role != role]
    for user in wrong_role:
        user.role = role
    User.objects.bulk_update(wrong_role, ["role"])
    return [existing[email] for email in emails]


def staff_generate(demo: DemoState, n_children: int) -> None:
    """The demo sign-ins, the caseworker and social work teams, and a designated teacher for
    every open school."""
    _sign_ins(demo)
    # Teams grow with the roll up to a size, so that the bench's filter lists stay alike.
    caseworkers = min(25, max(3, n_children // 40))
    demo.caseworkers = _staff(demo, "caseworker", Role.CASEWORKER, caseworkers)
    social_workers = min(60, max(5, n_children // 15))
    demo.social_workers = _staff(demo, "social-worker", Role.SOCIAL_WORKER, social_workers)
    open_schools = [info.school for info in demo.schools if info.school.is_open]
    teachers = _staff(
        demo, "designated-teacher", Role.DESIGNATED_TEACHER, len(open_schools) * 11 // 10 + 1
    )
    _designated_teacher_posts(demo, open_schools, teachers)


def _sign_ins(demo: DemoState) -> None:
    """The demo accounts, created (with the printed password) if any is missing."""
    by_email = {u.email: u for u in User.objects.filter(email__in=[p[1] for p in DEMO_PEOPLE])}
    if len(by_email) < len(DEMO_PEOPLE):
        by_email = {user.email: user for user in demo_users_ensure(password=DEMO_PASSWORD)}
    demo.head, demo.caseworker, demo.teacher, demo.social_worker = (
        by_email[email]
        for email in (
            "head@example.org", "caseworker@example.org", "teacher@example.org",
            "socialworker@example.org",
        )
    )  # fmt: skip


def _designated_teacher_posts(
    demo: DemoState, open_schools: list[School], teachers: list[User]
) -> None:
    """One designated teacher per open school (teacher@ at the demo teacher's school); one
    post in ten had a predecessor, drawn from the staff left over."""
    posts = demo.rows["posts"]
    spare = iter(teachers[len(open_schools) :])
    for school, user in zip(open_schools, teachers, strict=False):
        if school is demo.teacher_school.school:
            user = demo.teacher
        start = demo.today - days(demo.rng.randint(60, 8 * 365))
        posts.append(DesignatedTeacher(user=user, school=school, start_date=start))
        if demo.rng.random() < 0.1:
            before = next(spare, teachers[0])
            earlier = start - days(demo.rng.randint(365, 6 * 365))
            posts.append(
                DesignatedTeacher(
                    user=before, school=school, start_date=earlier, end_date=start - days(1)
                )
            )
    # A few designated teachers serve two schools (a federation).
    for user, school in zip(teachers[:3], open_schools[-3:], strict=False):
        start = demo.today - days(demo.rng.randint(30, 700))
        posts.append(DesignatedTeacher(user=user, school=school, start_date=start))


def _split(demo: DemoState, plan, role, begin: date, end: date | None, pool, parts: int) -> None:
    """Allocations covering begin..end (inclusive), with changes of worker along the way."""
    rng, today = demo.rng, demo.today
    begin = min(begin, today)
    end = None if end is None else max(end, begin)
    last = min(end or today, today)
    span = (last - begin).days
    changes = {begin + days(rng.randint(1, span)) for _ in range(parts - 1)} if span else set()
    starts = [begin, *sorted(changes)]
    user = None
    for i, start in enumerate(starts):
        user = _other(rng, pool, user)
        stop = starts[i + 1] - days(1) if i + 1 < len(starts) else end
        demo.rows["allocations"].append(
            Allocation(child=plan["child"], user=user, role=role, start_date=start, end_date=stop)
        )


def allocations_generate(demo: DemoState, plan: dict) -> None:
    """The child's social workers and caseworkers over time, as the kind of child needs."""
    rng, kind, today = demo.rng, plan["kind"], demo.today
    periods = plan["periods"]
    parts = 1 + (rng.random() < 0.35) + (rng.random() < 0.15)
    sw = AllocationRole.SOCIAL_WORKER
    if kind == "cwsw":
        plan["cwsw_from"] = max(plan["child"].date_of_birth, today - days(rng.randint(30, 900)))
        _split(demo, plan, sw, plan["cwsw_from"], None, demo.social_workers, parts)
        return
    began, ended, _ = periods[-1]
    if kind in ("cla", "returned_home"):  # a child in need keeps their social worker
        _split(demo, plan, sw, began, None, demo.social_workers, parts)
    else:
        _split(demo, plan, sw, began, ended - days(1), demo.social_workers, parts)
    cw = AllocationRole.CASEWORKER
    parts = 1 + (rng.random() < 0.3)
    if kind in ("cla", "care_leaver"):  # the 16-25 team keeps working with care leavers
        _split(demo, plan, cw, began + days(rng.randint(0, 21)), None, demo.caseworkers, parts)
    elif kind == "returned_home":
        _split(demo, plan, cw, began, ended - days(1), demo.caseworkers, parts)


def demo_caseloads_assign(demo: DemoState) -> None:
    """The demo sign-ins: caseworker@ with about 40 children, socialworker@ with about 15,
    and teacher@ designated teacher of a school with about ten on roll."""
    rng, today = demo.rng, demo.today
    current = [a for a in demo.rows["allocations"] if a.end_date is None]
    for role, user, count in (
        (AllocationRole.CASEWORKER, demo.caseworker, 40),
        (AllocationRole.SOCIAL_WORKER, demo.social_worker, 15),
    ):
        mine = [a for a in current if a.role == role and a.start_date <= today]
        for allocation in rng.sample(mine, min(count, len(mine))):
            allocation.user = user
    _teacher_caseload(demo)
    _closed_schools_history(demo)


def _teacher_caseload(demo: DemoState) -> None:
    """About ten home secondary pupils move to the demo teacher's school, and two children
    who have since left were there before."""
    rng, today = demo.rng, demo.today
    school = demo.teacher_school.school
    on_roll = [
        e
        for e in demo.rows["enrolments"]
        if e.end_date is None
        and e.kind == EnrolmentKind.MAIN
        and e.school.phase == Phase.SECONDARY
        and e.school.la_code == demo.home
        and 7 <= e.child.year_group(today) <= 11
    ]
    chosen = rng.sample(on_roll, min(10, len(on_roll)))
    for enrolment in chosen:
        enrolment.school = school
    # Two children who have since left: the teacher must not see them now.
    theirs = {id(e.child) for e in chosen}
    past = [
        e
        for e in demo.rows["enrolments"]
        if e.end_date
        and id(e.child) not in theirs
        and e.school.phase == Phase.SECONDARY
        and e.school.la_code == demo.home
    ]
    for enrolment in rng.sample(past, min(2, len(past))):
        enrolment.school = school


def _closed_schools_history(demo: DemoState) -> None:
    """Some past enrolments were at the two schools that have since closed."""
    for info in demo.schools:
        if info.school.is_open:
            continue
        for enrolment in demo.rows["enrolments"]:
            old = enrolment.school
            if (
                enrolment.end_date
                and enrolment.end_date < info.closed_on
                and old.phase == info.school.phase
                and old.la_code == demo.home
                and old is not demo.teacher_school.school
                and demo.rng.random() < 0.1
            ):
                enrolment.school = info.school


def _other(rng: random.Random, pool: list, user) -> User:
    """Someone from the pool other than `user` (when the pool has anyone else)."""
    choice = rng.choice(pool)
    return rng.choice(pool) if choice is user and len(pool) > 1 else choice
