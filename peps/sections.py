"""The sections of a PEP, per variant, as data: key, title, who edits it, its form (whose
answers are stored in PepSection.answers), and whether the PEP can be submitted without it.

Also what a section shows beside its questions: the term's attendance and suspensions (live
until the PEP is submitted, then frozen into the section's answers) and the child's recorded
SEN provision (kept with the answers when the section is saved).
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from outcomes.figures import attendance_of_child
from outcomes.models import Suspension
from peps import forms
from peps.models import Pep, PepSection, PepVariant
from pupils.models import SenRecord
from vschool.dates import Term, academic_year_label, long_date, terms_of_year

SCHOOL, CARE = "school", "care"
CAREERS_FROM_YEAR = 9


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    form_class: type[forms.SectionForm]
    editor: str = SCHOOL  # who writes it: the school (designated teacher) or the social worker
    hint: str = ""
    required: bool = True  # must be complete before the PEP is submitted


VIEWS = SectionSpec("views", "The child’s views", forms.ChildViewsForm, hint="In their own words")
ATTENDANCE = SectionSpec(
    "attendance",
    "Attendance and suspensions this term",
    forms.AttendanceForm,
    hint="Filled in from the attendance records",
)
ATTAINMENT = SectionSpec("attainment", "Attainment and progress", forms.AttainmentForm)
COURSES = SectionSpec("attainment", "Courses and progress", forms.AttainmentForm)
SEN = SectionSpec("sen", "Special educational needs and EHC plan", forms.SenForm)
WELLBEING = SectionSpec("wellbeing", "Wellbeing and what helps", forms.WellbeingForm)
EARLY_YEARS = SectionSpec(
    "early_years",
    "Development and Early Years Pupil Premium",
    forms.EarlyYearsForm,
    hint="Developmental milestones and EYPP",
)
PREVIOUS_TARGETS = SectionSpec(
    "previous_targets", "Review of the previous PEP’s targets", forms.PreviousTargetsForm
)
TARGETS = SectionSpec(
    "targets", "SMART targets", forms.TargetsForm, hint="With Pupil Premium Plus requests"
)
CAREERS = SectionSpec("transitions", "Transitions and careers", forms.CareersForm)
POST_16_PATHWAY = SectionSpec("transitions", "Post-16 pathway", forms.Post16PathwayForm)
EET_PLAN = SectionSpec("transitions", "Education, employment or training plan", forms.EetPlanForm)
MEETING = SectionSpec("meeting", "Meeting date and who attended", forms.MeetingForm)
CARE_SECTION = SectionSpec(
    "care",
    "Care and placement",
    forms.CareForm,
    editor=CARE,
    hint="Written by the child’s social worker",
    # A social worker's delay must not stop the school submitting its plan.
    required=False,
)


def sections_for(pep: Pep) -> list[SectionSpec]:
    """The sections of this PEP, in the order they are filled in."""
    previous = [PREVIOUS_TARGETS] if pep.previous_id else []
    if pep.variant == PepVariant.EARLY_YEARS:
        middle = [ATTENDANCE, EARLY_YEARS, SEN, WELLBEING]
        transitions = []
    elif pep.variant == PepVariant.POST_16:
        middle = [ATTENDANCE, COURSES, SEN, WELLBEING]
        transitions = [POST_16_PATHWAY]
    elif pep.variant == PepVariant.NEET:
        middle = [SEN, WELLBEING]
        transitions = [EET_PLAN]
    else:
        middle = [ATTENDANCE, ATTAINMENT, SEN, WELLBEING]
        transitions = [CAREERS] if _in_year_9_or_above(pep) else []
    return [VIEWS, *middle, *previous, TARGETS, *transitions, MEETING, CARE_SECTION]


def _in_year_9_or_above(pep: Pep) -> bool:
    return pep.child.year_group(pep_term(pep).start) >= CAREERS_FROM_YEAR


def section_spec(pep: Pep, key: str) -> SectionSpec | None:
    return next((spec for spec in sections_for(pep) if spec.key == key), None)


def required_keys(pep: Pep) -> list[str]:
    return [spec.key for spec in sections_for(pep) if spec.required]


def pep_title(pep: Pep) -> str:
    """Spring term 2025/26 PEP, or Initial PEP (autumn term 2025/26)."""
    term = f"{pep.term} term {academic_year_label(pep.academic_year)}"
    if pep.kind == "initial":
        return f"Initial PEP ({term})"
    return f"{term[0].upper()}{term[1:]} PEP"


def pep_term(pep: Pep) -> Term:
    return next(term for term in terms_of_year(pep.academic_year) if term.name == pep.term)


# --- Statuses (GOV.UK task list) -------------------------------------------------------------

COMPLETED, IN_PROGRESS, NOT_STARTED = "Completed", "In progress", "Not yet started"
STATUS_COLOURS = {COMPLETED: "", IN_PROGRESS: "light-blue", NOT_STARTED: "blue"}


def section_status(section: PepSection | None) -> str:
    if section is None:
        return NOT_STARTED
    return COMPLETED if section.completed else IN_PROGRESS


# --- What a section shows beside its questions -----------------------------------------------


def attendance_now(pep: Pep) -> dict:
    """The term's attendance and suspensions from the records as they stand, in the shape
    they are frozen in at submission (answers["figures"])."""
    term = pep_term(pep)
    figures = attendance_of_child(pep.child_id, term.start, term.end)
    suspensions = Suspension.objects.filter(
        child_id=pep.child_id, start_date__lte=term.end, end_date__gte=term.start
    ).order_by("start_date")
    percent = figures.attendance_percent
    return {
        "from": term.start.isoformat(),
        "to": term.end.isoformat(),
        "possible": figures.possible,
        "attended": figures.attended,
        "authorised": figures.authorised,
        "unauthorised": figures.unauthorised,
        "attendance_percent": None if percent is None else str(percent),
        "suspensions": [
            {
                "kind": suspension.get_kind_display(),
                "start_date": suspension.start_date.isoformat(),
                "end_date": suspension.end_date.isoformat(),
                "sessions_lost": suspension.sessions_lost,
            }
            for suspension in suspensions
        ],
    }


def attendance_frozen(pep: Pep) -> dict:
    return {**attendance_now(pep), "frozen_on": timezone.localdate().isoformat()}


def attendance_shown(pep: Pep, section: PepSection | None) -> dict:
    """Frozen figures once the PEP has been submitted, otherwise today's."""
    frozen = section.answers.get("figures") if section else None
    return frozen or attendance_now(pep)


def attendance_rows(figures: dict) -> list[dict]:
    if figures["possible"]:
        attendance = (
            f"{figures['attendance_percent']}% ({figures['attended']} of "
            f"{figures['possible']} possible sessions)"
        )
    else:
        attendance = "No attendance recorded for this term yet"
    suspensions = "; ".join(
        f"{item['kind']}, {_day(item['start_date'])} to {_day(item['end_date'])} "
        f"({item['sessions_lost']} sessions)"
        for item in figures["suspensions"]
    )
    rows = [
        {"key": "Attendance", "value": attendance},
        {"key": "Authorised absence", "value": f"{figures['authorised']} sessions"},
        {"key": "Unauthorised absence", "value": f"{figures['unauthorised']} sessions"},
        {"key": "Suspensions", "value": suspensions or "None"},
    ]
    if figures.get("frozen_on"):
        rows.append({"key": "Figures as at", "value": _day(figures["frozen_on"])})
    return rows


def _day(iso: str) -> str:
    return long_date(date.fromisoformat(iso))


def recorded_sen(pep: Pep) -> dict:
    """The child's SEN provision as the Virtual School has it recorded today."""
    record = SenRecord.objects.current(timezone.localdate()).filter(child_id=pep.child_id).first()
    if record is None:
        return {"provision": "No SEN recorded", "primary_need": "", "secondary_need": ""}
    return {
        "provision": record.get_provision_display(),
        "primary_need": record.get_primary_need_display(),
        "secondary_need": record.get_secondary_need_display(),
    }


def sen_rows(recorded: dict) -> list[dict]:
    return [
        {"key": "Recorded SEN provision", "value": recorded["provision"]},
        {"key": "Primary need", "value": recorded["primary_need"]},
        {"key": "Secondary need", "value": recorded["secondary_need"]},
    ]


def section_snapshot(pep: Pep, key: str) -> dict:
    """Facts from the child's record kept with a section's answers when it is saved, so the
    PEP (and its PDF) says what was known when it was written."""
    if key == SEN.key:
        return {"recorded": recorded_sen(pep)}
    return {}


# --- A section as the pages show it ----------------------------------------------------------


@dataclass
class SectionView:
    spec: SectionSpec
    section: PepSection | None
    rows: list[dict] = field(default_factory=list)

    @property
    def status(self) -> str:
        return section_status(self.section)

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]


def section_form(spec: SectionSpec, pep: Pep, section: PepSection | None, data=None):
    return spec.form_class(
        data,
        pep=pep,
        answers=section.answers if section else {},
        completed=section.completed if section else None,
    )


def section_rows(spec: SectionSpec, pep: Pep, section: PepSection | None) -> list[dict]:
    """Everything a section says, as summary list rows: the facts shown beside it, then the
    answers."""
    rows = section_form(spec, pep, section).summary_rows()
    if spec.key == ATTENDANCE.key:
        rows = attendance_rows(attendance_shown(pep, section)) + rows
    elif spec.key == SEN.key:
        recorded = (section.answers.get("recorded") if section else None) or recorded_sen(pep)
        rows = sen_rows(recorded) + rows
    return rows


def pep_sections(pep: Pep, *, with_rows: bool = False) -> list[SectionView]:
    """Every section of the PEP with its saved state (sections prefetched or one query)."""
    saved = {section.key: section for section in pep.sections.all()}
    views = []
    for spec in sections_for(pep):
        section = saved.get(spec.key)
        rows = section_rows(spec, pep, section) if with_rows else []
        views.append(SectionView(spec, section, rows))
    return views
