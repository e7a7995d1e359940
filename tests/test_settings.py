"""Configuration comes from the environment and fails loudly when it is wrong."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "SECRET_KEY": "p9Xk2vQ7rT4mW8zL1nB6cF3hJ5sD0gA_yE-uI9oP2qR7tY4wZ8xV1bN6mK3jH5lG",
    "ALLOWED_HOSTS": "virtualschool.example.gov.uk",
    "DATABASE_URL": "postgres://vschool:secret@db:5432/vschool",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.gov.uk:587",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean environment: only what the test gives, so the developer's .env values for
    # variables the test sets cannot leak in (real environment variables win over .env).
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(ROOT))}
    base.update(DEBUG="1", HTTPS="0")
    base.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SECRET_KEY", "", "SECRET_KEY must be set"),
        ("SECRET_KEY", "short", "SECRET_KEY must be a random string of at least 50 characters"),
        ("ALLOWED_HOSTS", "", "ALLOWED_HOSTS must be set"),
        ("EMAIL_URL", "", "EMAIL_URL must be set"),
        ("DEBUG", "perhaps", "DEBUG must be 1 or 0"),
        ("SESSION_IDLE_MINUTES", "half an hour", "SESSION_IDLE_MINUTES must be a whole number"),
        ("SESSION_MAX_HOURS", "0", "SESSION_MAX_HOURS must be at least 1"),
        ("DATABASE_URL", "mysql://db/vschool", "DATABASE_URL must be a URL starting with"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must be a URL starting with"),
        ("LA_CODE", "12", "LA_CODE must be a three-digit DfE local authority code"),
    ],
)
def test_a_bad_or_missing_variable_stops_start_up_naming_it(variable, value, message):
    result = run_manage("check", **{**PRODUCTION, variable: value})

    assert result.returncode != 0
    assert message in result.stderr


def test_local_development_needs_no_configuration():
    result = run_manage("check")

    assert result.returncode == 0, result.stderr
