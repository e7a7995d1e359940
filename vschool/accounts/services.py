from vschool.accounts.models import Role, User


def user_create(*, email: str, full_name: str, role: Role, password: str | None = None) -> User:
    """A new account; without a password it can only be entered through a reset link."""
    return User.objects.create_user(email, password, full_name=full_name, role=role)


def user_set_password(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])
