"""The demo's distributions and code tables: who the children are, how their care and
education go, and what the schools are like (sources in the package docstring)."""

import bisect
import itertools
import random
from datetime import date, timedelta

from pupils.models import Phase

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


def days(n: int) -> timedelta:
    return timedelta(days=n)


class Table:
    """Weighted choices: Table({"U4": 30, "U6": 30}).pick(rng)."""

    def __init__(self, weights: dict):
        self.keys = list(weights)
        self.cumulative = list(itertools.accumulate(weights.values()))

    def pick(self, rng: random.Random):
        return self.keys[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# --- Who the children are (DfE children looked after, England, and the Halton reports) -------
KINDS = Table({"cla": 68, "care_leaver": 9, "plac": 12, "returned_home": 6, "cwsw": 5})
_CLA_YEARS = {-5: 3, -4: 3, -3: 3, -2: 3, -1: 3, 0: 3, 1: 3, 2: 3.2, 3: 3.5, 4: 3.6}
_CLA_YEARS |= {5: 4, 6: 4.2, 7: 5, 8: 5.5, 9: 7, 10: 7.5, 11: 8, 12: 7.5, 13: 6}
YEARS = {
    "cla": Table(_CLA_YEARS),
    "care_leaver": Table({14: 45, 15: 35, 16: 20}),
    "plac": Table({-1: 2, **dict.fromkeys(range(12), 6), 12: 3, 13: 2}),
    "returned_home": Table(dict.fromkeys(range(-3, 14), 1)),
    "cwsw": Table(dict.fromkeys(range(14), 1)),
}
ETHNICITY = Table(
    {"WBRI": 65, "WIRI": 0.5, "WIRT": 0.3, "WROM": 0.7, "WOTH": 5, "MWBC": 3.5, "MWBA": 1.5}
    | {"MWAS": 2, "MOTH": 3, "AIND": 0.5, "APKN": 1.2, "ABAN": 0.5, "AOTH": 2, "BAFR": 4}
    | {"BCRB": 1.2, "BOTH": 1.5, "CHNE": 0.2, "OOTH": 4, "REFU": 0.3, "NOBT": 0.8}
)
UASC_ETHNICITY = Table({"OOTH": 40, "BAFR": 30, "AOTH": 25, "MOTH": 5})

# --- Care (SSDA903 codes, pupils.codes) --------------------------------------------------------
CATEGORY_OF_NEED = Table(
    {"N1": 62, "N2": 3, "N3": 4, "N4": 8, "N5": 14, "N6": 2, "N7": 0.5, "N8": 6.5}
)
PLACEMENTS = {
    "baby": Table({"U6": 40, "U4": 10, "U5": 10, "U3": 15, "R3": 5, "P1": 5, "U2": 3}),
    "child": Table({"U6": 30, "U4": 30, "U3": 11, "U1": 9, "P1": 7, "K2": 4, "S1": 0.5}),
    "teen": Table({"U6": 24, "U4": 24, "U3": 7, "U1": 7, "K2": 22, "P1": 6, "S1": 2, "R1": 1}),
    "16+": Table({"U4": 20, "U6": 14, "U1": 5, "U3": 4, "K2": 14, "K3": 33, "P1": 4, "P2": 4}),
    "uasc": Table({"U6": 70, "K2": 30}),
    "uasc16+": Table({"K3": 60, "U6": 30, "K2": 10}),
}
FOSTER = frozenset({"U1", "U2", "U3", "U4", "U5", "U6"})
_LA_FOSTER = {"PR1": 55, "PR4": 40, "PR5": 5}
_KINSHIP = {"PR1": 90, "PR2": 10}
_SUPPORTED = {"PR4": 55, "PR5": 25, "PR1": 20}
PROVIDERS = {
    **dict.fromkeys(("U1", "U2", "U3"), Table(_KINSHIP)),
    **dict.fromkeys(("U4", "U5", "U6"), Table(_LA_FOSTER)),
    **dict.fromkeys(("K3", "H5"), Table(_SUPPORTED)),
    **dict.fromkeys(("A5", "A6"), Table({"PR1": 60, "PR2": 25, "PR5": 15})),
    "K2": Table({"PR4": 75, "PR1": 20, "PR5": 5}),
    "P1": Table({"PR0": 1}),
    "P2": Table({"PR1": 60, "PR4": 40}),
    "R1": Table({"PR4": 1}),
    "R3": Table({"PR4": 60, "PR3": 40}),
    "S1": Table({"PR4": 80, "PR3": 20}),
}
IN_AREA = {"PR0": 0.85, "PR1": 0.8, "PR2": 0.2, "PR3": 0.5, "PR4": 0.4, "PR5": 0.5}
NEIGHBOUR_WEIGHTS = (30, 20, 15, 10, 8, 7, 5, 5)  # nearer authorities take more placements
MOVE_REASONS = Table(
    {"CARPL": 35, "CREQB": 12, "CREQO": 12, "CHILD": 8, "LAREQ": 10, "PLACE": 5, "ALLEG": 3}
    | {"STAND": 3, "APPRR": 2, "CLOSE": 3, "OTHER": 7}
)
CARE_LEAVER_ENDS = Table({"E17": 30, "E5": 40, "E6": 8, "E8": 7, "E13": 5, "E4A": 10})
RETURNED_HOME_ENDS = Table({"E4A": 70, "E4B": 15, "E13": 15})
PLAC_ROUTES = Table({"adopted": 50, "sgo": 40, "cao": 10})

# --- SEN (the Halton reports: SEMH the primary need of 54-70% of EHC plans) -------------------
EHCP_NEEDS = Table(
    {"SEMH": 55, "ASD": 15, "SLCN": 8, "MLD": 8, "SLD": 4, "SPLD": 3, "PD": 2, "PMLD": 1}
    | {"HI": 1, "VI": 1, "OTH": 2}
)
SUPPORT_NEEDS = Table(
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
    Phase.PRIMARY: Table(
        {"Community school": 40, "Voluntary aided school": 10, "Academy converter": 25}
        | {"Voluntary controlled school": 10, "Academy sponsor led": 10, "Foundation school": 5}
    ),
    Phase.SECONDARY: Table(
        {"Academy converter": 45, "Academy sponsor led": 25, "Community school": 10}
        | {"Foundation school": 8, "Free schools": 5, "Voluntary aided school": 7}
    ),
    Phase.SPECIAL: Table(
        {"Community special school": 50, "Academy special converter": 30}
        | {"Foundation special school": 10, "Academy special sponsor led": 10}
    ),
    Phase.ALTERNATIVE: Table(
        {"Pupil referral unit": 60, "Academy alternative provision converter": 40}
    ),
    Phase.INDEPENDENT: Table(
        {"Other independent special school": 60, "Other independent school": 40}
    ),
    Phase.NURSERY: Table({"Local authority nursery school": 1}),
    Phase.ALL_THROUGH: Table({"Academy converter": 1}),
    Phase.MIDDLE: Table({"Community school": 1}),
    Phase.FURTHER_EDUCATION: Table({"Further education": 1}),
}
NEIGHBOUR_MIX = Table(
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
SCHOOL_QUALITY = Table({1: 15, 2: 62, 3: 17, 4: 6})
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
