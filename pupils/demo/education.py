"""The demo children's education: SEN histories, school enrolments through the phases (with
moves after placement moves), dual registration, reduced timetables, alternative provision,
and the identifiers their schools issue (UPN, ULN)."""

from datetime import date
from decimal import Decimal

from pupils.demo.care import placement_la
from pupils.demo.schools import school_pick
from pupils.demo.state import DemoState
from pupils.demo.tables import (
    AP_PROVIDERS,
    AP_REASONS,
    EHCP_NEEDS,
    REDUCED_TIMETABLE_REASONS,
    SPECIAL_SCHOOL_CHANCE,
    SUPPORT_NEEDS,
    days,
)
from pupils.identifiers import upn_check_letter
from pupils.models import (
    AlternativeProvision,
    Enrolment,
    EnrolmentKind,
    ProvisionPattern,
    ReducedTimetable,
    SenRecord,
)
from vschool import dates


def _year_start(cohort: int, year: int) -> date:
    return date(cohort + 4 + year, 9, 1)


def sen_history(demo: DemoState, child, plan, year_now, education_from):
    """SEN history from the start of school (or nursery): none, SEN support, an EHC plan;
    about half of school-age children have SEN support or a plan."""
    rng, today = demo.rng, demo.today
    if year_now < -1:
        return [], None
    s0 = _year_start(plan["cohort"], 0 if year_now >= 0 else -1)
    s0 = max(s0, education_from or s0)
    last = today - days(7)
    if s0 >= last:
        return [], None
    roll = rng.random()
    if year_now <= -1:
        status = "E" if roll < 0.03 else "K" if roll < 0.15 else "N"
    elif year_now <= 11:
        status = "E" if roll < 0.27 else "K" if roll < 0.56 else "N"
    else:
        status = "E" if roll < 0.30 else "K" if roll < 0.46 else "N"
    chain = {
        "N": ["N", "K", "N"] if rng.random() < 0.06 else ["N"],
        "K": ["K"] if rng.random() < 0.35 else ["N", "K"],
        "E": rng.choice((["E"], ["K", "E"], ["N", "K", "E"], ["N", "K", "E"])),
    }[status]
    starts = [s0]
    for _ in chain[1:]:
        starts.append(starts[-1] + days(int((last - starts[-1]).days * rng.uniform(0.1, 0.8))))
    if len(set(starts)) < len(starts):  # too little time for a history: just the status
        chain, starts = [status], [s0]
    table = EHCP_NEEDS if "E" in chain else SUPPORT_NEEDS
    primary = table.pick(rng)
    secondary = SUPPORT_NEEDS.pick(rng) if rng.random() < 0.35 else ""
    secondary = "" if secondary in (primary, "NSA") else secondary
    records = []
    for i, (provision, start) in enumerate(zip(chain, starts, strict=True)):
        if provision == "E":
            out = placement_la(demo, plan, start)
            la = out if out != demo.home and rng.random() < 0.3 else demo.home
            if primary == "NSA":
                primary = EHCP_NEEDS.pick(rng)
        end = starts[i + 1] - days(1) if i + 1 < len(starts) else None
        with_need = provision != "N"
        records.append(
            SenRecord(
                child=child,
                provision=provision,
                primary_need=primary if with_need else "",
                secondary_need=secondary if with_need else "",
                ehcp_issuing_la_code=la if provision == "E" else "",
                start_date=start,
                end_date=end,
            )
        )
    special_from = None
    if status == "E" and rng.random() < SPECIAL_SCHOOL_CHANCE.get(primary, 0.15):
        plan_start = starts[chain.index("E")]
        special_from = plan_start if plan_start == s0 else plan_start + days(rng.randint(20, 150))
        if special_from >= today or special_from >= _year_start(plan["cohort"], 14):
            special_from = None
    return records, special_from


def _school_moves(demo: DemoState, plan: dict, first: date, last: date) -> list[date]:
    """Mid-phase school moves: often after a placement move to another authority, now and
    then after one nearby, and occasionally for other reasons."""
    rng, moves = demo.rng, []
    settled = None
    for episode in plan["episodes"]:
        if episode.placement_type.startswith("T"):
            continue
        if episode.reason_new_episode in ("P", "B") and settled is not None:
            chance = 0.55 if episode.placement_la_code != settled.placement_la_code else 0.1
            if rng.random() < chance:
                moves.append(episode.start_date + days(rng.randint(5, 40)))
        settled = episode
    if rng.random() < 0.05:
        moves.append(first + days(rng.randint(0, max(0, (last - first).days))))
    return sorted(day for day in set(moves) if first < day <= min(last, demo.today))


def enrolments_generate(
    demo: DemoState, plan, year_now, special_from, education_from
) -> list[Enrolment]:
    rng, today, cohort = demo.rng, demo.today, plan["cohort"]
    if year_now < -1:
        return []

    def start(year: int) -> date:
        return _year_start(cohort, year)

    stages = [("nursery", start(-1), start(0) - days(1))] if rng.random() < 0.6 else []
    stages += [("primary", start(0), start(7) - days(1))]
    stages += [("secondary", start(7), start(12) - days(1))]
    stages += [("post16", start(12), start(14) - days(1))]
    if plan["kind"] == "care_leaver":
        stages += [("post18", start(14), start(15) - days(1))]
    if special_from:
        stages = [(n, s, min(e, special_from - days(1))) for n, s, e in stages if s < special_from]
        stages += [("special", special_from, start(14) - days(1))]
    if education_from:
        stages = [(n, max(s, education_from), e) for n, s, e in stages if e >= education_from]
    moves = _school_moves(demo, plan, start(0), start(12) - days(1))
    enrolments: list[Enrolment] = []
    current = None
    for stage, first, last in stages:
        if first > today:
            break
        follows = current is not None and current.end_date == first - days(1)
        if stage in ("post16", "post18"):
            stays = rng.random() < (0.45 if stage == "post16" else 0.35)
            if follows and stays and ("sixth" in _stages_of(demo, current) or stage == "post18"):
                current.end_date = last
                continue
            if stage == "post18" or rng.random() < 0.4:  # no course: work, training or NEET
                current = None
                continue
            stage = "fe"
        cuts = [d for d in moves if first < d <= last] if stage != "fe" else []
        pieces = zip([first, *cuts], [*(d - days(1) for d in cuts), last], strict=True)
        for k, (begin, end) in enumerate(pieces):
            if k == 0 and follows and stage in _stages_of(demo, current):
                current.end_date = end
                continue
            if k > 0 and rng.random() < 0.15:
                begin += days(rng.randint(10, 60))  # a spell off roll between schools
            if begin > min(end, today):
                continue
            school = school_pick(
                demo, stage, placement_la(demo, plan, begin), current.school if current else None
            )
            current = Enrolment(
                child=plan["child"],
                school=school,
                start_date=begin,
                end_date=end,
                year_group=plan["child"].year_group(begin),
                is_phase_transfer=k == 0 and follows and stage in ("primary", "secondary", "fe"),
            )
            enrolments.append(current)
    if plan["kind"] == "cla" and 1 <= year_now <= 11 and rng.random() < 0.025:
        _leave_roll(demo, plan, enrolments)
    for enrolment in enrolments:
        if enrolment.end_date >= today:
            enrolment.end_date = None
    return enrolments


def _stages_of(demo: DemoState, enrolment: Enrolment) -> frozenset[str]:
    return demo.school_info[enrolment.school.urn].stages


def _leave_roll(demo: DemoState, plan: dict, enrolments: list[Enrolment]) -> None:
    """A child in care without a school place at the moment (the published reports count
    about one in thirty)."""
    left = demo.today - days(demo.rng.randint(10, 100))
    enrolments[:] = [e for e in enrolments if e.start_date < left]
    if enrolments and enrolments[-1].end_date >= left:
        enrolments[-1].end_date = left - days(1)
        plan["left_roll"] = left


def extras_generate(
    demo: DemoState, plan: dict, enrolments: list[Enrolment], year_now: int
) -> None:
    """Dual registration at a PRU, reduced timetables and alternative provision."""
    rng, today, child = demo.rng, demo.today, plan["child"]
    current = next((e for e in enrolments if e.end_date is None), None)
    if current and 5 <= year_now <= 11 and rng.random() < 0.035:
        begin = max(current.start_date + days(14), today - days(rng.randint(20, 250)))
        if begin < today:
            ap_school = school_pick(demo, "ap", current.school.la_code, None)
            end = begin + days(rng.randint(30, 120)) if rng.random() < 0.3 else None
            enrolments.append(
                Enrolment(
                    child=child,
                    school=ap_school,
                    kind=EnrolmentKind.SUBSIDIARY,
                    start_date=begin,
                    end_date=end if end and end < today else None,
                    year_group=child.year_group(begin),
                )
            )
    if current and 1 <= year_now <= 11 and rng.random() < 0.045:
        begin = max(current.start_date + days(7), today - days(rng.randint(7, 150)))
        end = begin + days(rng.randint(28, 84)) if rng.random() < 0.45 else None
        if begin < today:
            demo.rows["reduced"].append(
                ReducedTimetable(
                    enrolment=current,
                    start_date=begin,
                    end_date=end if end and end < today else None,
                    hours_per_week=Decimal(rng.choice(range(20, 51, 5))) / 2,
                    reason=rng.choice(REDUCED_TIMETABLE_REASONS),
                )
            )
    left = plan.get("left_roll")
    if plan["kind"] == "cla" and 7 <= year_now <= 11 and (left or rng.random() < 0.02):
        _alternative_provision(demo, plan, left)


def _alternative_provision(demo: DemoState, plan: dict, left: date | None) -> None:
    rng, today = demo.rng, demo.today
    begin = left + days(rng.randint(3, 10)) if left else today - days(rng.randint(10, 300))
    if begin >= today:
        return
    school = school_pick(demo, "ap", demo.home, None) if rng.random() < 0.4 else None
    full_time = left is not None or rng.random() < 0.3
    end = begin + days(rng.randint(40, 150)) if rng.random() < 0.4 else None
    demo.rows["provisions"].append(
        AlternativeProvision(
            child=plan["child"],
            provider_name=school.name if school else rng.choice(AP_PROVIDERS),
            provider_school=school,
            pattern=ProvisionPattern.FULL_TIME if full_time else ProvisionPattern.PART_TIME,
            hours_per_week=None if full_time else Decimal(rng.randint(12, 40)) / 2,
            reason=AP_REASONS[1] if left else rng.choice(AP_REASONS),
            agreed_by=demo.head,
            agreed_on=begin - days(rng.randint(1, 14)),
            start_date=begin,
            end_date=end if end and end < today else None,
        )
    )


def upn_issue(demo: DemoState, enrolments: list[Enrolment], uasc: bool) -> str:
    """Issued by the child's first school: check letter, its LAESTAB, the two-digit year
    and a serial. Children never on a roll have none, some records lack one, and a newly
    arrived child may have a temporary UPN (ending in a letter)."""
    rng = demo.rng
    if not enrolments:
        return ""
    temporary = rng.random() < (0.5 if uasc else 0.01)
    if not temporary and rng.random() < 0.03:
        return ""
    first = min(enrolments, key=lambda e: e.start_date)
    school = first.school
    prefix = f"{school.la_code}{school.establishment_number or '9999'}"
    year = dates.academic_year_of(first.start_date) % 100
    while True:
        demo.upn_serials[(prefix, year, temporary)] += 1
        serial = demo.upn_serials[(prefix, year, temporary)]
        if serial < (99 * 23 if temporary else 1000):
            break
        year = (year + 1) % 100
    if temporary:
        tail = f"{serial // 23 + 1:02d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[serial % 23]}"
    else:
        tail = f"{serial:03d}"
    body = f"{prefix}{year:02d}{tail}"
    return upn_check_letter(body) + body


def uln_issue(demo: DemoState) -> str:
    while True:
        digits = [9, *(demo.rng.randint(0, 9) for _ in range(8))]
        check = (10 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))) % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)
