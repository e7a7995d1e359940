"""GOV.UK forms for a PEP: one form per section (peps.sections says which sections a PEP has),
a SMART target, and the Virtual School's review.

A section's cleaned answers are stored as they are in PepSection.answers (dates as ISO
strings), so each form is also the schema of its section. Teachers fill a PEP in over several
sittings: a section saves with gaps, and only "Yes, I've completed this section" makes the
questions it needs compulsory (GOV.UK task list pattern).
"""

from datetime import date
from decimal import Decimal

from crispy_forms_gds.layout import Field, Fieldset, Layout
from django import forms

from peps.models import EefApproach, Pep, QaRating, TargetReview
from vschool.dates import long_date
from vschool.forms import GovukDateField, GovukForm

COMPLETED = [
    ("yes", "Yes, I’ve completed this section"),
    ("no", "No, I’ll come back to it later"),
]
YES_NO = [("yes", "Yes"), ("no", "No")]
LONG_TEXT = 5000


def text_area(label: str, *, help_text: str = "", rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def radios(label: str, choices, *, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, help_text=help_text, required=False, widget=forms.RadioSelect
    )


def _to_json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(field: forms.Field, value):
    if isinstance(field, GovukDateField) and isinstance(value, str) and value:
        return date.fromisoformat(value)
    return value


def display(field: forms.Field, value) -> str:
    """An answer as a person reads it: the label of a choice, a date in words."""
    if value in (None, ""):
        return ""
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, GovukDateField):
        return long_date(date.fromisoformat(value))
    return str(value)


class SectionForm(GovukForm):
    """A section's questions, then "Have you completed this section?".

    `needed` names the questions that must be answered before the section can be marked
    complete, with the message to show; they may be left blank while it is in progress."""

    submit_label = "Save and continue"
    needed: dict[str, str] = {}

    completed = forms.ChoiceField(
        label="Have you completed this section?",
        choices=COMPLETED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have completed this section"},
    )

    def __init__(self, data=None, *, pep: Pep, answers: dict | None = None, completed=None):
        self.pep = pep
        self.saved = answers or {}
        super().__init__(data)
        self.add_fields()
        self.fields["completed"] = self.fields.pop("completed")
        self.initial = {
            name: _from_json(self.fields[name], value)
            for name, value in self.saved.items()
            if name in self.fields
        }
        if completed is not None:
            self.initial["completed"] = "yes" if completed else "no"
        if layout := self.layout():
            self.helper.layout = layout

    def add_fields(self) -> None:
        """Forms whose questions depend on the PEP add them here."""

    def layout(self) -> Layout | None:
        return None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("completed") == "yes":
            for name, message in self.needed_now().items():
                if name not in self.errors and cleaned.get(name) in (None, ""):
                    self.add_error(name, message)
        return cleaned

    def needed_now(self) -> dict[str, str]:
        return self.needed

    @property
    def is_completed(self) -> bool:
        return self.cleaned_data["completed"] == "yes"

    def answers(self) -> dict:
        return {
            name: _to_json(value)
            for name, value in self.cleaned_data.items()
            if name != "completed"
        }

    def summary_rows(self) -> list[dict]:
        """What was saved, as summary list rows (check-your-answers, review, PDF)."""
        return [
            {"key": field.label, "value": display(field, self.saved.get(name))}
            for name, field in self.fields.items()
            if name != "completed"
        ]


# --- The sections ----------------------------------------------------------------------------


class ChildViewsForm(SectionForm):
    needed = {"child_views": "Enter the child’s views in their own words"}

    child_views = text_area(
        "What does the child say about school and their learning?",
        help_text="Write their views in their own words, for example “I like maths when I "
        "can work with a partner”. Include what they are proud of and what they find hard.",
        rows=8,
    )
    how_gathered = text_area(
        "How were the child’s views gathered? (optional)",
        help_text="For example, with their key adult before the meeting, or at the meeting.",
        rows=3,
    )
    aspirations = text_area("What would the child like to do in the future? (optional)", rows=3)


class AttendanceForm(SectionForm):
    explanation = text_area(
        "Explain the attendance and any suspensions (optional)",
        help_text="Say what lies behind any absence or suspension and what is being done "
        "about it. Explain attendance below 95% here or set an attendance target.",
    )


class SenForm(SectionForm):
    support = text_area(
        "What support is in place for the child’s learning needs? (optional)",
        help_text="Include any SEN support plan, interventions and who provides them.",
    )
    ehcp_next_review = GovukDateField(
        label="Date of the next EHC plan annual review (optional)",
        name="the date of the next EHC plan annual review",
        required=False,
    )
    ehcp_outcomes = text_area(
        "How does this PEP support the outcomes in the EHC plan? (optional)", rows=3
    )


class WellbeingForm(SectionForm):
    needed = {
        "wellbeing": "Describe the child’s wellbeing",
        "what_helps": "Enter what helps the child",
    }

    wellbeing = text_area(
        "How is the child’s wellbeing?",
        help_text="Their emotional and mental health, friendships and relationships.",
    )
    what_helps = text_area("What helps the child to learn and to feel safe at school?")
    interests = text_area("Activities and hobbies out of school (optional)", rows=3)


class EarlyYearsForm(SectionForm):
    needed = {"milestones": "Describe how the child is developing"}

    setting = text_area(
        "Which early years setting does the child attend, and for how many hours a week? "
        "(optional)",
        rows=2,
    )
    milestones = text_area(
        "How is the child developing against the early years milestones?",
        help_text="Cover communication and language, physical development, and personal, "
        "social and emotional development.",
        rows=8,
    )
    eypp = radios(
        "Is the setting receiving Early Years Pupil Premium (EYPP) for the child?",
        [("yes", "Yes"), ("no", "No"), ("not_known", "Not known")],
    )
    eypp_use = text_area("How is the EYPP being used? (optional)", rows=3)


class CareersForm(SectionForm):
    """School age, Year 9 and above."""

    needed = {"next_steps": "Enter the young person’s plans and how they will get there"}

    careers_guidance = text_area(
        "What careers advice and guidance has the young person had? (optional)", rows=3
    )
    next_steps = text_area("What are their plans after Year 11, and how will they get there?")
    transition_support = text_area(
        "What support do they need for any move between schools, phases or placements? (optional)",
        rows=3,
    )


class Post16PathwayForm(SectionForm):
    needed = {
        "course": "Enter the young person’s course or programme",
        "pathway": "Enter the young person’s plans",
    }

    course = text_area("What course or programme is the young person on, and where?", rows=3)
    pathway = text_area("What are their plans for the next year and beyond?")
    bursary = radios(
        "Have they applied for the 16 to 19 Bursary (vulnerable group)?",
        [("yes", "Yes"), ("no", "No"), ("not_eligible", "Not eligible")],
    )
    pathway_plan = text_area("How does this link to their pathway plan? (optional)", rows=3)


class EetPlanForm(SectionForm):
    """Not in education, employment or training."""

    needed = {
        "current_activity": "Enter what the young person is doing now",
        "plan": "Enter the plan to get the young person into education, employment or training",
    }

    current_activity = text_area("What is the young person doing now?", rows=3)
    barriers = text_area(
        "What is stopping them taking part in education, employment or training? (optional)",
        rows=3,
    )
    plan = text_area(
        "What is the plan to get them into education, employment or training, and by when?"
    )
    support = text_area("Who is supporting them? (optional)", rows=3)


class MeetingForm(SectionForm):
    needed = {
        "meeting_date": "Enter the date of the PEP meeting, for example 27 3 2025",
        "attended": "Enter who attended the meeting",
    }

    meeting_date = GovukDateField(
        label="When was the PEP meeting?", name="the date of the PEP meeting", required=False
    )
    attended = text_area(
        "Who attended?",
        help_text="Names and roles, for example “Sam Smith, social worker”. Say whether the "
        "child and their carer took part.",
    )
    next_review = GovukDateField(
        label="Date of the next PEP review (optional)",
        name="the date of the next PEP review",
        required=False,
    )


class CareForm(SectionForm):
    """The social worker's section."""

    needed = {"placement": "Enter what has changed in the child’s placement or care plan"}

    placement = text_area(
        "Has anything changed in the child’s placement or care plan that affects their education?",
        help_text="Write “No changes” if nothing has.",
    )
    carer_support = text_area(
        "How do the child’s carers support their learning at home? (optional)", rows=3
    )
    social_worker_views = text_area(
        "Anything else the school and the Virtual School should know? (optional)", rows=3
    )


class TargetsForm(SectionForm):
    """The targets themselves are added one at a time (TargetForm); this only marks the
    section complete."""

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("completed") == "yes" and not self.pep.targets.exists():
            self.add_error("completed", "Add at least one target before completing this section")
        return cleaned

    def summary_rows(self) -> list[dict]:
        return [
            {"key": target.area, "value": target_summary(target)}
            for target in self.pep.targets.all()
        ]


def target_summary(target) -> str:
    by_when = f" By {long_date(target.by_when)}." if target.by_when else ""
    return f"{target.target} Success measure: {target.success_measure}.{by_when}"


# --- Forms with a row per thing --------------------------------------------------------------

MAX_SUBJECTS = 30
BLANK_SUBJECT_ROWS = 3


class AttainmentForm(SectionForm):
    """A row per subject: working at, target, making expected progress. The saved rows are
    shown with three blank ones; save to get more."""

    ROW_FIELDS = ("subject", "working_at", "target", "progress")

    def add_fields(self) -> None:
        self.rows = self._row_count()
        for row in range(1, self.rows + 1):
            self.fields[f"subject_{row}"] = forms.CharField(
                label="Subject", required=False, max_length=100
            )
            self.fields[f"working_at_{row}"] = forms.CharField(
                label="Working at",
                required=False,
                max_length=100,
                help_text="For example, “Grade 4” or “Working towards the expected standard”.",
            )
            self.fields[f"target_{row}"] = forms.CharField(
                label="End of year target", required=False, max_length=100
            )
            self.fields[f"progress_{row}"] = radios("Making expected progress?", YES_NO)
        self.fields["notes"] = text_area(
            "Anything else about the child’s progress (optional)", rows=3
        )
        # Saved rows come back as subject_1 and so on, for the initial values.
        self.saved = {
            **self.saved,
            **{
                f"{name}_{row}": saved.get(name, "")
                for row, saved in enumerate(self.saved.get("subjects", []), start=1)
                for name in self.ROW_FIELDS
            },
        }

    def _row_count(self) -> int:
        if self.data:
            posted = sum(1 for key in self.data if key.startswith("subject_"))
            return min(max(posted, 1), MAX_SUBJECTS)
        return min(len(self.saved.get("subjects", [])) + BLANK_SUBJECT_ROWS, MAX_SUBJECTS)

    def layout(self) -> Layout:
        rows = [
            Fieldset(
                Field.text(f"subject_{row}", field_width=20),
                Field.text(f"working_at_{row}", field_width=20),
                Field.text(f"target_{row}", field_width=20),
                Field.radios(f"progress_{row}", inline=True, small=True),
                legend=f"Subject {row}",
                legend_size="s",
            )
            for row in range(1, self.rows + 1)
        ]
        return Layout(*rows, "notes", "completed")

    def clean(self):
        cleaned = super().clean()
        for row in range(1, self.rows + 1):
            values = [cleaned.get(f"{name}_{row}") for name in self.ROW_FIELDS]
            if any(values) and not values[0]:
                self.add_error(f"subject_{row}", f"Enter the subject for subject {row}")
            elif values[0] and not values[3] and cleaned.get("completed") == "yes":
                self.add_error(
                    f"progress_{row}",
                    f"Select whether the child is making expected progress in {values[0]}",
                )
        if cleaned.get("completed") == "yes" and not self.subjects():
            self.add_error("subject_1", "Enter at least one subject")
        return cleaned

    def subjects(self) -> list[dict]:
        return [
            {name: self.cleaned_data.get(f"{name}_{row}", "") for name in self.ROW_FIELDS}
            for row in range(1, self.rows + 1)
            if self.cleaned_data.get(f"subject_{row}")
        ]

    def answers(self) -> dict:
        return {"subjects": self.subjects(), "notes": self.cleaned_data.get("notes", "")}

    def summary_rows(self) -> list[dict]:
        progress = dict(YES_NO)
        rows = [
            {
                "key": subject["subject"],
                "value": f"Working at {subject['working_at'] or 'not recorded'}; "
                f"target {subject['target'] or 'not recorded'}; making expected progress: "
                f"{progress.get(subject['progress'], 'not recorded').lower()}",
            }
            for subject in self.saved.get("subjects", [])
        ]
        if self.saved.get("notes"):
            rows.append({"key": "Anything else", "value": self.saved["notes"]})
        return rows


class PreviousTargetsForm(SectionForm):
    """Whether each target of the previous PEP was achieved. The answers are saved onto those
    targets (so reports follow a target from one PEP to the next) and kept in this section."""

    def add_fields(self) -> None:
        self.targets = list(self.pep.previous.targets.all()) if self.pep.previous_id else []
        for target in self.targets:
            self.fields[f"review_{target.pk}"] = radios(
                "Was it achieved?",
                TargetReview.choices,
                help_text=f"Success measure: {target.success_measure}",
            )
            self.fields[f"note_{target.pk}"] = text_area("What happened? (optional)", rows=2)
            # This PEP's own answers first; else whatever the targets say (a review saved on
            # them by another version of this PEP).
            self.saved = {
                f"review_{target.pk}": target.review,
                f"note_{target.pk}": target.review_note,
                **self.saved,
            }

    def layout(self) -> Layout:
        rows = [
            Fieldset(
                Field.radios(f"review_{target.pk}", small=True),
                f"note_{target.pk}",
                legend=f"Target {number}: {target.target}",
                legend_size="s",
            )
            for number, target in enumerate(self.targets, start=1)
        ]
        return Layout(*rows, "completed")

    def needed_now(self) -> dict[str, str]:
        return {
            f"review_{target.pk}": f"Select whether target {number} was achieved"
            for number, target in enumerate(self.targets, start=1)
        }

    def reviews(self) -> dict[int, tuple[str, str]]:
        """{target id: (review, note)} for the targets given a review."""
        return {
            target.pk: (
                self.cleaned_data.get(f"review_{target.pk}", ""),
                self.cleaned_data.get(f"note_{target.pk}", ""),
            )
            for target in self.targets
        }

    def summary_rows(self) -> list[dict]:
        labels = dict(TargetReview.choices)
        rows = []
        for target in self.targets:
            review = labels.get(self.saved.get(f"review_{target.pk}"), "Not reviewed")
            note = self.saved.get(f"note_{target.pk}")
            rows.append({"key": target.target, "value": f"{review}. {note}" if note else review})
        return rows


# --- A target, and the review ----------------------------------------------------------------


class TargetForm(GovukForm):
    submit_label = "Save target"

    area = forms.CharField(
        label="Area",
        max_length=100,
        help_text="For example, reading, maths, attendance or wellbeing.",
        error_messages={"required": "Enter the area the target is about"},
    )
    target = forms.CharField(
        label="Target",
        max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the target"},
    )
    success_measure = forms.CharField(
        label="How will you know it has been met?",
        max_length=LONG_TEXT,
        help_text="Something you can measure, for example “reads 90 words a minute with 95% "
        "accuracy”.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter how you will know the target has been met"},
    )
    actions = text_area("What will be done to meet it? (optional)", rows=3)
    who = forms.CharField(
        label="Who will do it? (optional)",
        max_length=200,
        required=False,
        help_text="For example, “Class teacher, with a teaching assistant three times a week”.",
    )
    by_when = GovukDateField(
        label="By when?", name="the date the target should be met by", example="3 4 2026"
    )
    eef_approach = forms.ChoiceField(
        label="Which approach does it use? (optional)",
        choices=EefApproach.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="The Education Endowment Foundation’s three tiers. Pupil Premium Plus is "
        "linked to the approach.",
    )


class ReviewForm(GovukForm):
    """Rate, comment on each section, and either approve or return with a reason; which one
    the reviewer chose comes with the button, and the workflow service checks the rules."""

    rating = forms.ChoiceField(
        label="How would you rate this PEP?",
        choices=QaRating.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Good or better is Gold or Green. A Red PEP must be returned to the school.",
    )
    reason = forms.CharField(
        label="Why are you returning it? (only if you return it to the school)",
        max_length=LONG_TEXT,
        required=False,
        help_text="The designated teacher sees this at the top of the PEP.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, data=None, *, sections):
        super().__init__(data)
        self.section_keys = [spec.key for spec in sections]
        for spec in sections:
            self.fields[f"feedback_{spec.key}"] = text_area(
                f"Feedback on “{spec.title}” (optional)", rows=2
            )
        self.fields["reason"] = self.fields.pop("reason")
        self.helper.form_tag = False
        self.helper.inputs = []

    def feedback(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"feedback_{key}", "").strip()
            for key in self.section_keys
            if self.cleaned_data.get(f"feedback_{key}", "").strip()
        }
