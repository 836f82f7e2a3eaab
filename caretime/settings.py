"""caretime settings: one module, driven by the environment (see README, "Configuration")."""

from __future__ import annotations

import base64
import re
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from caretime.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "insecure-development-key-never-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("The environment variable SECRET_KEY must be at least 32 characters.")

# The key of the hashes that keep one verified worker report per NPI, clinic and year. It lives
# only here (the environment), never in the database, so a copy of the database alone cannot
# test an NPI against the hashes. Losing it only lets a person report a clinic again that year.
if DEBUG:
    WORKER_REPORT_KEY = env_str("WORKER_REPORT_KEY", "insecure-development-worker-report-key")
else:
    WORKER_REPORT_KEY = env_str("WORKER_REPORT_KEY")
    if len(WORKER_REPORT_KEY) < 32:
        raise ImproperlyConfigured("The environment variable WORKER_REPORT_KEY must be at least 32 characters.")
    if WORKER_REPORT_KEY == SECRET_KEY:
        raise ImproperlyConfigured("WORKER_REPORT_KEY must differ from SECRET_KEY.")
# Tests only: the noise of published workplace figures from a seeded generator, so that a test
# run repeats exactly. Read only inside a pytest run: anywhere else (the running site, its
# commands) OpenDP draws the noise from the operating system, which cannot be seeded or
# predicted (docs/privacy.md, "How the noise is drawn").
WORKPLACE_NOISE_SEED = (env_str("WORKPLACE_NOISE_SEED", "") or None) if "pytest" in sys.modules else None
# Every kept part of a page ({% kept %}) also rendered afresh and compared, so that a key
# missing something the part shows fails the tests that render it (test runs only: it undoes
# what keeping saves).
KEPT_PARTS_CHECKED = env_bool("KEPT_PARTS_CHECKED", False) and "pytest" in sys.modules

# The keys that encrypt what allauth.mfa keeps secret in the database (each authenticator app's
# TOTP key, the seed of the recovery codes): Fernet keys, comma-separated, the first one
# encrypting and every one decrypting, so a new key is put first and an old one dropped once
# `manage.py encrypt_mfa_secrets` has re-encrypted everything with the new one
# (caretime.accounts.adapter.MFAAdapter; docs/operations.md, "Rotating MFA_ENCRYPTION_KEY"). Kept
# only in the environment: a copy of the database or a backup alone holds no usable secret.
if DEBUG:
    _MFA_KEYS = env_str("MFA_ENCRYPTION_KEY", base64.urlsafe_b64encode(b"insecure-development-mfa-key-32b").decode())
else:
    _MFA_KEYS = env_str("MFA_ENCRYPTION_KEY")


def _fernet_keys(value: str) -> list[str]:
    keys = [key.strip() for key in value.split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured("The environment variable MFA_ENCRYPTION_KEY must hold at least one key.")
    for number, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != 32:
            raise ImproperlyConfigured(
                f"The environment variable MFA_ENCRYPTION_KEY: key {number} is not a Fernet key (32 random bytes "
                "in URL-safe base64, 44 characters). Make one with: python3 -c 'import base64, secrets; "
                "print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())'"
            )
    return keys


MFA_ENCRYPTION_KEYS = _fernet_keys(_MFA_KEYS)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "caretime.web",
    # Before allauth, so that its templates (allauth/layouts/*, account/*) override allauth's own.
    "caretime.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",  # two-factor sign-in (an authenticator app), required of staff: caretime.accounts.staff
    "caretime.directory",
    "caretime.shared",
    "caretime.billing",
    "caretime.reports",
    "caretime.workplace",
    "caretime.reviews",
    "caretime.clinicside",
    "caretime.datasets",
    "caretime.verdicts",
    "caretime.opendata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every answer below it speaks the reader's language: the API's refusals,
    # the maintenance page, the error pages (caretime.web.language).
    "caretime.web.language.LanguageMiddleware",
    "caretime.web.middleware.ContentSecurityPolicyMiddleware",
    # Outside the error shape, so that an app on another site can read a refused read too.
    "caretime.api.middleware.ReadsOpenToOtherSitesMiddleware",
    "caretime.api.middleware.ApiErrorShapeMiddleware",
    "caretime.api.middleware.ApiWritesOnlyFromApiClientsMiddleware",
    # While `restore --replace` replaces the database served: every write answers 503
    # (caretime.web.maintenance); after the refusals above, which read nothing.
    "caretime.api.maintenance.WritesPausedMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "caretime.urls"
# Widgets kept once rendered, under what they show (caretime/web/form_renderer.py).
FORM_RENDERER = "caretime.web.form_renderer.KeptWidgetsRenderer"
WSGI_APPLICATION = "caretime.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "caretime.web.context_processors.site",
                "caretime.web.context_processors.languages",
            ],
        },
    },
]


def _database(url: str) -> dict[str, Any]:
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as error:
        raise ImproperlyConfigured(f"The environment variable DATABASE_URL is not usable: {error}") from None
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue on the busy
            # timeout instead of one failing with "database is locked" mid-transaction.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must be a sqlite:/// or postgres:// URL.")
    return config


DATABASES = {"default": _database(env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'caretime.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds rate-limit counters and search answers, so it must be shared by every
# process: a database table by default (created by a migration), Redis in production.
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "caretime.shared.redis_cache.RedisCache", "LOCATION": env_str("REDIS_URL")}
        if env_str("REDIS_URL", "")
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "caretime_cache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    )
}

# How many reverse proxies in front of the app append to X-Forwarded-For; the client's
# address for rate limits is read that many hops from the right (0: use REMOTE_ADDR).
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English pages at their plain addresses, Spanish ones under /es/ (caretime/urls.py); the
# catalogue is caretime/locale/es/LC_MESSAGES/django.po, compiled by `manage.py
# compile_translations` (README, "Commands").
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "caretime" / "locale"]
# The language a person picks with the switch: a cookie holding only "en" or "es", for a year.
# It tracks nothing, so it needs no consent; it is sent back to us only.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names need `collectstatic` first; development and tests skip that.
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and `runserver` serve static files from the app folders without collectstatic.
WHITENOISE_USE_FINDERS = not env_bool("STATIC_MANIFEST", default=not DEBUG)

# Security. Browsers only ever talk to us: see caretime.web.middleware for the CSP.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    # TLS ends at the reverse proxy, which must set this header (docs/operations.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "caretime <noreply@localhost>")
# Where people write to us (the contact page): questions, and corrections to a clinic's listing.
# Where the codes that prove a person speaks for a clinic are sent (caretime.clinicside.senders):
# console, outbox, mail, or the dotted path of a provider's adapter.
CLAIM_CODE_SENDER = env_str("CLAIM_CODE_SENDER", "console" if DEBUG else "mail")
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "contact@localhost")
if "@" not in CONTACT_EMAIL or any(c.isspace() for c in CONTACT_EMAIL):
    raise ImproperlyConfigured("CONTACT_EMAIL must be one e-mail address, e.g. hello@caretime.example.")
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
)

# Contributor accounts (django-allauth; caretime.accounts). Reading never needs one; filing a
# visit report needs a verified address. There are no passwords: a person signs up with an
# e-mail address, proves it with a code sent there, and signs in with a one-time code each time.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",  # permissions; nothing on the site accepts a password (caretime.accounts.staff)
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "account-home"
LOGOUT_REDIRECT_URL = "home"
# Gives every account an opaque username, so the address is the only personal datum kept.
ACCOUNT_ADAPTER = "caretime.accounts.adapter.AccountAdapter"
ACCOUNT_USER_DISPLAY = "caretime.accounts.adapter.user_display"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_LOGIN_METHODS = {"email"}
# No password field here also takes the password field off the sign-in form, which then
# mails a code to the address entered (allauth's LoginForm without a password).
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 15 * 60  # seconds (allauth's default)
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3  # then the code is void
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Mail can take a few minutes to arrive; a longer life costs nothing against guessing, because
# a code (8 letters of 20, about 2.6e10 values) is void after 3 wrong tries.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 10 * 60  # seconds (allauth's default is 3 minutes)
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# Off: with no password every sign-in already is by code, and turned on, allauth 65.21 mails
# a sign-in code at sign-up in place of the code that verifies the address (tried).
ACCOUNT_LOGIN_BY_CODE_REQUIRED = False
ACCOUNT_PREVENT_ENUMERATION = True  # the same answer whether or not an address has an account
# The sign-in forms ask for a code under the limits below (caretime.accounts.forms).
ACCOUNT_FORMS = {
    "login": "caretime.accounts.forms.SignInForm",
    "request_login_code": "caretime.accounts.forms.RequestCodeForm",
}
# The limits on asking for codes. They are allauth's rate limits, counted in the shared cache
# (per network: under a keyed hash of the address, IPv6 by its /64), not windows of
# caretime/shared/limits.py: accounts sit below shared in the layers, and allauth checks them in
# its forms before a mail goes out. shared/limits.py lists them beside its table.
ACCOUNT_RATE_LIMITS = {
    # Each request mails a code (or an "unknown account" note). From one network: 10 a minute
    # for any addresses, and 3 for one address in 10 minutes (the key is the address and the
    # network together), so a stranger's requests use up only the stranger's own allowance and
    # the owner of the address still gets a code from their own connection.
    "request_login_code": "10/m/ip,3/10m/key",
    # From every network together: at most 30 codes to one address in an hour, so nobody can
    # flood a mailbox through us from many networks. A browser that has signed in to the
    # address before is not held by it (caretime.accounts.browsers).
    "request_login_code_address": "30/h/key",
    # Each sign-up mails a code too.
    "signup": "5/m/ip",
}
ACCOUNT_LOGOUT_ON_GET = False  # signing out is a POST with a CSRF token, never a link
ACCOUNT_SESSION_REMEMBER = True  # no "remember me" box; a session lasts SESSION_COOKIE_AGE
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[caretime] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
# allauth reads the client's address for its rate limits the same way caretime does.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_HOPS
# How long a personal API token works after it is made (caretime.accounts): a leaked token
# stops working by itself; the person makes a new one on the account page.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 365, minimum=1)

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP, 6 digits every 30 seconds),
# and recovery codes for a lost phone. Staff cannot open the admin without it, and are asked
# for a code at sign-in and again after STAFF_MFA_MAX_AGE (caretime.accounts.staff). Wrong
# codes are limited by allauth's "login_failed" rate limit: 5 in 5 minutes for one account.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "caretime"
# Encrypts the secrets allauth.mfa stores (MFA_ENCRYPTION_KEYS above).
MFA_ADAPTER = "caretime.accounts.adapter.MFAAdapter"

# Where the admin lives: a path such as "admin/" or "staff/desk/" (letters, digits, ".", "_",
# "~" and "-"; each part ends in "/"). Moving it keeps the admin out of the way of scripts that
# try /admin/ on every site; its pages stay closed to all but staff with two-factor sign-in.
ADMIN_PATH = env_str("ADMIN_PATH", "admin/")
if not re.fullmatch(r"(?:[A-Za-z0-9][A-Za-z0-9._~-]*/)+", ADMIN_PATH):
    raise ImproperlyConfigured(
        f"The environment variable ADMIN_PATH={ADMIN_PATH!r} is not a path like 'admin/' or 'staff/desk/': "
        "letters, digits, '.', '_', '~' or '-', each part ending in '/', with no '/' in front."
    )

# Where manage.py sync_public_data finds each publisher's releases (a page of links; see
# caretime.datasets.release_files) and where it keeps files while it fetches and imports them.
NPPES_INDEX_URL = env_str("NPPES_INDEX_URL", "https://download.cms.gov/nppes/NPI_Files.html")
DOCTORS_CLINICIANS_INDEX_URL = env_str(
    "DOCTORS_CLINICIANS_INDEX_URL", "https://data.cms.gov/provider-data/api/1/metastore/schemas/dataset/items/mj5m-pzi6"
)
MEDICARE_INDEX_URL = env_str("MEDICARE_INDEX_URL", "https://data.cms.gov/data.json")
PUBLIC_DATA_DIR = Path(env_str("PUBLIC_DATA_DIR", str(BASE_DIR / "public-data")))
# Where manage.py export_open_data writes each month's open data release, and the /data/ page
# lists and serves them from.
OPEN_DATA_DIR = Path(env_str("OPEN_DATA_DIR", str(BASE_DIR / "open-data")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
