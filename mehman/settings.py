"""Mehman settings: one module, driven by environment variables.

Every variable read here is documented in docs/configuration.md (a test checks it).
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or value == "" else int(value)


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DATA_DIR = Path(env_str("MEHMAN_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DEBUG = env_bool("MEHMAN_DEBUG", False)
SECRET_KEY = env_str("MEHMAN_SECRET_KEY", "")
if not SECRET_KEY:
    # A local install keeps a generated key in its data directory, so sessions
    # survive restarts without a key ever being committed.
    _key_file = DATA_DIR / "secret_key"
    if _key_file.exists():
        SECRET_KEY = _key_file.read_text().strip()
    else:
        from django.core.management.utils import get_random_secret_key

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        SECRET_KEY = get_random_secret_key()
        _key_file.write_text(SECRET_KEY)
        _key_file.chmod(0o600)

ALLOWED_HOSTS = env_list("MEHMAN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("MEHMAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "mehman.core",
    "mehman.accounts",
    "mehman.partners",
    "mehman.registry",
    "mehman.matching",
    "mehman.intake",
    "mehman.assistance",
    "mehman.housing",
    "mehman.residence",
    "mehman.solutions",
    "mehman.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mehman.core.middleware.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mehman.accounts.middleware.SessionLimitsMiddleware",
    "mehman.accounts.middleware.UserPreferencesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mehman.urls"
WSGI_APPLICATION = "mehman.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "mehman.core.context_processors.shell",
            ],
            "builtins": [
                "template_partials.templatetags.partials",
                "mehman.core.templatetags.mehman",
                "mehman.core.templatetags.shell",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "mehman.sqlite3"),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers never
                # deadlock upgrading a read lock; WAL lets readers run alongside.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts, passwords, sessions, lockout --------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("MEHMAN_SESSION_IDLE_MINUTES", 30))
SESSION_MAX_AGE = timedelta(hours=env_int("MEHMAN_SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "mehman_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_NAME = "mehman_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
HTTPS = env_bool("MEHMAN_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Safeguarding: PSEA training older than this no longer lets a volunteer work with residents.
MEHMAN_PSEA_VALID_MONTHS = env_int("MEHMAN_PSEA_VALID_MONTHS", 24)

# --- Intake: offers, appeals and the public status page ------------------------------
MEHMAN_OFFER_DAYS = env_int("MEHMAN_OFFER_DAYS", 14)
MEHMAN_APPEAL_DAYS = env_int("MEHMAN_APPEAL_DAYS", 30)
MEHMAN_STATUS_ATTEMPTS = env_int("MEHMAN_STATUS_ATTEMPTS", 5)
MEHMAN_STATUS_CLIENT_ATTEMPTS = env_int("MEHMAN_STATUS_CLIENT_ATTEMPTS", 20)
MEHMAN_STATUS_WINDOW_MINUTES = env_int("MEHMAN_STATUS_WINDOW_MINUTES", 15)

# --- Housing: capacity standard, renovation target, batch allocation ------------------
MEHMAN_LIVING_SPACE_STANDARD = env_str("MEHMAN_LIVING_SPACE_STANDARD", "living_space_cold")
MEHMAN_CONDITION_STANDARD = env_int("MEHMAN_CONDITION_STANDARD", 70)
MEHMAN_ALLOCATION_SECONDS = env_int("MEHMAN_ALLOCATION_SECONDS", 5)
MEHMAN_ALLOCATION_WEIGHTS = json.loads(env_str("MEHMAN_ALLOCATION_WEIGHTS", "{}") or "{}")

# --- Residence: terms, reviews, conversions, messages -----------------------------------
MEHMAN_TERM_MONTHS = env_int("MEHMAN_TERM_MONTHS", 36)
MEHMAN_REVIEW_MONTHS = env_int("MEHMAN_REVIEW_MONTHS", 6)
MEHMAN_REVIEW_NOTICE_DAYS = env_int("MEHMAN_REVIEW_NOTICE_DAYS", 14)
MEHMAN_MAX_EXTENSIONS = env_int("MEHMAN_MAX_EXTENSIONS", 2)
MEHMAN_MAX_EXTENSION_MONTHS = env_int("MEHMAN_MAX_EXTENSION_MONTHS", 12)
MEHMAN_MIN_TERM_MONTHS = env_int("MEHMAN_MIN_TERM_MONTHS", 12)
MEHMAN_CONVERSION_GRACE_DAYS = env_int("MEHMAN_CONVERSION_GRACE_DAYS", 30)
MEHMAN_SMS_BACKEND = env_str("MEHMAN_SMS_BACKEND", "mehman.residence.sms.FileBackend")
MEHMAN_SMS_DIR = Path(env_str("MEHMAN_SMS_DIR", str(DATA_DIR / "sms")))
# Daily digests to staff go out by e-mail; by default they are written to files.
EMAIL_BACKEND = env_str("MEHMAN_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env_str("MEHMAN_EMAIL_DIR", str(DATA_DIR / "mail"))
EMAIL_HOST = env_str("MEHMAN_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("MEHMAN_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("MEHMAN_EMAIL_FROM", "mehman@localhost")
# The address staff open Mehman at: links in e-mails are made from it.
MEHMAN_SITE_URL = env_str("MEHMAN_SITE_URL", "http://127.0.0.1:8000")

AXES_FAILURE_LIMIT = env_int("MEHMAN_LOCKOUT_ATTEMPTS", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MEHMAN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of the server (each appending to X-Forwarded-For): failed
# sign-ins and status-page tries are counted per client address behind them.
MEHMAN_PROXY_COUNT = env_int("MEHMAN_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "mehman.core.clients.client_address"
AXES_VERBOSE = False
# Log usernames but never passwords or other form data.
AXES_SENSITIVE_PARAMETERS = ["password"]

# --- Language, time, digits -------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("MEHMAN_TIME_ZONE", "Asia/Tehran")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------
# Front-end packages come from npm at setup (node_modules) and are served by Django.
NODE_MODULES = BASE_DIR / "node_modules"
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/vazirmatn", NODE_MODULES / "vazirmatn"),
    ("vendor/chart.js", NODE_MODULES / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# --- Background tasks ---------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "mehman.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mehman API",
    "DESCRIPTION": "Registry, intake and services of a managed refugee settlement.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the installed package (drf-spectacular-sidecar), never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # PATCH bodies are documented as declared: their Input serializers say what is
    # optional (the changed fields) and what is not (the reason).
    "COMPONENT_SPLIT_PATCH": False,
    # One enum per code list, named after it (several fields share a list).
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "mehman.registry.models.HouseholdStatus",
        "IndividualStatusEnum": "mehman.registry.models.IndividualStatus",
        "DifficultyEnum": "mehman.registry.models.Difficulty",
        "SectorEnum": "mehman.partners.models.Sector",
        "ActivityStatusEnum": "mehman.partners.models.ActivityStatus",
        "PledgeStatusEnum": "mehman.partners.models.PledgeStatus",
        "ReferralStatusEnum": "mehman.assistance.models.ReferralStatus",
        "DocTypeEnum": "mehman.registry.models.DocumentType",
        "ApplicationStatusEnum": "mehman.intake.models.ApplicationStatus",
        "RuleKindEnum": "mehman.intake.models.RuleKind",
        "GiftKindEnum": "mehman.partners.models.GiftKind",
        "UnitStateEnum": "mehman.housing.models.UnitState",
        "ValidityStateEnum": ["pending", "live", "expired", "revoked"],
        "FacilityKindEnum": "mehman.housing.models.FacilityKind",
        "WorkKindEnum": "mehman.housing.models.WorkKind",
        "WorkStatusEnum": "mehman.housing.models.WorkStatus",
        "OfferStatusEnum": "mehman.housing.models.OfferStatus",
        "RunStatusEnum": "mehman.housing.models.RunStatus",
        "TaskStatusEnum": "mehman.core.models.TaskStatus",
        "TermStatusEnum": "mehman.residence.models.TermStatus",
        "ReviewStatusEnum": "mehman.residence.models.ReviewStatus",
        "ConversionStatusEnum": "mehman.residence.models.ConversionStatus",
        "CampaignStatusEnum": "mehman.residence.models.CampaignStatus",
        "TargetStatusEnum": "mehman.residence.models.TargetStatus",
        "MessageStatusEnum": "mehman.residence.models.MessageStatus",
    },
}

# --- History --------------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Logging: no personal data; messages name records by reference, never by person ---
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("MEHMAN_LOG_LEVEL", "INFO")},
    "loggers": {
        # Sign-in failures are counted in the database (admin: Axes), not logged with usernames.
        "axes": {"level": "ERROR"},
        "django.request": {"level": "ERROR"},
        # PDF rendering narrates every step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
