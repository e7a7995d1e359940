"""The demo children and their care: who they are, their periods of care as SSDA903
episodes (placements, legal statuses, moves, holidays, adoptions) and the cohorts that care
does not decide."""

import itertools
from datetime import date

from pupils.demo.schools import districts
from pupils.demo.state import DemoState
from pupils.demo.tables import (
    CARE_LEAVER_ENDS,
    CATEGORY_OF_NEED,
    ETHNICITY,
    FOSTER,
    IN_AREA,
    K3_FROM,
    KINDS,
    MOVE_REASONS,
    NEIGHBOUR_WEIGHTS,
    PLAC_ROUTES,
    PLACEMENTS,
    PROVIDERS,
    RETURNED_HOME_ENDS,
    UASC_ETHNICITY,
    YEARS,
    days,
)
from pupils.models import CareEpisode, Child, Cohort, CohortMembership
from vschool import dates


def child_new(demo: DemoState, index: int) -> dict:
    """Who the child is (kind of child, year group, name, date of birth, ethnicity), as the
    start of their plan: the dict the other generators read and add to."""
    rng, fake, today = demo.rng, demo.fake, demo.today
    kind = KINDS.pick(rng)
    year = YEARS[kind].pick(rng)
    this_year = dates.academic_year_of(today)
    # Year -5 is born since 1 September: only as many as this year's births so far.
    while year == -5 and rng.random() * 365 > (today - date(this_year, 9, 1)).days:
        year = YEARS[kind].pick(rng)
    born = this_year - 4 - year  # the "cohort" of vschool.dates
    earliest, latest = date(born - 1, 9, 1), min(date(born, 8, 31), today - days(7))
    dob = earliest + days(rng.randint(0, max(0, (latest - earliest).days)))
    age = dates.age_on(dob, today)
    if kind == "cla" and age >= 18:
        kind = "care_leaver"
    male = rng.random() < 0.56
    uasc = kind == "cla" and age >= 14 and rng.random() < 0.12
    first = fake.first_name_male() if male else fake.first_name_female()
    child = Child(
        la_child_id=f"{9000001 + index}",
        legal_first_name=first,
        legal_last_name=fake.last_name(),
        date_of_birth=dob,
        sex="1" if male else "2",
        ethnicity=(UASC_ETHNICITY if uasc else ETHNICITY).pick(rng),
        year_group_adjustment=-1 if 0 <= year <= 11 and rng.random() < 0.015 else 0,
    )
    if rng.random() < 0.07:  # known by another name
        child.preferred_name = fake.first_name_male() if male else fake.first_name_female()
    cohort = (dob.year if dob.month < 9 else dob.year + 1) - child.year_group_adjustment
    return {"child": child, "kind": kind, "uasc": uasc, "cohort": cohort}


def care_history(demo: DemoState, plan: dict) -> str:
    """The child's periods of care and their episodes, into the plan; returns the route out
    of care of a previously looked-after child ("" for the others)."""
    child, uasc = plan["child"], plan["uasc"]
    dob = child.date_of_birth
    periods, route = _care_periods(demo, plan["kind"], dob, uasc)
    plan["periods"] = periods
    episodes = []
    for start, end, ceased in periods:
        episodes += _period_episodes(demo, child, dob, start, end, ceased, route, uasc)
    _holiday(demo, episodes)
    plan["episodes"] = episodes
    return route


def _neighbour(demo: DemoState) -> str:
    return demo.rng.choices(demo.neighbours, NEIGHBOUR_WEIGHTS[: len(demo.neighbours)])[0]


def _care_periods(demo: DemoState, kind: str, dob: date, uasc: bool):
    """Periods of care as (start, day care ceased or None, reason ceased), and for PLAC the
    route out of care."""
    rng, today = demo.rng, demo.today
    life = (today - dob).days
    if kind == "cwsw":
        return [], ""
    if kind == "cla":
        if uasc:
            start = max(today - days(rng.randint(20, 900)), _birthday(dob, 14))
        else:
            start = today - days(int(life * rng.betavariate(1.2, 2.0)))
        start = max(dob, min(start, today - days(7)))
        periods = [(start, None, "")]
        room = (start - dob).days
        if not uasc and room > 400 and rng.random() < 0.1:
            ended = start - days(rng.randint(60, room // 2))
            began = max(dob, ended - days(rng.randint(30, 500)))
            periods.insert(0, (began, ended, RETURNED_HOME_ENDS.pick(rng)))
        return periods, ""
    if kind == "care_leaver":
        ended = _birthday(dob, 18)
        began = max(dob, ended - days(rng.randint(200, 12 * 365)))
        return [(began, ended, CARE_LEAVER_ENDS.pick(rng))], ""
    if kind == "returned_home":
        ended = max(today - days(rng.randint(30, 1000)), dob + days(90))
        ended = min(ended, today - days(7))
        began = max(dob, ended - days(rng.randint(60, 1500)))
        return [(began, ended, RETURNED_HOME_ENDS.pick(rng))], ""
    route = PLAC_ROUTES.pick(rng)
    longest = {"adopted": 6 * 365, "sgo": 13 * 365, "cao": 12 * 365}[route]
    ended = min(dob + days(rng.randint(400, longest)), today - days(30))
    began = max(dob, ended - days(rng.randint(270, 1100)))
    ceased = {"adopted": "E11" if rng.random() < 0.8 else "E12", "cao": "E41"}.get(route, "")
    return [(began, ended, ceased)], route


def _placement(demo: DemoState, age: int, day: date, legal: str, uasc: bool) -> str:
    if uasc:
        band = "uasc16+" if age >= 16 else "uasc"
    else:
        band = "baby" if age < 1 else "child" if age < 11 else "teen" if age < 16 else "16+"
    while True:
        place = PLACEMENTS[band].pick(demo.rng)
        if not (place == "P1" and legal == "V2"):  # placed with parents needs a care order
            break
    return "H5" if place == "K3" and day < K3_FROM else place


def _details(demo: DemoState, place: str) -> dict:
    provider = PROVIDERS[place].pick(demo.rng)
    in_area = IN_AREA[provider] * (0.7 if place in ("K2", "S1", "R1") else 1)
    la = demo.home if demo.rng.random() < in_area else _neighbour(demo)
    return {
        "placement_type": place,
        "placement_provider": provider,
        "placement_la_code": la,
        "placement_postcode_district": demo.rng.choice(districts(demo, la)),
    }


def _episode(child, start, rne, legal, need, details, change="") -> CareEpisode:
    return CareEpisode(
        child=child,
        start_date=start,
        reason_new_episode=rne,
        legal_status=legal,
        category_of_need=need,
        reason_placement_change=change,
        **details,
    )


def _legal_step(demo: DemoState, legal: str, day: date, uasc: bool, young: bool):
    """When the legal status changes next, and to what: an interim care order becomes a
    full one (or, for some young children, a placement order for adoption) within a year;
    some section 20 accommodation turns into care proceedings."""
    rng = demo.rng
    if legal == "C1":
        return day + days(rng.randint(90, 330)), "E1" if young and rng.random() < 0.3 else "C2"
    if legal == "V2" and not uasc and rng.random() < 0.35:
        return day + days(rng.randint(60, 500)), "C1"
    return None, ""


def _stay(demo: DemoState, first: bool) -> int:
    """Days until the next placement move: a fifth of first placements are emergency
    ones that end within months; after that about one move in five years."""
    if first and demo.rng.random() < 0.2:
        return demo.rng.randint(7, 120)
    return 30 + int(demo.rng.expovariate(1 / 1800))


def _move(demo: DemoState, dob, day, legal, uasc, details, at_sixteen: bool) -> tuple[dict, bool]:
    """The next placement's details, and whether the carers stay the same."""
    rng = demo.rng
    if at_sixteen:
        return _details(demo, "K3" if day >= K3_FROM else "H5"), False
    if details["placement_type"] == "U6" and rng.random() < 0.3:
        return details | {"placement_type": "U4"}, True  # the same carers, now long-term
    if legal == "E1" and rng.random() < 0.6:
        return _details(demo, "A6"), False  # placed with prospective adopters
    return _details(demo, _placement(demo, dates.age_on(dob, day), day, legal, uasc)), False


def _period_episodes(
    demo: DemoState, child, dob, start, end, ceased, route, uasc
) -> list[CareEpisode]:
    if route == "adopted":
        return _adoption(demo, child, dob, start, end, ceased)
    rng = demo.rng
    stop = end or demo.today
    need = "N8" if uasc else CATEGORY_OF_NEED.pick(rng)
    age = dates.age_on(dob, start)
    legal = "V2" if uasc else rng.choices(("C1", "V2"), (70, 30) if age < 10 else (50, 50))[0]
    kinship = route == "sgo" and rng.random() < 0.7  # with relatives who become guardians
    details = _details(demo, "U3" if kinship else _placement(demo, age, start, legal, uasc))
    episodes = [_episode(child, start, "S", legal, need, details)]
    next_legal, new_legal = _legal_step(demo, legal, start, uasc, young=age < 4)
    next_move = stop if kinship else start + days(_stay(demo, first=True))
    # Many move on to supported accommodation at 16 or 17.
    sixteen = _birthday(dob, 16) + days(rng.randint(0, 300))
    next_sixteen = sixteen if start < sixteen and not kinship and rng.random() < 0.4 else None
    while True:
        day = min(d for d in (next_legal, next_move, next_sixteen) if d is not None)
        if day >= stop:  # the last episode keeps at least one day
            break
        previous = episodes[-1]
        previous.end_date, previous.reason_ceased = day, "X1"
        legal_change, change, rne = day == next_legal, "", "L"
        if legal_change:
            legal = new_legal
            next_legal, new_legal = _legal_step(demo, legal, day, uasc, young=False)
        if day in (next_move, next_sixteen):
            details, same_carers = _move(
                demo, dob, day, legal, uasc, details, at_sixteen=day == next_sixteen
            )
            if same_carers:
                rne, change = ("U" if legal_change else "T"), "CARPL"
            else:
                rne, change = ("B" if legal_change else "P"), MOVE_REASONS.pick(rng)
            next_move = day + days(_stay(demo, first=False))
            next_sixteen = None if day == next_sixteen else next_sixteen
        episodes.append(_episode(child, day, rne, legal, need, details, change))
    if end is not None:
        last = episodes[-1]
        last.end_date = end
        last.reason_ceased = ceased or _sgo_reason(demo, last.placement_type)
    return episodes


def _sgo_reason(demo: DemoState, place: str) -> str:
    if place in ("U1", "U2", "U3"):
        return "E47" if demo.rng.random() < 0.7 else "E45"
    return "E46" if place in FOSTER else "E48"


def _adoption(demo: DemoState, child, dob, start, end, ceased) -> list[CareEpisode]:
    """Care proceedings (C1), a placement order (E1), placement with adopters (A5 with the
    fostering-for-adoption carers, otherwise A6), then the adoption order."""
    rng, span = demo.rng, (end - dob).days
    order = dob + days(int(span * rng.uniform(0.35, 0.5)))
    placed = dob + days(int(span * rng.uniform(0.55, 0.85)))
    start = max(dob, min(start, dob + days(int(span * rng.uniform(0, 0.3)))))
    need = CATEGORY_OF_NEED.pick(rng)
    details = _details(demo, "U5" if rng.random() < 0.2 else "U6")
    adopters = _details(demo, "A5" if details["placement_type"] == "U5" else "A6")
    if adopters["placement_type"] == "A5":
        adopters = details | {"placement_type": "A5"}
    episodes = [
        _episode(child, start, "S", "C1", need, details),
        _episode(child, order, "L", "E1", need, details),
        _episode(
            child, placed, "T" if details["placement_type"] == "U5" else "P", "E1", need,
            adopters, "CARPL",
        ),
    ]  # fmt: skip
    for before, after in itertools.pairwise(episodes):
        before.end_date, before.reason_ceased = after.start_date, "X1"
    episodes[-1].end_date, episodes[-1].reason_ceased = end, ceased
    return episodes


def _holiday(demo: DemoState, episodes: list[CareEpisode]) -> None:
    """A few children spend a week or two of last summer away on holiday (T2) and come
    back to the same placement: not a placement move."""
    rng, today = demo.rng, demo.today
    if rng.random() >= 0.06:
        return
    summer = today.year if today >= date(today.year, 9, 1) else today.year - 1
    away = date(summer, 7, 25) + days(rng.randint(0, 21))
    back = away + days(rng.randint(7, 14))
    for i, episode in enumerate(episodes):
        ends = episode.end_date or today
        fits = episode.start_date < away and back < min(ends, today)
        if episode.placement_type in FOSTER and fits:
            holiday = _copy(episode, start_date=away, end_date=back, reason_ceased="X1")
            holiday.placement_type, holiday.reason_new_episode = "T2", "T"
            holiday.reason_placement_change = ""
            returned = _copy(episode, start_date=back, reason_new_episode="T")
            returned.reason_placement_change = ""
            episode.end_date, episode.reason_ceased = away, "X1"
            episodes[i + 1 : i + 1] = [holiday, returned]
            return


def placement_la(demo: DemoState, plan: dict, day: date) -> str:
    """Where the child lived that day: their placement's authority, or home when not in care."""
    for episode in reversed(plan["episodes"]):
        if episode.start_date <= day and (episode.end_date is None or episode.end_date > day):
            return episode.placement_la_code
    return demo.home


def memberships_generate(demo: DemoState, plan: dict, route: str) -> None:
    """The cohorts care does not decide (child in care and PLAC are derived from the
    episodes by pupils.care after saving)."""
    kind, child = plan["kind"], plan["child"]
    rows = demo.rows["memberships"]
    ended = plan["periods"][-1][1] if plan["periods"] else None
    if kind == "care_leaver":
        rows.append(CohortMembership(child=child, cohort=Cohort.CARE_LEAVER, start_date=ended))
    elif kind in ("returned_home", "cwsw"):
        begin = ended if kind == "returned_home" else plan["cwsw_from"]
        rows.append(
            CohortMembership(child=child, cohort=Cohort.CHILD_WITH_SOCIAL_WORKER, start_date=begin)
        )
    elif route and plan["episodes"][-1].reason_ceased in ("E47", "E41"):
        rows.append(CohortMembership(child=child, cohort=Cohort.KINSHIP, start_date=ended))


def _birthday(dob: date, years: int) -> date:
    try:
        return dob.replace(year=dob.year + years)
    except ValueError:  # 29 February
        return date(dob.year + years, 3, 1)


def _copy(episode: CareEpisode, **changes) -> CareEpisode:
    """The same episode with some fields changed (the child may not be saved yet)."""
    fields = {f.name: getattr(episode, f.name) for f in CareEpisode._meta.concrete_fields}
    fields.pop("id")
    return CareEpisode(**(fields | changes))
