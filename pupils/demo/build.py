"""Building a demo Virtual School in memory: the order the generators run in, one child's
story from care to school, and the summary printed at the end."""

from dataclasses import dataclass

from pupils.demo.care import care_history, child_new, memberships_generate
from pupils.demo.education import (
    enrolments_generate,
    extras_generate,
    sen_history,
    uln_issue,
    upn_issue,
)
from pupils.demo.people import allocations_generate, demo_caseloads_assign, staff_generate
from pupils.demo.schools import schools_generate
from pupils.demo.state import DemoState
from pupils.demo.tables import days


@dataclass
class DemoSummary:
    children: int
    schools: int
    rows: dict[str, int]
    caseworker_children: int
    social_worker_children: int
    teacher_children: int
    teacher_school: str


def demo_build(demo: DemoState, n_children: int) -> None:
    """The schools and staff, then every child's story, then the demo sign-ins' caseloads:
    in this order, for they share one random source."""
    total_schools = min(120, max(60, 40 + n_children // 10))
    schools_generate(demo, total_schools)
    staff_generate(demo, n_children)
    demo.plans = [_child(demo, i) for i in range(n_children)]
    demo_caseloads_assign(demo)


def _child(demo: DemoState, index: int) -> dict:
    """One child and all their records, added to the rows; returns their plan."""
    rng, today = demo.rng, demo.today
    plan = child_new(demo, index)
    child, uasc = plan["child"], plan["uasc"]
    route = care_history(demo, plan)
    periods, episodes = plan["periods"], plan["episodes"]
    education_from = periods[-1][0] + days(rng.randint(14, 90)) if uasc else None
    year_now = child.year_group(today)
    sen, special_from = sen_history(demo, child, plan, year_now, education_from)
    enrolments = enrolments_generate(demo, plan, year_now, special_from, education_from)
    extras_generate(demo, plan, enrolments, year_now)
    child.upn = upn_issue(demo, enrolments, uasc)
    if year_now >= 12 and rng.random() < 0.6:
        child.uln = uln_issue(demo)
    allocations_generate(demo, plan)
    memberships_generate(demo, plan, route)
    demo.rows["children"].append(child)
    demo.rows["episodes"] += episodes
    demo.rows["sen"] += sen
    demo.rows["enrolments"] += enrolments
    return plan


def demo_summary(demo: DemoState) -> DemoSummary:
    today = demo.today
    allocations = [a for a in demo.rows["allocations"] if a.is_current(today)]
    on_roll = {
        e.child_id
        for e in demo.rows["enrolments"]
        if e.school is demo.teacher_school.school and e.is_current(today)
    }
    return DemoSummary(
        children=len(demo.rows["children"]),
        schools=len(demo.schools),
        rows={name: len(rows) for name, rows in demo.rows.items()},
        caseworker_children=sum(a.user == demo.caseworker for a in allocations),
        social_worker_children=sum(a.user == demo.social_worker for a in allocations),
        teacher_children=len(on_roll),
        teacher_school=demo.teacher_school.school.name,
    )
