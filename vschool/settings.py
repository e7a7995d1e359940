"""The one settings module. Everything that differs between machines is read from the
environment (see the configuration table in README.md); a local `.env` file is read in
development. Defaults serve local development against PostgreSQL and Redis on 127.0.0.1.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from vschool import config

BASE_DIR = Path(__file__).resolve().parent.parent
config.read_dotenv(BASE_DIR / ".env")

DEBUG = config.boolean("DEBUG", False)
SECRET_KEY = config.secret_key("SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = config.string_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else None)
CSRF_TRUSTED_ORIGINS = config.string_list("CSRF_TRUSTED_ORIGINS", "")

# --- The home local authority -------------------------------------------------------------
LA_CODE = config.la_code("LA_CODE", "999")
LA_NAME = config.string("LA_NAME", "Exampleshire")
SERVICE_NAME = f"{LA_NAME} Virtual School"
# Postcode districts in the council's area, e.g. "PE1,PE2,PE3": they place a care placement
# inside or outside the authority when the extract gives no placement LA code.
HOME_POSTCODE_DISTRICTS = frozenset(
    district.upper() for district in config.string_list("HOME_POSTCODE_DISTRICTS", "")
)
SERVICE_PHASE = config.string("SERVICE_PHASE", "Beta")
SUPPORT_EMAIL = config.string("SUPPORT_EMAIL", "virtual.school@example.org")

# Personal Education Plans: the bank holidays that working-day deadlines skip, and quality
# checks the authority has switched off (by key, see peps/quality.py).
BANK_HOLIDAYS_FILE = Path(
    config.string("BANK_HOLIDAYS_FILE", str(BASE_DIR / "fixtures" / "bank_holidays.csv"))
)
PEP_QUALITY_CHECKS_OFF = frozenset(config.string_list("PEP_QUALITY_CHECKS_OFF", ""))
# Absolute address of the service, for links in emails.
SITE_URL = config.string("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "vschool.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    "rules",
    "vschool",
    "pupils",
    "peps",
    "outcomes",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vschool.accounts.middleware.SessionLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vschool.urls"
WSGI_APPLICATION = "vschool.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "vschool.context_processors.service",
            ],
        },
    },
]

# --- Data stores --------------------------------------------------------------------------
DATABASES = {
    "default": config.database("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/vschool")
}
DATABASES["default"]["CONN_MAX_AGE"] = config.integer("DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.url("REDIS_URL", "redis://127.0.0.1:6379/0", ("redis", "rediss", "unix"))
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "vschool",
    }
}

MEDIA_ROOT = Path(config.string("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Files dropped here (by SFTP, say) are picked up by the scheduled imports.
IMPORT_INBOX_DIR = Path(config.string("IMPORT_INBOX_DIR", str(BASE_DIR / "var" / "inbox")))

# --- Accounts, sign-in and sessions -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "sign_in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "sign_in"
PASSWORD_RESET_TIMEOUT = config.integer("PASSWORD_RESET_TIMEOUT_HOURS", 2, minimum=1) * 3600

# Inactivity expiry: the session cookie's age, renewed on every request.
SESSION_COOKIE_AGE = config.integer("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute limit from sign-in, however active the user is (SessionLimitMiddleware).
SESSION_ABSOLUTE_LIMIT = timedelta(hours=config.integer("SESSION_MAX_HOURS", 12, minimum=1))

AXES_FAILURE_LIMIT = config.integer("SIGN_IN_ATTEMPTS", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=config.integer("SIGN_IN_LOCKOUT_MINUTES", 30, minimum=1))
# Lock the account being attacked, not the council's shared outbound IP address.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns that this lets one address try many accounts; locking by address would lock out a
# whole council office behind one NAT address after five typos, which is worse for a council.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "vschool.accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# --- Email --------------------------------------------------------------------------------
_email = config.email("EMAIL_URL", "consolemail://" if DEBUG else None)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = config.string("DEFAULT_FROM_EMAIL", SUPPORT_EMAIL)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------------------
# HTTPS=1 (the default outside development) turns on redirects, secure cookies and HSTS.
HTTPS = config.boolean("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if config.boolean("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself; otherwise clients could forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    }
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(config.string("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Forms, API ---------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{SERVICE_NAME} API",
    "DESCRIPTION": "Read and write the Virtual School's records. Every call applies the same "
    "access rules as the web pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged only when it finishes, and re-queued if its worker dies, so an
# import interrupted half-way is run again; one task at a time per worker process.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Longer than the longest import, or Redis hands an unacknowledged task to a second worker.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Default schedules; django-celery-beat copies them into the database, where admins edit them.
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "vschool.tasks.heartbeat", "schedule": 60.0},
    "collect-welfare-call-inbox": {
        "task": "outcomes.tasks.inbox_collect",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
    "evaluate-alerts": {
        "task": "outcomes.tasks.alerts_evaluate_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon-fri"),
    },
    "schedule-peps": {
        "task": "peps.tasks.pep_schedule",
        "schedule": crontab(hour=6, minute=30),
    },
    "send-alert-digest": {
        "task": "outcomes.tasks.alert_digest_task",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
    },
}

# --- Logging: no personal data in logs (DESIGN.md); levels only ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.string("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
