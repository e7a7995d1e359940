from functools import cache

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Permission, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class Role(models.TextChoices):
    HEAD = "head", "Virtual School Head"
    CASEWORKER = "caseworker", "Virtual School caseworker"
    DESIGNATED_TEACHER = "designated_teacher", "Designated teacher"
    SOCIAL_WORKER = "social_worker", "Social worker"
    GOVERNOR = "governor", "Governor"
    ADMIN = "admin", "Administrator"


@cache
def _model_permissions() -> frozenset[str]:
    return frozenset(
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list(
            "content_type__app_label", "codename"
        )
    )


def is_model_permission(perm: str) -> bool:
    return perm in _model_permissions()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Email addresses are matched without regard to case, so they are stored lower-case.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email=self.normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Their role decides their home page, navigation and access;
    the records they may see within a role (a teacher's schools, a social worker's children)
    are held by the records themselves."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(
        default=True, help_text="Untick this instead of deleting the account."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_case_insensitive_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        """Only administrators may open the Django admin site."""
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    def has_perm(self, perm: str, obj=None) -> bool:
        """Administrators hold every Django model permission (the admin site's add, change,
        delete and view); the service's own permissions, such as seeing children, are decided
        by the role rules in vschool/accounts/access.py for them as for everyone."""
        if self.is_active and self.role == Role.ADMIN and obj is None and is_model_permission(perm):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        if self.is_active and self.role == Role.ADMIN:
            return True
        return super().has_module_perms(app_label)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
