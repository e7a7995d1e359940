"""Strict readers for environment variables.

Every setting that differs between machines comes from the environment (DESIGN.md). A bad or
missing value must stop the process at start-up with a message naming the variable, rather
than fall back silently (django-environ reads "yes please" as False, for example).
"""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, default: str | None) -> str:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value.strip()


def read_dotenv(path: Path) -> None:
    """Load a local .env file for development; real environment variables win."""
    if path.is_file():
        environ.Env.read_env(str(path), overwrite=False)


def string(name: str, default: str | None = None) -> str:
    return _raw(name, default)


def boolean(name: str, default: bool) -> bool:
    value = _raw(name, "1" if default else "0").lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0 (or true/false); it is {value!r}.")


def integer(name: str, default: int, minimum: int = 0) -> int:
    value = _raw(name, str(default))
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; it is {value!r}.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; it is {number}.")
    return number


def string_list(name: str, default: str | None = None) -> list[str]:
    return [item.strip() for item in _raw(name, default).split(",") if item.strip()]


def url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = _raw(name, default)
    if not value.startswith(tuple(f"{scheme}://" for scheme in schemes)):
        allowed = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name} must be a URL starting with {allowed}; it is not.")
    return value


def database(name: str, default: str) -> dict:
    value = url(name, default, ("postgres", "postgresql"))
    try:
        return environ.Env.db_url_config(value)
    except Exception as error:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}") from None


def email(name: str, default: str) -> dict:
    value = url(
        name, default, ("smtp", "smtps", "smtp+tls", "smtp+ssl", "consolemail", "dummymail")
    )
    return environ.Env.email_url_config(value)


def secret_key(name: str, *, debug: bool) -> str:
    if debug:
        return _raw(name, "development-only-key-never-use-in-production-" + "x" * 20)
    value = _raw(name, None)
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            f"{name} must be a random string of at least 50 characters in production; "
            'generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    return value


def la_code(name: str, default: str) -> str:
    value = _raw(name, default)
    if not (value.isdigit() and len(value) == 3):
        raise ImproperlyConfigured(f"{name} must be a three-digit DfE local authority code.")
    return value
