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

import bisect
import itertools
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pupils.care import cohort_memberships_sync_from_care
from pupils.identifiers import upn_check_letter
from pupils.models import (
    Allocation,
    AllocationRole,
    AlternativeProvision,
    CareEpisode,
    Child,
    Cohort,
    CohortMembership,
    DesignatedTeacher,
    Enrolment,
    EnrolmentKind,
    OfstedFramework,
    OfstedInspection,
    Phase,
    ProvisionPattern,
    ReducedTimetable,
    School,
    SenRecord,
)
from vschool import dates
from vschool.accounts.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_users_ensure
from vschool.accounts.models import Role, User
from vschool.history import attributed

SOURCE = "Demo data"
BATCH = 500
URN_PREFIX = "99"  # no real URN starts 99
NEIGHBOURS = {
    "991": "Northmoor",
    "992": "Westvale",
    "993": "Eastmarsh",
    "994": "Brackenshire",
    "995": "Fenwold",
    "996": "Hollindale",
    "997": "Marrowby",
    "998": "Ravensmere",
}
SUB_JUDGEMENTS_FROM = date(2024, 9, 2)
REPORT_CARDS_FROM = date(2025, 11, 10)
EIF_FROM = date(2019, 9, 1)  # key judgements recorded from the 2019 framework on
K3_FROM = date(2023, 10, 28)  # supported accommodation registered; H5 before


def _days(n: int) -> timedelta:
    return timedelta(days=n)


class _Table:
    """Weighted choices: _Table({"U4": 30, "U6": 30}).pick(rng)."""

    def __init__(self, weights: dict):
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return self.keys[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# --- Who the children are (DfE children looked after, England, and the Halton reports) -------
KINDS = _Table({"cla": 68, "care_leaver": 9, "plac": 12, "returned_home": 6, "cwsw": 5})
_CLA_YEARS = {-5: 3, -4: 3, -3: 3, -2: 3, -1: 3, 0: 3, 1: 3, 2: 3.2, 3: 3.5, 4: 3.6}
_CLA_YEARS |= {5: 4, 6: 4.2, 7: 5, 8: 5.5, 9: 7, 10: 7.5, 11: 8, 12: 7.5, 13: 6}
YEARS = {
    "cla": _Table(_CLA_YEARS),
    "care_leaver": _Table({14: 45, 15: 35, 16: 20}),
    "plac": _Table({-1: 2, **dict.fromkeys(range(12), 6), 12: 3, 13: 2}),
    "returned_home": _Table(dict.fromkeys(range(-3, 14), 1)),
    "cwsw": _Table(dict.fromkeys(range(14), 1)),
}
ETHNICITY = _Table(
    {"WBRI": 65, "WIRI": 0.5, "WIRT": 0.3, "WROM": 0.7, "WOTH": 5, "MWBC": 3.5, "MWBA": 1.5}
    | {"MWAS": 2, "MOTH": 3, "AIND": 0.5, "APKN": 1.2, "ABAN": 0.5, "AOTH": 2, "BAFR": 4}
    | {"BCRB": 1.2, "BOTH": 1.5, "CHNE": 0.2, "OOTH": 4, "REFU": 0.3, "NOBT": 0.8}
)
UASC_ETHNICITY = _Table({"OOTH": 40, "BAFR": 30, "AOTH": 25, "MOTH": 5})

# --- Care (SSDA903 codes, pupils.codes) --------------------------------------------------------
CATEGORY_OF_NEED = _Table(
    {"N1": 62, "N2": 3, "N3": 4, "N4": 8, "N5": 14, "N6": 2, "N7": 0.5, "N8": 6.5}
)
PLACEMENTS = {
    "baby": _Table({"U6": 40, "U4": 10, "U5": 10, "U3": 15, "R3": 5, "P1": 5, "U2": 3}),
    "child": _Table({"U6": 30, "U4": 30, "U3": 11, "U1": 9, "P1": 7, "K2": 4, "S1": 0.5}),
    "teen": _Table({"U6": 24, "U4": 24, "U3": 7, "U1": 7, "K2": 22, "P1": 6, "S1": 2, "R1": 1}),
    "16+": _Table({"U4": 20, "U6": 14, "U1": 5, "U3": 4, "K2": 14, "K3": 33, "P1": 4, "P2": 4}),
    "uasc": _Table({"U6": 70, "K2": 30}),
    "uasc16+": _Table({"K3": 60, "U6": 30, "K2": 10}),
}
FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
_LA_FOSTER = {"PR1": 55, "PR4": 40, "PR5": 5}
_KINSHIP = {"PR1": 90, "PR2": 10}
_SUPPORTED = {"PR4": 55, "PR5": 25, "PR1": 20}
PROVIDERS = {
    **dict.fromkeys(("U1", "U2", "U3"), _Table(_KINSHIP)),
    **dict.fromkeys(("U4", "U5", "U6"), _Table(_LA_FOSTER)),
    **dict.fromkeys(("K3", "H5"), _Table(_SUPPORTED)),
    **dict.fromkeys(("A5", "A6"), _Table({"PR1": 60, "PR2": 25, "PR5": 15})),
    "K2": _Table({"PR4": 75, "PR1": 20, "PR5": 5}),
    "P1": _Table({"PR0": 1}),
    "P2": _Table({"PR1": 60, "PR4": 40}),
    "R1": _Table({"PR4": 1}),
    "R3": _Table({"PR4": 60, "PR3": 40}),
    "S1": _Table({"PR4": 80, "PR3": 20}),
}
IN_AREA = {"PR0": 0.85, "PR1": 0.8, "PR2": 0.2, "PR3": 0.5, "PR4": 0.4, "PR5": 0.5}
NEIGHBOUR_WEIGHTS = (30, 20, 15, 10, 8, 7, 5, 5)  # nearer authorities take more placements
MOVE_REASONS = _Table(
    {"CARPL": 35, "CREQB": 12, "CREQO": 12, "CHILD": 8, "LAREQ": 10, "PLACE": 5, "ALLEG": 3}
    | {"STAND": 3, "APPRR": 2, "CLOSE": 3, "OTHER": 7}
)
CARE_LEAVER_ENDS = _Table({"E17": 30, "E5": 40, "E6": 8, "E8": 7, "E13": 5, "E4A": 10})
RETURNED_HOME_ENDS = _Table({"E4A": 70, "E4B": 15, "E13": 15})
PLAC_ROUTES = _Table({"adopted": 50, "sgo": 40, "cao": 10})

# --- SEN (the Halton reports: SEMH the primary need of 54-70% of EHC plans) -------------------
EHCP_NEEDS = _Table(
    {"SEMH": 55, "ASD": 15, "SLCN": 8, "MLD": 8, "SLD": 4, "SPLD": 3, "PD": 2, "PMLD": 1}
    | {"HI": 1, "VI": 1, "OTH": 2}
)
SUPPORT_NEEDS = _Table(
    {"SEMH": 45, "SLCN": 15, "MLD": 12, "SPLD": 10, "ASD": 7, "OTH": 5, "NSA": 3, "PD": 1}
    | {"HI": 1, "VI": 1}
)
SPECIAL_SCHOOL_CHANCE = {"SLD": 0.9, "PMLD": 0.95, "ASD": 0.45, "PD": 0.3, "HI": 0.3, "VI": 0.3}

REDUCED_TIMETABLE_REASONS = (
    "Phased return after a placement move",
    "Building up hours after a period of anxiety-based school avoidance",
    "Transition into a new school",
    "Medical needs, agreed with the school nurse",
)
AP_PROVIDERS = (
    "Bridgeway Vocational Centre",
    "Pathways Outdoor Learning",
    "Horizon Motor Vehicle Academy",
    "Online Tuition Partners",
    "Home tuition service",
)
AP_REASONS = (
    "At risk of permanent exclusion: a vocational offer two days a week",
    "Tuition while a new school place is found",
    "Social, emotional and mental health needs: small-group provision",
    "Re-engagement programme after a long absence",
)

# --- Schools ---------------------------------------------------------------------------------
PLACE_STARTS = (
    "Alder", "Bram", "Bryn", "Cold", "Elder", "Fern", "Hazel", "Holly", "Kes", "Lark",
    "Marl", "Orch", "Pen", "Rook", "Sedge", "Thorn", "Willow", "Wren",
)  # fmt: skip
PLACE_ENDS = (
    "combe", "dale", "field", "holme", "ley", "mere", "stead", "thorpe", "wick", "brook",
    "hurst", "well",
)  # fmt: skip
SAINTS = ("Aidan", "Bede", "Chad", "Cuthbert", "Hilda", "Oswald", "Wilfrid", "Edmund", "Alban")
TYPES = {
    Phase.PRIMARY: _Table(
        {"Community school": 40, "Voluntary aided school": 10, "Academy converter": 25}
        | {"Voluntary controlled school": 10, "Academy sponsor led": 10, "Foundation school": 5}
    ),
    Phase.SECONDARY: _Table(
        {"Academy converter": 45, "Academy sponsor led": 25, "Community school": 10}
        | {"Foundation school": 8, "Free schools": 5, "Voluntary aided school": 7}
    ),
    Phase.SPECIAL: _Table(
        {"Community special school": 50, "Academy special converter": 30}
        | {"Foundation special school": 10, "Academy special sponsor led": 10}
    ),
    Phase.ALTERNATIVE: _Table(
        {"Pupil referral unit": 60, "Academy alternative provision converter": 40}
    ),
    Phase.INDEPENDENT: _Table(
        {"Other independent special school": 60, "Other independent school": 40}
    ),
    Phase.NURSERY: _Table({"Local authority nursery school": 1}),
    Phase.ALL_THROUGH: _Table({"Academy converter": 1}),
    Phase.MIDDLE: _Table({"Community school": 1}),
    Phase.FURTHER_EDUCATION: _Table({"Further education": 1}),
}
NEIGHBOUR_MIX = _Table(
    {Phase.PRIMARY: 55, Phase.SECONDARY: 25, Phase.SPECIAL: 10, Phase.INDEPENDENT: 5}
    | {Phase.FURTHER_EDUCATION: 5}
)
ESTABLISHMENT_RANGES = {  # the DfE's number ranges by kind of school
    Phase.NURSERY: 1000, Phase.ALTERNATIVE: 1100, Phase.PRIMARY: 2000, Phase.MIDDLE: 4000,
    Phase.SECONDARY: 4000, Phase.ALL_THROUGH: 4000, Phase.INDEPENDENT: 6000, Phase.SPECIAL: 7000,
}  # fmt: skip
OLD_AREAS = (
    "Quality of education", "Behaviour and attitudes", "Personal development",
    "Leadership and management",
)  # fmt: skip
REPORT_CARD_AREAS = (
    "Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour",
    "Personal development and well-being", "Leadership and governance",
)  # fmt: skip
REPORT_CARD_EXTRA = {"Early years provision": "Early years", "Sixth-form provision": "Post-16"}
FOUR_POINT = ("Outstanding", "Good", "Requires improvement", "Inadequate")
FIVE_POINT = (
    "Exceptional", "Strong standard", "Expected standard", "Needs attention", "Urgent improvement",
)  # fmt: skip
SCHOOL_QUALITY = _Table({1: 15, 2: 62, 3: 17, 4: 6})
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass
class _SchoolInfo:
    school: School
    stages: frozenset[str]  # the parts of a child's education it offers
    weight: float
    closed_on: date | None = None


@dataclass
class DemoSummary:
    children: int
    schools: int
    rows: dict[str, int]
    caseworker_children: int
    social_worker_children: int
    teacher_children: int
    teacher_school: str


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
    has no children yet. Saved in batches (see `_Demo.save`); if anything fails, what was
    saved is deleted again."""
    if demo_children_exist():
        raise RuntimeError("There are children already: delete them first (seed_demo --reset).")
    demo = _Demo(seed=seed, today=today or timezone.localdate())
    with attributed(acting_user=None, source=SOURCE):
        _demo_schools_delete()  # left behind without children, they would clash on URN
        demo.build(children)
        try:
            demo.save()
        except BaseException:
            for model in CHILD_RECORDS:  # there were no children before: leave none
                _delete_in_batches(model.objects.all())
            _demo_schools_delete()
            raise
    return demo.summary()


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


class _Demo:
    def __init__(self, *, seed: int, today: date):
        try:
            from faker import Faker
        except ImportError as error:  # the production image has no development dependencies
            raise RuntimeError(
                "Demo data needs Faker: pip install -c constraints.txt '.[dev]'"
            ) from error
        self.rng = random.Random(seed)  # noqa: S311 (made-up data, not secrets)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.staff_fake = Faker("en_GB")
        self.staff_fake.seed_instance(0)  # staff keep their names whatever the seed
        self.today = today
        self.home = settings.LA_CODE
        self.neighbours = [code for code in NEIGHBOURS if code != self.home]
        self.rows: dict[str, list] = {
            name: []
            for name in (
                "children", "episodes", "enrolments", "reduced", "provisions", "sen",
                "allocations", "memberships", "inspections", "posts",
            )
        }  # fmt: skip
        self.upn_serials: Counter = Counter()

    # --- Places ----------------------------------------------------------------------------
    def _districts(self, la: str) -> list[str]:
        """Postcode districts of an authority: the home authority EX1-EX12, each neighbour
        four of EX20-EX51 (valid in shape, and the areas are fictional)."""
        if la == self.home:
            return [f"EX{n}" for n in range(1, 13)]
        first = 20 + 4 * self.neighbours.index(la)
        return [f"EX{n}" for n in range(first, first + 4)]

    def _la_name(self, la: str) -> str:
        return settings.LA_NAME if la == self.home else NEIGHBOURS[la]

    def _neighbour(self) -> str:
        return self.rng.choices(self.neighbours, NEIGHBOUR_WEIGHTS[: len(self.neighbours)])[0]

    # --- Schools, inspections, staff -------------------------------------------------------
    def _school_specs(self, total: int) -> list[tuple[str, str]]:
        """(LA code, phase) for each school: about 55% in the home authority, where there is
        one of everything, the rest spread over the neighbours."""
        n_home = round(total * 0.55)
        fixed = [Phase.NURSERY] * 2 + [Phase.ALL_THROUGH, Phase.MIDDLE, Phase.FURTHER_EDUCATION]
        fixed += [Phase.ALTERNATIVE] * 2 + [Phase.INDEPENDENT] * 2
        special = max(3, round(n_home * 0.08))
        secondary = round(n_home * 0.22)
        primary = n_home - len(fixed) - special - secondary
        phases = fixed + [Phase.SPECIAL] * special + [Phase.SECONDARY] * secondary
        specs = [(self.home, phase) for phase in phases + [Phase.PRIMARY] * primary]
        rest = total - n_home
        for i, la in enumerate(self.neighbours):
            count = rest // len(self.neighbours) + (i < rest % len(self.neighbours))
            picks = [NEIGHBOUR_MIX.pick(self.rng) for _ in range(count - 2)]
            specs += [(la, phase) for phase in [Phase.PRIMARY, Phase.SECONDARY, *picks]]
        return specs

    def _school_name(self, phase: str, type_name: str, place: str, la: str) -> str:
        saint = self.rng.choice(SAINTS)
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
                return f"{self._la_name(la)} Pupil Referral Unit ({place})"
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
        return f"{place} {self.rng.choice(['Academy', 'High School', 'School'])}"

    def _stages(self, phase: str, type_name: str) -> tuple[frozenset[str], float]:
        """Which stages of a child's education a school offers, and how likely a child is to
        be placed there (independent mainstream schools rarely take children in care)."""
        rng = self.rng
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

    def _schools(self, total: int) -> None:
        rng = self.rng
        places = [a + b for a, b in itertools.product(PLACE_STARTS, PLACE_ENDS)]
        rng.shuffle(places)
        numbers: Counter = Counter()
        self.schools: list[_SchoolInfo] = []
        specs = self._school_specs(total)
        # Two home schools closed when they became academies: only past enrolments there.
        specs += [(self.home, Phase.PRIMARY), (self.home, Phase.SECONDARY)]
        for i, (la, phase) in enumerate(specs):
            closed = i >= len(specs) - 2
            type_name = "Community school" if closed else TYPES[phase].pick(rng)
            number = ""
            if phase in ESTABLISHMENT_RANGES:
                base = ESTABLISHMENT_RANGES[phase] + (1000 if "Voluntary" in type_name else 0)
                numbers[(la, base)] += 1
                number = str(base + numbers[(la, base)])
            district = rng.choice(self._districts(la))
            inward = (
                f"{rng.randint(1, 9)}{rng.choice(POSTCODE_LETTERS)}{rng.choice(POSTCODE_LETTERS)}"
            )
            school = School(
                urn=f"{URN_PREFIX}{i + 1:04d}",
                la_code=la,
                la_name=self._la_name(la),
                establishment_number=number,
                name=self._school_name(phase, type_name, places[i], la),
                type_name=type_name,
                phase=phase,
                postcode=f"{district} {inward}",
                is_open=not closed,
            )
            stages, weight = self._stages(phase, type_name)
            closed_on = self.today - _days(rng.randint(700, 1800)) if closed else None
            quality = self._inspections(school, phase, stages, before=closed_on)
            # The statutory guidance: prefer good and outstanding schools for children in care.
            weight *= {1: 1.3, 2: 1.2, 3: 0.5, 4: 0.2}.get(quality, 1)
            self.schools.append(_SchoolInfo(school, stages, weight, closed_on))
        self.school_info = {info.school.urn: info for info in self.schools}
        # The demo designated teacher's school: a home secondary nobody else is placed at, so
        # that they see about ten children (chosen at the end).
        self.teacher_school = next(
            info
            for info in self.schools
            if info.school.la_code == self.home
            and info.school.phase == Phase.SECONDARY
            and info.school.is_open
        )
        self.pools: dict = {}
        for info in self.schools:
            if info is self.teacher_school or not info.school.is_open:
                continue
            for stage in sorted(info.stages):
                for key in (stage, (stage, info.school.la_code)):
                    self.pools.setdefault(key, []).append(info)
        self.pools = {
            key: (infos, list(itertools.accumulate(i.weight for i in infos)))
            for key, infos in self.pools.items()
        }

    def _inspections(self, school: School, phase: str, stages, before: date | None) -> int | None:
        """One to three inspections about four years apart, each under the framework of its
        day; independent schools inspected by others and new schools have none. Returns how
        good the school is now (1 outstanding to 4 inadequate)."""
        rng = self.rng
        if (phase == Phase.INDEPENDENT and rng.random() < 0.5) or rng.random() < 0.05:
            return None
        quality = SCHOOL_QUALITY.pick(rng)
        day = (before or self.today) - _days(rng.randint(20, 6 * 365))
        for n in range(rng.choice((1, 2, 2, 3))):
            day -= _days(max(0, day.weekday() - 4))  # inspectors visit on weekdays
            if day < date(2012, 1, 1):
                break
            grade = quality if n == 0 else min(4, max(1, quality + rng.choice((-1, 0, 0, 1))))
            self.rows["inspections"].append(self._inspection(school, day, grade, stages))
            day -= _days(rng.randint(3 * 365, 6 * 365))
        return quality

    def _inspection(self, school: School, day: date, grade: int, stages) -> OfstedInspection:
        rng = self.rng
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

    def _staff(self, prefix: str, role: str, count: int) -> list[User]:
        """Demo staff at example.org, reused between seeds; they cannot sign in."""
        emails = [f"{prefix}-{n:03d}@example.org" for n in range(1, count + 1)]
        existing = {user.email: user for user in User.objects.filter(email__in=emails)}
        new = []
        for email in emails:
            if email not in existing:
                name = f"{self.staff_fake.first_name()} {self.staff_fake.last_name()}"
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

    def _people(self, n_children: int) -> None:
        by_email = {u.email: u for u in User.objects.filter(email__in=[p[1] for p in DEMO_PEOPLE])}
        if len(by_email) < len(DEMO_PEOPLE):
            by_email = {user.email: user for user in demo_users_ensure(password=DEMO_PASSWORD)}
        self.head, self.caseworker, self.teacher, self.social_worker = (
            by_email[email]
            for email in (
                "head@example.org", "caseworker@example.org", "teacher@example.org",
                "socialworker@example.org",
            )
        )  # fmt: skip
        # Teams grow with the roll up to a size, so that the bench's filter lists stay alike.
        caseworkers = min(25, max(3, n_children // 40))
        self.caseworkers = self._staff("caseworker", Role.CASEWORKER, caseworkers)
        social_workers = min(60, max(5, n_children // 15))
        self.social_workers = self._staff("social-worker", Role.SOCIAL_WORKER, social_workers)
        open_schools = [info.school for info in self.schools if info.school.is_open]
        teachers = self._staff(
            "designated-teacher", Role.DESIGNATED_TEACHER, len(open_schools) * 11 // 10 + 1
        )
        posts = self.rows["posts"]
        spare = iter(teachers[len(open_schools) :])
        for school, user in zip(open_schools, teachers, strict=False):
            if school is self.teacher_school.school:
                user = self.teacher
            start = self.today - _days(self.rng.randint(60, 8 * 365))
            posts.append(DesignatedTeacher(user=user, school=school, start_date=start))
            if self.rng.random() < 0.1:
                before = next(spare, teachers[0])
                earlier = start - _days(self.rng.randint(365, 6 * 365))
                posts.append(
                    DesignatedTeacher(
                        user=before, school=school, start_date=earlier, end_date=start - _days(1)
                    )
                )
        # A few designated teachers serve two schools (a federation).
        for user, school in zip(teachers[:3], open_schools[-3:], strict=False):
            start = self.today - _days(self.rng.randint(30, 700))
            posts.append(DesignatedTeacher(user=user, school=school, start_date=start))

    # --- Children --------------------------------------------------------------------------
    def build(self, n_children: int) -> None:
        total_schools = min(120, max(60, 40 + n_children // 10))
        self._schools(total_schools)
        self._people(n_children)
        self.plans = [self._child(i) for i in range(n_children)]
        self._demo_caseloads()

    def _year_start(self, cohort: int, year: int) -> date:
        return date(cohort + 4 + year, 9, 1)

    def _child(self, index: int) -> dict:
        rng, fake, today = self.rng, self.fake, self.today
        kind = KINDS.pick(rng)
        year = YEARS[kind].pick(rng)
        this_year = dates.academic_year_of(today)
        # Year -5 is born since 1 September: only as many as this year's births so far.
        while year == -5 and rng.random() * 365 > (today - date(this_year, 9, 1)).days:
            year = YEARS[kind].pick(rng)
        born = this_year - 4 - year  # the "cohort" of vschool.dates
        earliest, latest = date(born - 1, 9, 1), min(date(born, 8, 31), today - _days(7))
        dob = earliest + _days(rng.randint(0, max(0, (latest - earliest).days)))
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
        plan = {"child": child, "kind": kind, "uasc": uasc, "cohort": cohort}
        periods, route = self._care_periods(kind, dob, uasc)
        plan["periods"] = periods
        episodes = []
        for start, end, ceased in periods:
            episodes += self._period_episodes(child, dob, start, end, ceased, route, uasc)
        self._holiday(episodes)
        plan["episodes"] = episodes
        education_from = periods[-1][0] + _days(rng.randint(14, 90)) if uasc else None
        year_now = child.year_group(today)
        sen, special_from = self._sen(child, plan, year_now, education_from)
        enrolments = self._education(plan, year_now, special_from, education_from)
        self._extras(plan, enrolments, year_now)
        child.upn = self._upn(enrolments, uasc)
        if year_now >= 12 and rng.random() < 0.6:
            child.uln = self._uln()
        self._allocations(plan)
        self._memberships(plan, route)
        self.rows["children"].append(child)
        self.rows["episodes"] += episodes
        self.rows["sen"] += sen
        self.rows["enrolments"] += enrolments
        return plan

    def _care_periods(self, kind: str, dob: date, uasc: bool):
        """Periods of care as (start, day care ceased or None, reason ceased), and for PLAC the
        route out of care."""
        rng, today = self.rng, self.today
        life = (today - dob).days
        if kind == "cwsw":
            return [], ""
        if kind == "cla":
            if uasc:
                start = max(today - _days(rng.randint(20, 900)), _birthday(dob, 14))
            else:
                start = today - _days(int(life * rng.betavariate(1.2, 2.0)))
            start = max(dob, min(start, today - _days(7)))
            periods = [(start, None, "")]
            room = (start - dob).days
            if not uasc and room > 400 and rng.random() < 0.1:
                ended = start - _days(rng.randint(60, room // 2))
                began = max(dob, ended - _days(rng.randint(30, 500)))
                periods.insert(0, (began, ended, RETURNED_HOME_ENDS.pick(rng)))
            return periods, ""
        if kind == "care_leaver":
            ended = _birthday(dob, 18)
            began = max(dob, ended - _days(rng.randint(200, 12 * 365)))
            return [(began, ended, CARE_LEAVER_ENDS.pick(rng))], ""
        if kind == "returned_home":
            ended = max(today - _days(rng.randint(30, 1000)), dob + _days(90))
            ended = min(ended, today - _days(7))
            began = max(dob, ended - _days(rng.randint(60, 1500)))
            return [(began, ended, RETURNED_HOME_ENDS.pick(rng))], ""
        route = PLAC_ROUTES.pick(rng)
        longest = {"adopted": 6 * 365, "sgo": 13 * 365, "cao": 12 * 365}[route]
        ended = min(dob + _days(rng.randint(400, longest)), today - _days(30))
        began = max(dob, ended - _days(rng.randint(270, 1100)))
        ceased = {"adopted": "E11" if rng.random() < 0.8 else "E12", "cao": "E41"}.get(route, "")
        return [(began, ended, ceased)], route

    def _placement(self, age: int, day: date, legal: str, uasc: bool) -> str:
        if uasc:
            band = "uasc16+" if age >= 16 else "uasc"
        else:
            band = "baby" if age < 1 else "child" if age < 11 else "teen" if age < 16 else "16+"
        while True:
            place = PLACEMENTS[band].pick(self.rng)
            if not (place == "P1" and legal == "V2"):  # placed with parents needs a care order
                break
        return "H5" if place == "K3" and day < K3_FROM else place

    def _details(self, place: str) -> dict:
        provider = PROVIDERS[place].pick(self.rng)
        in_area = IN_AREA[provider] * (0.7 if place in ("K2", "S1", "R1") else 1)
        la = self.home if self.rng.random() < in_area else self._neighbour()
        return {
            "placement_type": place,
            "placement_provider": provider,
            "placement_la_code": la,
            "placement_postcode_district": self.rng.choice(self._districts(la)),
        }

    def _episode(self, child, start, rne, legal, need, details, change="") -> CareEpisode:
        return CareEpisode(
            child=child,
            start_date=start,
            reason_new_episode=rne,
            legal_status=legal,
            category_of_need=need,
            reason_placement_change=change,
            **details,
        )

    def _legal_step(self, legal: str, day: date, uasc: bool, young: bool):
        """When the legal status changes next, and to what: an interim care order becomes a
        full one (or, for some young children, a placement order for adoption) within a year;
        some section 20 accommodation turns into care proceedings."""
        rng = self.rng
        if legal == "C1":
            return day + _days(rng.randint(90, 330)), "E1" if young and rng.random() < 0.3 else "C2"
        if legal == "V2" and not uasc and rng.random() < 0.35:
            return day + _days(rng.randint(60, 500)), "C1"
        return None, ""

    def _stay(self, first: bool) -> int:
        """Days until the next placement move: a fifth of first placements are emergency
        ones that end within months; after that about one move in five years."""
        if first and self.rng.random() < 0.2:
            return self.rng.randint(7, 120)
        return 30 + int(self.rng.expovariate(1 / 1800))

    def _move(self, dob, day, legal, uasc, details, at_sixteen: bool) -> tuple[dict, bool]:
        """The next placement's details, and whether the carers stay the same."""
        rng = self.rng
        if at_sixteen:
            return self._details("K3" if day >= K3_FROM else "H5"), False
        if details["placement_type"] == "U6" and rng.random() < 0.3:
            return details | {"placement_type": "U4"}, True  # the same carers, now long-term
        if legal == "E1" and rng.random() < 0.6:
            return self._details("A6"), False  # placed with prospective adopters
        return self._details(self._placement(dates.age_on(dob, day), day, legal, uasc)), False

    def _period_episodes(self, child, dob, start, end, ceased, route, uasc) -> list[CareEpisode]:
        if route == "adopted":
            return self._adoption(child, dob, start, end, ceased)
        rng = self.rng
        stop = end or self.today
        need = "N8" if uasc else CATEGORY_OF_NEED.pick(rng)
        age = dates.age_on(dob, start)
        legal = "V2" if uasc else rng.choices(("C1", "V2"), (70, 30) if age < 10 else (50, 50))[0]
        kinship = route == "sgo" and rng.random() < 0.7  # with relatives who become guardians
        details = self._details("U3" if kinship else self._placement(age, start, legal, uasc))
        episodes = [self._episode(child, start, "S", legal, need, details)]
        next_legal, new_legal = self._legal_step(legal, start, uasc, young=age < 4)
        next_move = stop if kinship else start + _days(self._stay(first=True))
        # Many move on to supported accommodation at 16 or 17.
        sixteen = _birthday(dob, 16) + _days(rng.randint(0, 300))
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
                next_legal, new_legal = self._legal_step(legal, day, uasc, young=False)
            if day in (next_move, next_sixteen):
                details, same_carers = self._move(
                    dob, day, legal, uasc, details, at_sixteen=day == next_sixteen
                )
                if same_carers:
                    rne, change = ("U" if legal_change else "T"), "CARPL"
                else:
                    rne, change = ("B" if legal_change else "P"), MOVE_REASONS.pick(rng)
                next_move = day + _days(self._stay(first=False))
                next_sixteen = None if day == next_sixteen else next_sixteen
            episodes.append(self._episode(child, day, rne, legal, need, details, change))
        if end is not None:
            last = episodes[-1]
            last.end_date = end
            last.reason_ceased = ceased or self._sgo_reason(last.placement_type)
        return episodes

    def _sgo_reason(self, place: str) -> str:
        if place in ("U1", "U2", "U3"):
            return "E47" if self.rng.random() < 0.7 else "E45"
        return "E46" if place in FOSTER else "E48"

    def _adoption(self, child, dob, start, end, ceased) -> list[CareEpisode]:
        """Care proceedings (C1), a placement order (E1), placement with adopters (A5 with the
        fostering-for-adoption carers, otherwise A6), then the adoption order."""
        rng, span = self.rng, (end - dob).days
        order = dob + _days(int(span * rng.uniform(0.35, 0.5)))
        placed = dob + _days(int(span * rng.uniform(0.55, 0.85)))
        start = max(dob, min(start, dob + _days(int(span * rng.uniform(0, 0.3)))))
        need = CATEGORY_OF_NEED.pick(rng)
        details = self._details("U5" if rng.random() < 0.2 else "U6")
        adopters = self._details("A5" if details["placement_type"] == "U5" else "A6")
        if adopters["placement_type"] == "A5":
            adopters = details | {"placement_type": "A5"}
        episodes = [
            self._episode(child, start, "S", "C1", need, details),
            self._episode(child, order, "L", "E1", need, details),
            self._episode(
                child, placed, "T" if details["placement_type"] == "U5" else "P", "E1", need,
                adopters, "CARPL",
            ),
        ]  # fmt: skip
        for before, after in itertools.pairwise(episodes):
            before.end_date, before.reason_ceased = after.start_date, "X1"
        episodes[-1].end_date, episodes[-1].reason_ceased = end, ceased
        return episodes

    def _holiday(self, episodes: list[CareEpisode]) -> None:
        """A few children spend a week or two of last summer away on holiday (T2) and come
        back to the same placement: not a placement move."""
        rng, today = self.rng, self.today
        if rng.random() >= 0.06:
            return
        summer = today.year if today >= date(today.year, 9, 1) else today.year - 1
        away = date(summer, 7, 25) + _days(rng.randint(0, 21))
        back = away + _days(rng.randint(7, 14))
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

    def _placement_la(self, plan: dict, day: date) -> str:
        for episode in reversed(plan["episodes"]):
            if episode.start_date <= day and (episode.end_date is None or episode.end_date > day):
                return episode.placement_la_code
        return self.home

    # --- SEN --------------------------------------------------------------------------------
    def _sen(self, child, plan, year_now, education_from):
        """SEN history from the start of school (or nursery): none, SEN support, an EHC plan;
        about half of school-age children have SEN support or a plan."""
        rng, today = self.rng, self.today
        if year_now < -1:
            return [], None
        s0 = self._year_start(plan["cohort"], 0 if year_now >= 0 else -1)
        s0 = max(s0, education_from or s0)
        last = today - _days(7)
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
            starts.append(starts[-1] + _days(int((last - starts[-1]).days * rng.uniform(0.1, 0.8))))
        if len(set(starts)) < len(starts):  # too little time for a history: just the status
            chain, starts = [status], [s0]
        table = EHCP_NEEDS if "E" in chain else SUPPORT_NEEDS
        primary = table.pick(rng)
        secondary = SUPPORT_NEEDS.pick(rng) if rng.random() < 0.35 else ""
        secondary = "" if secondary in (primary, "NSA") else secondary
        records = []
        for i, (provision, start) in enumerate(zip(chain, starts, strict=True)):
            if provision == "E":
                out = self._placement_la(plan, start)
                la = out if out != self.home and rng.random() < 0.3 else self.home
                if primary == "NSA":
                    primary = EHCP_NEEDS.pick(rng)
            end = starts[i + 1] - _days(1) if i + 1 < len(starts) else None
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
            special_from = (
                plan_start if plan_start == s0 else plan_start + _days(rng.randint(20, 150))
            )
            if special_from >= today or special_from >= self._year_start(plan["cohort"], 14):
                special_from = None
        return records, special_from

    # --- Education -------------------------------------------------------------------------
    def _pick_school(self, stage: str, la: str, avoid: School | None) -> School:
        key = (stage, la) if (stage, la) in self.pools else (stage, self.home)
        infos, cumulative = self.pools.get(key) or self.pools[stage]
        for _ in range(3):
            info = infos[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]
            if info.school is not avoid:
                break
        return info.school

    def _school_moves(self, plan: dict, first: date, last: date) -> list[date]:
        """Mid-phase school moves: often after a placement move to another authority, now and
        then after one nearby, and occasionally for other reasons."""
        rng, moves = self.rng, []
        settled = None
        for episode in plan["episodes"]:
            if episode.placement_type.startswith("T"):
                continue
            if episode.reason_new_episode in ("P", "B") and settled is not None:
                chance = 0.55 if episode.placement_la_code != settled.placement_la_code else 0.1
                if rng.random() < chance:
                    moves.append(episode.start_date + _days(rng.randint(5, 40)))
            settled = episode
        if rng.random() < 0.05:
            moves.append(first + _days(rng.randint(0, max(0, (last - first).days))))
        return sorted(day for day in set(moves) if first < day <= min(last, self.today))

    def _education(self, plan, year_now, special_from, education_from) -> list[Enrolment]:
        rng, today, cohort = self.rng, self.today, plan["cohort"]
        if year_now < -1:
            return []

        def start(year: int) -> date:
            return self._year_start(cohort, year)

        stages = [("nursery", start(-1), start(0) - _days(1))] if rng.random() < 0.6 else []
        stages += [("primary", start(0), start(7) - _days(1))]
        stages += [("secondary", start(7), start(12) - _days(1))]
        stages += [("post16", start(12), start(14) - _days(1))]
        if plan["kind"] == "care_leaver":
            stages += [("post18", start(14), start(15) - _days(1))]
        if special_from:
            stages = [
                (n, s, min(e, special_from - _days(1))) for n, s, e in stages if s < special_from
            ]
            stages += [("special", special_from, start(14) - _days(1))]
        if education_from:
            stages = [(n, max(s, education_from), e) for n, s, e in stages if e >= education_from]
        moves = self._school_moves(plan, start(0), start(12) - _days(1))
        enrolments: list[Enrolment] = []
        current = None
        for stage, first, last in stages:
            if first > today:
                break
            follows = current is not None and current.end_date == first - _days(1)
            if stage in ("post16", "post18"):
                stays = rng.random() < (0.45 if stage == "post16" else 0.35)
                if follows and stays and ("sixth" in self._stages_of(current) or stage == "post18"):
                    current.end_date = last
                    continue
                if stage == "post18" or rng.random() < 0.4:  # no course: work, training or NEET
                    current = None
                    continue
                stage = "fe"
            cuts = [d for d in moves if first < d <= last] if stage != "fe" else []
            pieces = zip([first, *cuts], [*(d - _days(1) for d in cuts), last], strict=True)
            for k, (begin, end) in enumerate(pieces):
                if k == 0 and follows and stage in self._stages_of(current):
                    current.end_date = end
                    continue
                if k > 0 and rng.random() < 0.15:
                    begin += _days(rng.randint(10, 60))  # a spell off roll between schools
                if begin > min(end, today):
                    continue
                school = self._pick_school(
                    stage, self._placement_la(plan, begin), current.school if current else None
                )
                current = Enrolment(
                    child=plan["child"],
                    school=school,
                    start_date=begin,
                    end_date=end,
                    year_group=plan["child"].year_group(begin),
                    is_phase_transfer=k == 0
                    and follows
                    and stage in ("primary", "secondary", "fe"),
                )
                enrolments.append(current)
        if plan["kind"] == "cla" and 1 <= year_now <= 11 and rng.random() < 0.025:
            self._leave_roll(plan, enrolments)
        for enrolment in enrolments:
            if enrolment.end_date >= today:
                enrolment.end_date = None
        return enrolments

    def _stages_of(self, enrolment: Enrolment) -> frozenset[str]:
        return self.school_info[enrolment.school.urn].stages

    def _leave_roll(self, plan: dict, enrolments: list[Enrolment]) -> None:
        """A child in care without a school place at the moment (the published reports count
        about one in thirty)."""
        left = self.today - _days(self.rng.randint(10, 100))
        enrolments[:] = [e for e in enrolments if e.start_date < left]
        if enrolments and enrolments[-1].end_date >= left:
            enrolments[-1].end_date = left - _days(1)
            plan["left_roll"] = left

    def _extras(self, plan: dict, enrolments: list[Enrolment], year_now: int) -> None:
        """Dual registration at a PRU, reduced timetables and alternative provision."""
        rng, today, child = self.rng, self.today, plan["child"]
        current = next((e for e in enrolments if e.end_date is None), None)
        if current and 5 <= year_now <= 11 and rng.random() < 0.035:
            begin = max(current.start_date + _days(14), today - _days(rng.randint(20, 250)))
            if begin < today:
                ap_school = self._pick_school("ap", current.school.la_code, None)
                end = begin + _days(rng.randint(30, 120)) if rng.random() < 0.3 else None
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
            begin = max(current.start_date + _days(7), today - _days(rng.randint(7, 150)))
            end = begin + _days(rng.randint(28, 84)) if rng.random() < 0.45 else None
            if begin < today:
                self.rows["reduced"].append(
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
            self._alternative_provision(plan, left)

    def _alternative_provision(self, plan: dict, left: date | None) -> None:
        rng, today = self.rng, self.today
        begin = left + _days(rng.randint(3, 10)) if left else today - _days(rng.randint(10, 300))
        if begin >= today:
            return
        school = self._pick_school("ap", self.home, None) if rng.random() < 0.4 else None
        full_time = left is not None or rng.random() < 0.3
        end = begin + _days(rng.randint(40, 150)) if rng.random() < 0.4 else None
        self.rows["provisions"].append(
            AlternativeProvision(
                child=plan["child"],
                provider_name=school.name if school else rng.choice(AP_PROVIDERS),
                provider_school=school,
                pattern=ProvisionPattern.FULL_TIME if full_time else ProvisionPattern.PART_TIME,
                hours_per_week=None if full_time else Decimal(rng.randint(12, 40)) / 2,
                reason=AP_REASONS[1] if left else rng.choice(AP_REASONS),
                agreed_by=self.head,
                agreed_on=begin - _days(rng.randint(1, 14)),
                start_date=begin,
                end_date=end if end and end < today else None,
            )
        )

    # --- Identifiers -----------------------------------------------------------------------
    def _upn(self, enrolments: list[Enrolment], uasc: bool) -> str:
        """Issued by the child's first school: check letter, its LAESTAB, the two-digit year
        and a serial. Children never on a roll have none, some records lack one, and a newly
        arrived child may have a temporary UPN (ending in a letter)."""
        rng = self.rng
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
            self.upn_serials[(prefix, year, temporary)] += 1
            serial = self.upn_serials[(prefix, year, temporary)]
            if serial < (99 * 23 if temporary else 1000):
                break
            year = (year + 1) % 100
        if temporary:
            tail = f"{serial // 23 + 1:02d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[serial % 23]}"
        else:
            tail = f"{serial:03d}"
        body = f"{prefix}{year:02d}{tail}"
        return upn_check_letter(body) + body

    def _uln(self) -> str:
        while True:
            digits = [9, *(self.rng.randint(0, 9) for _ in range(8))]
            check = (10 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))) % 11
            if check < 10:
                return "".join(map(str, digits)) + str(check)

    # --- People around the child and cohorts -----------------------------------------------
    def _split(self, plan, role, begin: date, end: date | None, pool, parts: int) -> None:
        """Allocations covering begin..end (inclusive), with changes of worker along the way."""
        rng, today = self.rng, self.today
        begin = min(begin, today)
        end = None if end is None else max(end, begin)
        last = min(end or today, today)
        span = (last - begin).days
        changes = {begin + _days(rng.randint(1, span)) for _ in range(parts - 1)} if span else set()
        starts = [begin, *sorted(changes)]
        user = None
        for i, start in enumerate(starts):
            user = _other(rng, pool, user)
            stop = starts[i + 1] - _days(1) if i + 1 < len(starts) else end
            self.rows["allocations"].append(
                Allocation(
                    child=plan["child"], user=user, role=role, start_date=start, end_date=stop
                )
            )

    def _allocations(self, plan: dict) -> None:
        rng, kind, today = self.rng, plan["kind"], self.today
        periods = plan["periods"]
        parts = 1 + (rng.random() < 0.35) + (rng.random() < 0.15)
        sw = AllocationRole.SOCIAL_WORKER
        if kind == "cwsw":
            plan["cwsw_from"] = max(
                plan["child"].date_of_birth, today - _days(rng.randint(30, 900))
            )
            self._split(plan, sw, plan["cwsw_from"], None, self.social_workers, parts)
            return
        began, ended, _ = periods[-1]
        if kind in ("cla", "returned_home"):  # a child in need keeps their social worker
            self._split(plan, sw, began, None, self.social_workers, parts)
        else:
            self._split(plan, sw, began, ended - _days(1), self.social_workers, parts)
        cw = AllocationRole.CASEWORKER
        parts = 1 + (rng.random() < 0.3)
        if kind in ("cla", "care_leaver"):  # the 16-25 team keeps working with care leavers
            self._split(plan, cw, began + _days(rng.randint(0, 21)), None, self.caseworkers, parts)
        elif kind == "returned_home":
            self._split(plan, cw, began, ended - _days(1), self.caseworkers, parts)

    def _memberships(self, plan: dict, route: str) -> None:
        """The cohorts care does not decide (child in care and PLAC are derived from the
        episodes by pupils.care after saving)."""
        kind, child = plan["kind"], plan["child"]
        rows = self.rows["memberships"]
        ended = plan["periods"][-1][1] if plan["periods"] else None
        if kind == "care_leaver":
            rows.append(CohortMembership(child=child, cohort=Cohort.CARE_LEAVER, start_date=ended))
        elif kind in ("returned_home", "cwsw"):
            begin = ended if kind == "returned_home" else plan["cwsw_from"]
            rows.append(
                CohortMembership(
                    child=child, cohort=Cohort.CHILD_WITH_SOCIAL_WORKER, start_date=begin
                )
            )
        elif route and plan["episodes"][-1].reason_ceased in ("E47", "E41"):
            rows.append(CohortMembership(child=child, cohort=Cohort.KINSHIP, start_date=ended))

    def _demo_caseloads(self) -> None:
        """The demo sign-ins: caseworker@ with about 40 children, socialworker@ with about 15,
        and teacher@ designated teacher of a school with about ten on roll."""
        rng, today = self.rng, self.today
        current = [a for a in self.rows["allocations"] if a.end_date is None]
        for role, user, count in (
            (AllocationRole.CASEWORKER, self.caseworker, 40),
            (AllocationRole.SOCIAL_WORKER, self.social_worker, 15),
        ):
            mine = [a for a in current if a.role == role and a.start_date <= today]
            for allocation in rng.sample(mine, min(count, len(mine))):
                allocation.user = user
        school = self.teacher_school.school
        on_roll = [
            e
            for e in self.rows["enrolments"]
            if e.end_date is None
            and e.kind == EnrolmentKind.MAIN
            and e.school.phase == Phase.SECONDARY
            and e.school.la_code == self.home
            and 7 <= e.child.year_group(today) <= 11
        ]
        chosen = rng.sample(on_roll, min(10, len(on_roll)))
        for enrolment in chosen:
            enrolment.school = school
        # Two children who have since left: the teacher must not see them now.
        theirs = {id(e.child) for e in chosen}
        past = [
            e
            for e in self.rows["enrolments"]
            if e.end_date
            and id(e.child) not in theirs
            and e.school.phase == Phase.SECONDARY
            and e.school.la_code == self.home
        ]
        for enrolment in rng.sample(past, min(2, len(past))):
            enrolment.school = school
        self._closed_schools_history()

    def _closed_schools_history(self) -> None:
        """Some past enrolments were at the two schools that have since closed."""
        for info in self.schools:
            if info.school.is_open:
                continue
            for enrolment in self.rows["enrolments"]:
                old = enrolment.school
                if (
                    enrolment.end_date
                    and enrolment.end_date < info.closed_on
                    and old.phase == info.school.phase
                    and old.la_code == self.home
                    and old is not self.teacher_school.school
                    and self.rng.random() < 0.1
                ):
                    enrolment.school = info.school

    # --- Saving ----------------------------------------------------------------------------
    def save(self) -> None:
        """Schools and staff posts, then the children in batches of BATCH, each batch with
        all its records in one transaction (see `_delete_in_batches` for why not one)."""
        with transaction.atomic():
            School.objects.bulk_create([info.school for info in self.schools])
            OfstedInspection.objects.bulk_create(self.rows["inspections"], batch_size=BATCH)
            DesignatedTeacher.objects.bulk_create(self.rows["posts"], batch_size=BATCH)
        batch_of = {id(plan["child"]): i // BATCH for i, plan in enumerate(self.plans)}
        batches: dict[int, dict[str, list]] = {}
        for name in ("children", "episodes", "enrolments", "reduced", "provisions", "sen"):
            for row in self.rows[name]:
                child = row if name == "children" else getattr(row, "enrolment", row).child
                batches.setdefault(batch_of[id(child)], {}).setdefault(name, []).append(row)
        for name in ("allocations", "memberships"):
            for row in self.rows[name]:
                batches[batch_of[id(row.child)]].setdefault(name, []).append(row)
        for batch in batches.values():
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
                cohort_memberships_sync_from_care(
                    child_ids=[child.pk for child in batch["children"]],
                    acting_user=None,
                    source=SOURCE,
                )

    def summary(self) -> DemoSummary:
        today = self.today
        allocations = [a for a in self.rows["allocations"] if a.is_current(today)]
        on_roll = {
            e.child_id
            for e in self.rows["enrolments"]
            if e.school is self.teacher_school.school and e.is_current(today)
        }
        return DemoSummary(
            children=len(self.rows["children"]),
            schools=len(self.schools),
            rows={name: len(rows) for name, rows in self.rows.items()},
            caseworker_children=sum(a.user == self.caseworker for a in allocations),
            social_worker_children=sum(a.user == self.social_worker for a in allocations),
            teacher_children=len(on_roll),
            teacher_school=self.teacher_school.school.name,
        )


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


def _other(rng: random.Random, pool: list, user) -> User:
    """Someone from the pool other than `user` (when the pool has anyone else)."""
    choice = rng.choice(pool)
    return rng.choice(pool) if choice is user and len(pool) > 1 else choice
