"""The automatic quality checks on a PEP, shown to the designated teacher before submitting and to
the reviewer. Every rule is here, in one module: a small function each, with a key, the section
it concerns and a message that says what to put right.

An authority switches a check off by listing its key in settings.PEP_QUALITY_CHECKS_OFF (for
example PEP_QUALITY_CHECKS_OFF=target_dates_in_term in the environment). The thresholds below
are defaults; an authority overrides one with a setting of the name given beside it.

Keys: at_least_two_targets, measurable_success_measures, target_dates_in_term, child_views,
attendance_addressed, ppplus_tied_to_targets, previous_targets_reviewed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone

from peps.models import Pep, PepTarget, PepVariant, QaRating
from vschool import dates
from vschool.dates import Term, TermName


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- Thresholds (each overridable by the setting named) -----------------------------------------

# PEP_QUALITY_MIN_TARGETS
MIN_TARGETS = 2
# PEP_QUALITY_ATTENDANCE_THRESHOLD: attendance below this (a percentage) needs a target or an
# explanation. 95% is the usual threshold below which schools act on a child's attendance.
ATTENDANCE_THRESHOLD = Decimal("95")
# PEP_QUALITY_MIN_VIEW_WORDS: fewer words than this is not the child's view in their own words.
MIN_VIEW_WORDS = 3
# PEP_QUALITY_EMPTY_ANSWERS: answers that say nothing.
EMPTY_ANSWERS = frozenset(
    {
        "n/a",
        "na",
        "n.a.",
        "none",
        "nil",
        "nothing",
        "no",
        "-",
        "--",
        "tbc",
        "tba",
        "not applicable",
        "not known",
        "unknown",
        "see above",
        "as above",
        "no comment",
        "no comments",
        "did not attend",
        "child did not attend",
        "not asked",
    }
)
# PEP_QUALITY_MEASURE_WORDS: a success measure is measurable if it contains a number (a count,
# a percentage, a score or a date: "reads 90 words a minute", "Grade 5", "by 3 April") or one
# of these words or phrases, each naming something that is counted or assessed.
MEASURE_WORDS = (
    "%",
    "per cent",
    "percent",
    "score",
    "scores",
    "grade",
    "grades",
    "reading age",
    "spelling age",
    "level",
    "standard",
    "times a week",
    "times per week",
    "times a day",
    "every day",
    "every week",
    "daily",
    "weekly",
    "twice",
    "once a",
    "attendance",
    "sessions",
    "out of",
    "marks",
    "words a minute",
    "words per minute",
    "assessment",
    "test",
    "exam",
    "gcse",
    "phonics check",
    "milestone",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "no more than",
    "at least",
    "fewer than",
)
# PEP_QUALITY_ATTENDANCE_WORDS: a target about attendance names one of these in its area or
# its wording.
ATTENDANCE_WORDS = ("attendance", "attend", "punctual", "absence", "lateness")
# PEP_QUALITY_GOOD_OR_BETTER: the ratings that count as "good or better" in the reports.
GOOD_OR_BETTER = (QaRating.GOLD, QaRating.GREEN)

# The sections the checks concern (peps.sections keys), and the answers read from them
# (peps.forms): views["child_views"]; attendance["explanation"] and the figures frozen at
# submission, attendance["figures"]["attendance_percent"]; previous_targets["review_<id>"].
TARGETS = "targets"
CHILD_VIEWS = "views"
ATTENDANCE = "attendance"
PREVIOUS_TARGETS = "previous_targets"


def good_or_better_ratings() -> tuple[str, ...]:
    return tuple(_setting("PEP_QUALITY_GOOD_OR_BETTER", GOOD_OR_BETTER))


# --- What a check gets and gives ---------------------------------------------------------------


@dataclass(frozen=True)
class CheckResult:
    key: str
    passed: bool
    message: str
    section_key: str


@dataclass
class PepFacts:
    """What the checks read, loaded once per PEP."""

    pep: Pep
    term: Term
    targets: list[PepTarget]
    answers: dict[str, dict]  # section key: answers
    pp_requests: list  # peps.models.PpRequest
    previous_targets: list[PepTarget]
    today: date


Check = Callable[[PepFacts], CheckResult]
CHECKS: list[tuple[str, str, Check]] = []  # (key, section key, check), in the order shown


def check(key: str, section_key: str):
    def register(function: Callable[[PepFacts], tuple[bool, str]]) -> Check:
        def run(facts: PepFacts) -> CheckResult:
            passed, message = function(facts)
            return CheckResult(key, passed, message, section_key)

        CHECKS.append((key, section_key, run))
        return run

    return register


def quality_checks(pep: Pep, *, today: date | None = None) -> list[CheckResult]:
    """The result of every check the authority has not switched off, in order."""
    off = frozenset(_setting("PEP_QUALITY_CHECKS_OFF", frozenset()))
    facts = _facts(pep, today or timezone.localdate())
    return [run(facts) for key, _, run in CHECKS if key not in off]


def _facts(pep: Pep, today: date) -> PepFacts:
    previous = list(pep.previous.targets.all()) if pep.previous_id else []
    return PepFacts(
        pep=pep,
        term=term_of_pep(pep),
        targets=list(pep.targets.all()),
        answers={section.key: section.answers or {} for section in pep.sections.all()},
        pp_requests=list(pep.pp_requests.select_related("target")),
        previous_targets=previous,
        today=today,
    )


def term_of_pep(pep: Pep) -> Term:
    return dates.terms_of_year(pep.academic_year)[list(TermName).index(TermName(pep.term))]


# --- Reading answers ----------------------------------------------------------------------------


def says_something(text: str, min_words: int = 1) -> bool:
    """Not blank, not a stock non-answer such as "n/a", and at least `min_words` words."""
    cleaned = " ".join(str(text or "").split()).strip(" .!").lower()
    empty = _setting("PEP_QUALITY_EMPTY_ANSWERS", EMPTY_ANSWERS)
    return bool(cleaned) and cleaned not in empty and len(cleaned.split()) >= min_words


def is_measurable(text: str) -> bool:
    """A number or a measurement word or phrase (MEASURE_WORDS, matched as whole words)."""
    text = (text or "").lower()
    if re.search(r"\d", text):
        return True
    words = _setting("PEP_QUALITY_MEASURE_WORDS", MEASURE_WORDS)
    return any(
        (word in text) if not word[0].isalnum() else re.search(rf"\b{re.escape(word)}\b", text)
        for word in words
    )


def _number(value) -> Decimal | None:
    try:
        return Decimal(str(value).strip().rstrip("%"))
    except (InvalidOperation, ValueError):
        return None


def attendance_percent(facts: PepFacts) -> Decimal | None:
    """The term's attendance: as frozen in the attendance section at submission if it is there
    (`attendance_percent`, at the top or one level down), otherwise from the attendance records
    so far this term; None when neither has anything."""
    answers = facts.answers.get(ATTENDANCE, {})
    nested = [value for value in answers.values() if isinstance(value, dict)]
    for place in (answers, *nested):
        if place.get("attendance_percent") not in (None, ""):
            return _number(place["attendance_percent"])
    from outcomes.figures import attendance_of_child  # outcomes is optional to the checks

    end = min(facts.term.end, facts.today)
    if end < facts.term.start:
        return None
    return attendance_of_child(facts.pep.child_id, facts.term.start, end).attendance_percent


def _target_label(number: int, target: PepTarget) -> str:
    return f"target {number} ({target.area})" if target.area else f"target {number}"


def _list(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


# --- The checks ---------------------------------------------------------------------------------


@check("at_least_two_targets", TARGETS)
def at_least_two_targets(facts: PepFacts) -> tuple[bool, str]:
    wanted = _setting("PEP_QUALITY_MIN_TARGETS", MIN_TARGETS)
    count = len(facts.targets)
    if count >= wanted:
        return True, f"The plan has {count} targets."
    return False, f"Set at least {wanted} targets: the plan has {count}."


@check("measurable_success_measures", TARGETS)
def measurable_success_measures(facts: PepFacts) -> tuple[bool, str]:
    vague = [
        _target_label(number, target)
        for number, target in enumerate(facts.targets, start=1)
        if not is_measurable(target.success_measure)
    ]
    if not facts.targets:
        return False, "Add targets, each with a success measure you can measure."
    if not vague:
        return True, "Every target has a success measure you can measure."
    return False, (
        f"Make the success measure of {_list(vague)} measurable: a number, a percentage, a "
        "score or grade, a date, or how often (for example “reads 90 words a minute”)."
    )


@check("target_dates_in_term", TARGETS)
def target_dates_in_term(facts: PepFacts) -> tuple[bool, str]:
    term = facts.term
    outside = [
        _target_label(number, target)
        for number, target in enumerate(facts.targets, start=1)
        if target.by_when is None or not term.contains(target.by_when)
    ]
    if not facts.targets:
        return False, "Add targets, each with a date within the term to meet it by."
    if not outside:
        return True, "Every target has a date within the term."
    return False, (
        f"Give {_list(outside)} a date to meet it by within the {term.name.value} term "
        f"({dates.long_date(term.start)} to {dates.long_date(term.end)})."
    )


@check("child_views", CHILD_VIEWS)
def child_views(facts: PepFacts) -> tuple[bool, str]:
    answers = facts.answers.get(CHILD_VIEWS, {})
    words = _setting("PEP_QUALITY_MIN_VIEW_WORDS", MIN_VIEW_WORDS)
    if says_something(answers.get("child_views", ""), words):
        return True, "The child’s views are recorded."
    return False, "Record the child’s views about school and their learning, in their own words."


def _has_attendance_target(targets: list[PepTarget]) -> bool:
    words = _setting("PEP_QUALITY_ATTENDANCE_WORDS", ATTENDANCE_WORDS)
    return any(
        re.search(rf"\b{re.escape(word)}", f"{target.area} {target.target}".lower())
        for target in targets
        for word in words
    )


@check("attendance_addressed", ATTENDANCE)
def attendance_addressed(facts: PepFacts) -> tuple[bool, str]:
    threshold = Decimal(str(_setting("PEP_QUALITY_ATTENDANCE_THRESHOLD", ATTENDANCE_THRESHOLD)))
    if facts.pep.variant == PepVariant.NEET:
        return True, "A young person not in education has no attendance to check."
    attendance = attendance_percent(facts)
    if attendance is None:
        return True, "No attendance recorded for the term yet."
    if attendance >= threshold:
        return True, f"Attendance this term is {attendance}%."
    explained = says_something(facts.answers.get(ATTENDANCE, {}).get("explanation", ""), 3)
    if explained or _has_attendance_target(facts.targets):
        return True, f"Attendance of {attendance}% has a target or an explanation."
    return False, (
        f"Attendance this term is {attendance}%, below {threshold}%: set an attendance target "
        "or explain the attendance in the attendance section."
    )


@check("ppplus_tied_to_targets", TARGETS)
def ppplus_tied_to_targets(facts: PepFacts) -> tuple[bool, str]:
    own = {target.pk for target in facts.targets}
    loose = [request for request in facts.pp_requests if request.target_id not in own]
    if not facts.pp_requests:
        return True, "No Pupil Premium Plus has been requested."
    if not loose:
        return True, "Every Pupil Premium Plus request is tied to one of this plan’s targets."
    return False, (
        f"Tie {'each' if len(loose) > 1 else 'the'} Pupil Premium Plus request for "
        f"{_list([f'£{request.amount}' for request in loose])} to one of this plan’s targets."
    )


@check("previous_targets_reviewed", PREVIOUS_TARGETS)
def previous_targets_reviewed(facts: PepFacts) -> tuple[bool, str]:
    if not facts.previous_targets:
        return True, "There are no targets from a previous PEP to review."
    answers = facts.answers.get(PREVIOUS_TARGETS, {})
    unreviewed = [
        _target_label(number, target)
        for number, target in enumerate(facts.previous_targets, start=1)
        if not (answers.get(f"review_{target.pk}") or target.review)
    ]
    if not unreviewed:
        return True, "Every target of the previous PEP has been reviewed."
    verb = "was" if len(unreviewed) == 1 else "were"
    return False, f"Say whether the previous PEP’s {_list(unreviewed)} {verb} achieved."
