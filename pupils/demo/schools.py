"""The demo's schools: fictional ones in the home authority and its neighbours, each with an
Ofsted history under the framework of its day, and the pools children are placed from."""

import bisect
import itertools
from collections import Counter
from datetime import date

from django.conf import settings

from pupils.demo.state import DemoState, SchoolInfo
from pupils.demo.tables import (
    EIF_FROM,
    ESTABLISHMENT_RANGES,
    FIVE_POINT,
    FOUR_POINT,
    NEIGHBOUR_MIX,
    NEIGHBOURS,
    OLD_AREAS,
    PLACE_ENDS,
    PLACE_STARTS,
    POSTCODE_LETTERS,
    REPORT_CARD_AREAS,
    REPORT_CARD_EXTRA,
    REPORT_CARDS_FROM,
    SAINTS,
    SCHOOL_QUALITY,
    SUB_JUDGEMENTS_FROM,
    TYPES,
    URN_PREFIX,
    days,
)
from pupils.models import OfstedFramework, OfstedInspection, Phase, School


def districts(demo: DemoState, la: str) -> list[str]:
    """Postcode districts of an authority: the home authority EX1-EX12, each neighbour
    four of EX20-EX51 (valid in shape, and the areas are fictional)."""
    if la == demo.home:
        return [f"EX{n}" for n in range(1, 13)]
    first = 20 + 4 * demo.neighbours.index(la)
    return [f"EX{n}" for n in range(first, first + 4)]


def la_name(demo: DemoState, la: str) -> str:
    return settings.LA_NAME if la == demo.home else NEIGHBOURS[la]


def _school_specs(demo: DemoState, total: int) -> list[tuple[str, str]]:
    """(LA code, phase) for each school: about 55% in the home authority, where there is
    one of everything, the rest spread over the neighbours."""
    n_home = round(total * 0.55)
    fixed = [Phase.NURSERY] * 2 + [Phase.ALL_THROUGH, Phase.MIDDLE, Phase.FURTHER_EDUCATION]
    fixed += [Phase.ALTERNATIVE] * 2 + [Phase.INDEPENDENT] * 2
    special = max(3, round(n_home * 0.08))
    secondary = round(n_home * 0.22)
    primary = n_home - len(fixed) - special - secondary
    phases = fixed + [Phase.SPECIAL] * special + [Phase.SECONDARY] * secondary
    specs = [(demo.home, phase) for phase in phases + [Phase.PRIMARY] * primary]
    rest = total - n_home
    for i, la in enumerate(demo.neighbours):
        count = rest // len(demo.neighbours) + (i < rest % len(demo.neighbours))
        picks = [NEIGHBOUR_MIX.pick(demo.rng) for _ in range(count - 2)]
        specs += [(la, phase) for phase in [Phase.PRIMARY, Phase.SECONDARY, *picks]]
    return specs


def _school_name(demo: DemoState, phase: str, type_name: str, place: str, la: str) -> str:
    saint = demo.rng.choice(SAINTS)
    names = {
        Phase.NURSERY: f"{place} Nursery School",
        Phase.ALL_THROUGH: f"{place} All-Through Academy",
        Phase.MIDDLE: f"{place} Middle School",
        Phase.FURTHER_EDUCATION: f"{place} College",
        Phase.SPECIAL: f"{place} Special School",
    }
    if phase in names:
        return names[phase]
    if phase == Phase.ALTERNATIVE:
        if type_name == "Pupil referral unit":
            return f"{la_name(demo, la)} Pupil Referral Unit ({place})"
        return f"{place} Alternative Provision Academy"
    if phase == Phase.INDEPENDENT:
        return f"{place} {'Hall' if 'special' in type_name else 'House'} School"
    if type_name == "Voluntary aided school":
        kind = "Primary" if phase == Phase.PRIMARY else "High"
        return f"St {saint}'s Catholic {kind} School, {place}"
    if phase == Phase.PRIMARY:
        if type_name == "Voluntary controlled school":
            return f"{place} Church of England Primary School"
        return f"{place} Primary {'Academy' if 'Academy' in type_name else 'School'}"
    return f"{place} {demo.rng.choice(['Academy', 'High School', 'School'])}"


def _stages(demo: DemoState, phase: str, type_name: str) -> tuple[frozenset[str], float]:
    """Which stages of a child's education a school offers, and how likely a child is to
    be placed there (independent mainstream schools rarely take children in care)."""
    rng = demo.rng
    if phase == Phase.PRIMARY:
        return frozenset({"primary", "nursery"} if rng.random() < 0.5 else {"primary"}), 1
    if phase == Phase.SECONDARY:
        with_sixth = rng.random() < 0.6
        return frozenset({"secondary", "sixth"} if with_sixth else {"secondary"}), 1.5
    if phase == Phase.INDEPENDENT:
        if "special" in type_name:
            return frozenset({"special"}), 1
        return frozenset({"primary", "secondary", "sixth"}), 0.1
    stages = {
        Phase.NURSERY: {"nursery"},
        Phase.ALL_THROUGH: {"primary", "secondary", "sixth"},
        Phase.SPECIAL: {"special"},
        Phase.ALTERNATIVE: {"ap"},
        Phase.FURTHER_EDUCATION: {"fe"},
    }
    return frozenset(stages.get(phase, set())), 1


def schools_generate(demo: DemoState, total: int) -> None:
    """About `total` open schools and two closed ones, with their inspections; then the demo
    teacher's school and the pools the other children are placed from."""
    rng = demo.rng
    places = [a + b for a, b in itertools.product(PLACE_STARTS, PLACE_ENDS)]
    rng.shuffle(places)
    numbers: Counter = Counter()
    demo.schools = []
    specs = _school_specs(demo, total)
    # Two home schools closed when they became academies: only past enrolments there.
    specs += [(demo.home, Phase.PRIMARY), (demo.home, Phase.SECONDARY)]
    for i, (la, phase) in enumerate(specs):
        closed = i >= len(specs) - 2
        type_name = "Community school" if closed else TYPES[phase].pick(rng)
        number = ""
        if phase in ESTABLISHMENT_RANGES:
            base = ESTABLISHMENT_RANGES[phase] + (1000 if "Voluntary" in type_name else 0)
            numbers[(la, base)] += 1
            number = str(base + numbers[(la, base)])
        district = rng.choice(districts(demo, la))
        inward = f"{rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
        school = School(
            urn=f"{URN_PREFIX}{i + 1:04d}",
            la_code=la,
            la_name=la_name(demo, la),
            establishment_number=number,
            name=_school_name(demo, phase, type_name, places[i], la),
            type_name=type_name,
            phase=phase,
            postcode=f"{district} {inward}",
            is_open=not closed,
        )
        stages, weight = _stages(demo, phase, type_name)
        closed_on = demo.today - days(rng.randint(700, 1800)) if closed else None
        quality = _inspections(demo, school, phase, stages, before=closed_on)
        # The statutory guidance: prefer good and outstanding schools for children in care.
        weight *= {1: 1.3, 2: 1.2, 3: 0.5, 4: 0.2}.get(quality, 1)
        demo.schools.append(SchoolInfo(school, stages, weight, closed_on))
    demo.school_info = {info.school.urn: info for info in demo.schools}
    # The demo designated teacher's school: a home secondary nobody else is placed at, so
    # that they see about ten children (chosen at the end).
    demo.teacher_school = next(
        info
        for info in demo.schools
        if info.school.la_code == demo.home
        and info.school.phase == Phase.SECONDARY
        and info.school.is_open
    )
    demo.pools = _placement_pools(demo)


def _placement_pools(demo: DemoState) -> dict:
    """The open schools a child may be placed at, by stage and by (stage, LA code), each with
    the running total of their weights for a weighted choice (see school_pick)."""
    pools: dict = {}
    for info in demo.schools:
        if info is demo.teacher_school or not info.school.is_open:
            continue
        for stage in sorted(info.stages):
            for key in (stage, (stage, info.school.la_code)):
                pools.setdefault(key, []).append(info)
    return {
        key: (infos, list(itertools.accumulate(i.weight for i in infos)))
        for key, infos in pools.items()
    }


def _inspections(
    demo: DemoState, school: School, phase: str, stages, before: date | None
) -> int | None:
    """One to three inspections about four years apart, each under the framework of its
    day; independent schools inspected by others and new schools have none. Returns how
    good the school is now (1 outstanding to 4 inadequate)."""
    rng = demo.rng
    if (phase == Phase.INDEPENDENT and rng.random() < 0.5) or rng.random() < 0.05:
        return None
    quality = SCHOOL_QUALITY.pick(rng)
    day = (before or demo.today) - days(rng.randint(20, 6 * 365))
    for n in range(rng.choice((1, 2, 2, 3))):
        day -= days(max(0, day.weekday() - 4))  # inspectors visit on weekdays
        if day < date(2012, 1, 1):
            break
        grade = quality if n == 0 else min(4, max(1, quality + rng.choice((-1, 0, 0, 1))))
        demo.rows["inspections"].append(_inspection(demo, school, day, grade, stages))
        day -= days(rng.randint(3 * 365, 6 * 365))
    return quality


def _inspection(demo: DemoState, school: School, day: date, grade: int, stages) -> OfstedInspection:
    rng = demo.rng
    extra = ["Early years provision"] if stages & {"nursery", "primary"} else []
    extra += ["Sixth-form provision"] if "sixth" in stages else []

    def near(scale: tuple[str, ...], centre: int) -> str:
        return scale[min(len(scale), max(1, centre + rng.choice((-1, 0, 0, 0, 1)))) - 1]

    inspection = OfstedInspection(school=school, inspection_date=day)
    if day < SUB_JUDGEMENTS_FROM:
        inspection.framework = OfstedFramework.GRADED
        inspection.overall_grade = grade
        if day >= EIF_FROM:
            inspection.area_grades = {a: near(FOUR_POINT, grade) for a in (*OLD_AREAS, *extra)}
    elif day < REPORT_CARDS_FROM:
        inspection.framework = OfstedFramework.SUB_JUDGEMENTS
        inspection.area_grades = {a: near(FOUR_POINT, grade) for a in (*OLD_AREAS, *extra)}
        inspection.safeguarding_met = grade < 4 or rng.random() < 0.5
    else:
        inspection.framework = OfstedFramework.REPORT_CARD
        areas = REPORT_CARD_AREAS + tuple(REPORT_CARD_EXTRA[a] for a in extra)
        inspection.area_grades = {a: near(FIVE_POINT, grade + 1) for a in areas}
        inspection.safeguarding_met = grade < 4 or rng.random() < 0.5
    return inspection


def school_pick(demo: DemoState, stage: str, la: str, avoid: School | None) -> School:
    key = (stage, la) if (stage, la) in demo.pools else (stage, demo.home)
    infos, cumulative = demo.pools.get(key) or demo.pools[stage]
    for _ in range(3):
        info = infos[bisect.bisect(cumulative, demo.rng.random() * cumulative[-1])]
        if info.school is not avoid:
            break
    return info.school
