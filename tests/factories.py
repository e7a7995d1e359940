import datetime

import factory

from pupils.codes import SenProvision
from pupils.identifiers import upn_check_letter
from pupils.models import (
    Allocation,
    AllocationRole,
    CareEpisode,
    Child,
    Cohort,
    CohortMembership,
    DesignatedTeacher,
    Enrolment,
    OfstedFramework,
    OfstedInspection,
    Phase,
    School,
    SenRecord,
)
from vschool.accounts.models import Role, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


# --- Children and schools ------------------------------------------------------------------
# Dates are fixed, not relative to today, so that tests read as worked examples; tests about
# "today" freeze time with time_machine.


def make_upn(serial: int) -> str:
    body = f"999{serial % 10_000:04d}25{serial // 10_000 % 1000:03d}"
    return upn_check_letter(body) + body


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{100000 + n}")
    la_code = "999"
    la_name = "Exampleshire"
    establishment_number = factory.Sequence(lambda n: f"{2000 + n % 8000}")
    name = factory.Sequence(lambda n: f"Example School {n}")
    type_name = "Community school"
    phase = Phase.SECONDARY
    postcode = "EX1 1AA"


class OfstedInspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfstedInspection

    school = factory.SubFactory(SchoolFactory)
    inspection_date = datetime.date(2023, 3, 1)
    framework = OfstedFramework.GRADED
    overall_grade = 2


class DesignatedTeacherFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DesignatedTeacher

    user = factory.SubFactory(UserFactory, role=Role.DESIGNATED_TEACHER)
    school = factory.SubFactory(SchoolFactory)
    start_date = datetime.date(2020, 9, 1)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    la_child_id = factory.Sequence(lambda n: f"C{100000 + n}")
    upn = factory.Sequence(make_upn)
    legal_first_name = factory.Faker("first_name", locale="en_GB")
    legal_last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(2012, 1, 15)  # Year 9 in 2025/26
    sex = "2"
    ethnicity = "WBRI"


class CohortMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CohortMembership

    child = factory.SubFactory(ChildFactory)
    cohort = Cohort.CHILD_IN_CARE
    start_date = datetime.date(2022, 5, 1)


class CareEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareEpisode

    child = factory.SubFactory(ChildFactory)
    start_date = datetime.date(2022, 5, 1)
    reason_new_episode = "S"
    legal_status = "C2"
    category_of_need = "N1"
    placement_type = "U4"
    placement_provider = "PR1"
    placement_la_code = "999"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    start_date = datetime.date(2023, 9, 1)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    child = factory.SubFactory(ChildFactory)
    user = factory.SubFactory(UserFactory, role=Role.CASEWORKER)
    role = AllocationRole.CASEWORKER
    start_date = datetime.date(2022, 5, 1)


class SenRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SenRecord

    child = factory.SubFactory(ChildFactory)
    provision = SenProvision.SUPPORT
    primary_need = "SEMH"
    start_date = datetime.date(2022, 9, 1)
