"""Demo accounts: made-up people at example.org, one per role."""

from vschool.accounts.models import Role, User
from vschool.accounts.services import user_create, user_set_password

DEMO_PASSWORD = "demo-virtual-school"  # noqa: S105 (printed for anyone trying the demo)

DEMO_PEOPLE: list[tuple[Role, str, str]] = [
    (Role.HEAD, "head@example.org", "Helen Hart"),
    (Role.CASEWORKER, "caseworker@example.org", "Carl Case"),
    (Role.DESIGNATED_TEACHER, "teacher@example.org", "Tara Teach"),
    (Role.SOCIAL_WORKER, "socialworker@example.org", "Sam Social"),
    (Role.GOVERNOR, "governor@example.org", "Grace Governor"),
    (Role.ADMIN, "admin@example.org", "Adam Admin"),
]


def demo_users_ensure(*, password: str) -> list[User]:
    """Create the demo users that are missing and reset every demo password, so the
    printed sign-ins always work."""
    users = []
    for role, email, name in DEMO_PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = user_create(email=email, full_name=name, role=role, password=password)
        else:
            user_set_password(user=user, password=password)
        users.append(user)
    return users
