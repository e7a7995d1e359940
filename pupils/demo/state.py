"""What the demo's generators share while they build a Virtual School in memory."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from pupils.demo.tables import NEIGHBOURS
from pupils.models import School
from vschool.accounts.models import User

# The rows to save, by kind, in the order they are made.
ROW_KINDS = (
    "children", "episodes", "enrolments", "reduced", "provisions", "sen", "allocations",
    "memberships", "inspections", "posts",
)  # fmt: skip


@dataclass
class SchoolInfo:
    school: School
    stages: frozenset[str]  # the parts of a child's education it offers
    weight: float
    closed_on: date | None = None


class DemoState:
    """One seed's random sources, the day every date counts back from, and the rows made so
    far. The generators take turns with one random source: their order decides the data."""

    # Set by schools.schools_generate().
    schools: list[SchoolInfo]
    school_info: dict[str, SchoolInfo]
    teacher_school: SchoolInfo
    pools: dict
    # Set by people.staff_generate().
    head: User
    caseworker: User
    teacher: User
    social_worker: User
    caseworkers: list[User]
    social_workers: list[User]
    # Set by build.demo_build(): one plan (a dict: the child and their story) per child.
    plans: list[dict]

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
        self.rows: dict[str, list] = {name: [] for name in ROW_KINDS}
        self.upn_serials: Counter = Counter()
