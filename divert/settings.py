"""Divert settings, read from the environment only.

DIVERT_ENV=production turns on every protection and refuses to start with an unsafe value;
anything else is a development or demo machine that runs from a fresh checkout on SQLite.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from divert.lib.env import envbool, envint, envlist, envmap_int, envsecret

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("DIVERT_VAR_DIR", Path.cwd() / "var")).resolve()

DIVERT_ENV = os.environ.get("DIVERT_ENV", "development").strip().lower()
if DIVERT_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DIVERT_ENV must be 'development' or 'production', not {DIVERT_ENV!r}")
PRODUCTION = DIVERT_ENV == "production"

# Demo mode: synthetic data, MFA not demanded, demo logins printed. Never in production.
DIVERT_DEMO = envbool("DIVERT_DEMO", False)
DEBUG = envbool("DIVERT_DEBUG", False)

INSECURE_KEY_PREFIX = "django-insecure"
SECRET_KEY = envsecret("DIVERT_SECRET_KEY")
if not SECRET_KEY and not PRODUCTION:
    # A development checkout keeps one random key under var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        SECRET_KEY = key_file.read_text().strip()
    else:
        SECRET_KEY = secrets.token_urlsafe(50)
        try:
            VAR_DIR.mkdir(parents=True, exist_ok=True)
            key_file.write_text(SECRET_KEY)
            key_file.chmod(0o600)
        except OSError:
            pass

ALLOWED_HOSTS = envlist("DIVERT_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("DIVERT_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "csp",
    "divert.accounts",
    "divert.audit",
    "divert.notify",
    "divert.protocol",
    "divert.participants",
    "divert.privacy",
    "divert.referrals",
    "divert.casework",
    "divert.coordination",
    "divert.records",
    "divert.interop",
    "divert.outcomes",
    "divert.outcomes.evaluation",
    "divert.web",
    "divert.demo",
    "divert.api",
    "ninja",  # the API docs page's own templates and static files (no CDN)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "divert.audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "divert.privacy.middleware.PolicyCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "divert.accounts.middleware.IdleTimeoutMiddleware",
    "divert.accounts.middleware.RequireMFAMiddleware",
    "divert.accounts.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
    "divert.api.middleware.ApiCallLogMiddleware",
]

ROOT_URLCONF = "divert.urls"
WSGI_APPLICATION = "divert.wsgi.application"

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
                "django.template.context_processors.i18n",
                "divert.accounts.context_processors.seat",
                "divert.web.context_processors.site",
                "divert.notify.context_processors.inbox",
            ],
        },
    },
]

# --- Database: SQLite in WAL mode under var/ unless DATABASE_URL says otherwise -----------------
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "divert.sqlite3",
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every worker process: TOTP codes must not be replayable on another worker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "divert_cache"}}

# --- Accounts, passwords, MFA, lockout ---------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
ACCOUNT_ADAPTER = "divert.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_PREVENT_ENUMERATION = True
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_ADAPTER = "divert.accounts.mfa_adapter.MFAAdapter"
# Encrypts stored TOTP secrets. Set it so that rotating DIVERT_SECRET_KEY does not invalidate authenticators.
DIVERT_MFA_KEY = envsecret("DIVERT_MFA_KEY")
MFA_TOTP_ISSUER = os.environ.get("DIVERT_SITE_NAME", "Divert")
MFA_RECOVERY_CODE_COUNT = 10
USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_ADAPTER = "divert.accounts.usersessions_adapter.UserSessionsAdapter"
# Every account outside demo mode must have a TOTP authenticator before it reaches any page.
DIVERT_REQUIRE_MFA = not DIVERT_DEMO

AXES_FAILURE_LIMIT = envint("DIVERT_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = envint("DIVERT_LOCKOUT_MINUTES", 30) / 60  # hours
# CJIS practice locks the account, not the address: a precinct or shelter shares one address, and
# locking it would lock everyone there out.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "login"
# allauth passes the name on as `username`, axes' backend as `login`: read both, whatever the case.
AXES_USERNAME_CALLABLE = "divert.accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# How many reverse proxies stand in front of Divert: client addresses are read from X-Forwarded-For.
DIVERT_PROXY_COUNT = envint("DIVERT_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "divert.audit.middleware.client_ip"
# Wrong passwords are django-axes' to count (the adapter skips allauth's own counter, which would shadow
# it). allauth's "login_failed" limit is what stops guessing at the code stage, so it gets the same
# budget: without it the six digits could be guessed without limit once the password is known.
ACCOUNT_RATE_LIMITS = {"login_failed": f"{AXES_FAILURE_LIMIT}/{int(AXES_COOLOFF_TIME * 3600)}s/key"}

# --- Sessions: idle timeout per role, short absolute lifetime, closed with the browser -----------
DIVERT_IDLE_TIMEOUT_MINUTES = envint("DIVERT_IDLE_TIMEOUT_MINUTES", 30)
DIVERT_IDLE_TIMEOUT_BY_ROLE = envmap_int("DIVERT_IDLE_TIMEOUT_BY_ROLE")

# --- Referrals -----------------------------------------------------------------------------------------------
# Days before an intake deadline when outreach staff are reminded (0 = on the last day).
try:
    DIVERT_INTAKE_REMINDER_DAYS = sorted({int(d) for d in envlist("DIVERT_INTAKE_REMINDER_DAYS", ["3", "1", "0"])},
                                         reverse=True)
except ValueError:
    raise ImproperlyConfigured("DIVERT_INTAKE_REMINDER_DAYS must be whole numbers separated by commas") from None
# Public community referral form: submissions allowed per client address per hour.
DIVERT_PUBLIC_REFERRALS_PER_HOUR = envint("DIVERT_PUBLIC_REFERRALS_PER_HOUR", 5)
DIVERT_NO_CONTACT_DAYS = envint("DIVERT_NO_CONTACT_DAYS", 14)
DIVERT_FUNDS_APPROVAL_OVER = envint("DIVERT_FUNDS_APPROVAL_OVER", 250)
SESSION_COOKIE_AGE = envint("DIVERT_SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Security headers --------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("DIVERT_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("DIVERT_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("DIVERT_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:  # joining the browsers' preload list is the domain owner's decision
        SILENCED_SYSTEM_CHECKS.append("security.W021")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-divert-session"
    CSRF_COOKIE_NAME = "__Host-divert-csrf"
    if not SECURE_SSL_REDIRECT:  # TLS redirect done by the reverse proxy
        SILENCED_SYSTEM_CHECKS.append("security.W008")

# --- Internationalisation: English first, translation plumbing on ------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("DIVERT_TIME_ZONE", "America/Los_Angeles")
USE_TZ = True

# --- Static files, served by the app (no CDN) --------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = VAR_DIR / "media"

# --- Logging: JSON lines in production, readable text elsewhere --------------------------------
LOG_FORMAT = os.environ.get("DIVERT_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "divert.audit.middleware.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DIVERT_LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every step of every PDF at INFO; Splink every step of training, and warns of
    # levels a small training set never shows (the model copes: docs/linkage.md).
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"},
                "splink": {"level": "ERROR"}},
}

DIVERT_SITE_NAME = os.environ.get("DIVERT_SITE_NAME", "Divert")
# Keys the audit trail's hash chain (HMAC-SHA256). Keep it outside the database and its backups; once set,
# keep it: events written under one key verify only with that key.
DIVERT_AUDIT_KEY = envsecret("DIVERT_AUDIT_KEY")

# --- Notifications (divert.notify): the inbox, email and SMS --------------------------------------------------
# Links in email and text messages start with this address. In production it defaults to the first of
# DIVERT_ALLOWED_HOSTS over https.
_first_host = ALLOWED_HOSTS[0] if ALLOWED_HOSTS and not ALLOWED_HOSTS[0].startswith((".", "*")) else ""
DIVERT_SITE_URL = os.environ.get(
    "DIVERT_SITE_URL", f"https://{_first_host}" if PRODUCTION and _first_host else "http://127.0.0.1:8000"
).strip().rstrip("/")
if not DIVERT_SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"DIVERT_SITE_URL must start with https:// or http://, not {DIVERT_SITE_URL!r}")
# console (default: prints to standard output), smtp, or the dotted path of a Django email backend.
EMAIL_BACKEND = os.environ.get("DIVERT_EMAIL_BACKEND", "console").strip()
if EMAIL_BACKEND in {"console", "smtp"}:
    EMAIL_BACKEND = f"django.core.mail.backends.{EMAIL_BACKEND}.EmailBackend"
EMAIL_HOST = os.environ.get("DIVERT_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DIVERT_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DIVERT_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("DIVERT_EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("DIVERT_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("DIVERT_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("DIVERT_EMAIL_TIMEOUT", 10)  # seconds; mail is sent while the request waits
DEFAULT_FROM_EMAIL = os.environ.get("DIVERT_FROM_EMAIL", "divert@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# console (default: prints to standard output), webhook (POSTs to the site's SMS gateway), locmem (tests), or
# the dotted path of a class with send(to, text). See divert/notify/sms.py.
DIVERT_SMS_BACKEND = os.environ.get("DIVERT_SMS_BACKEND", "console").strip()
DIVERT_SMS_WEBHOOK_URL = os.environ.get("DIVERT_SMS_WEBHOOK_URL", "").strip()
DIVERT_SMS_WEBHOOK_TOKEN = envsecret("DIVERT_SMS_WEBHOOK_TOKEN") or ""
# Daily digests go out on the first `divert tick` at or after this local hour (0-23).
DIVERT_DIGEST_HOUR = envint("DIVERT_DIGEST_HOUR", 7)
if not 0 <= DIVERT_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured("DIVERT_DIGEST_HOUR must be an hour from 0 to 23")
# --- Justice data (divert.records) ------------------------------------------------------------------------------
# How an uploaded feed file is imported: in a background thread of the web process (thread), while the upload
# waits (inline), or left waiting for `divert tick` (queue). See docs/records.md.
DIVERT_IMPORT_RUN = os.environ.get("DIVERT_IMPORT_RUN", "thread").strip()
if DIVERT_IMPORT_RUN not in ("thread", "inline", "queue"):
    raise ImproperlyConfigured("DIVERT_IMPORT_RUN must be thread, inline or queue")
DIVERT_IMPORT_MAX_UPLOAD_MB = envint("DIVERT_IMPORT_MAX_UPLOAD_MB", 200)
# Justice events (docs/justice-events.md): feed rows left unlinked this many days become pseudonymised comparison
# data (their identity blanked); comparison data is purged this many days after its last event; events older than
# DIVERT_JUSTICE_ALERT_DAYS (a history backfill) alert no one. DIVERT_PSEUDONYM_KEY keys the pseudonyms (HMAC);
# keep it once set. DIVERT_FEED_PROSECUTOR_AGENCY names the office (id or name) feed charges are filed under.
DIVERT_FEED_IDENTITY_DAYS = envint("DIVERT_FEED_IDENTITY_DAYS", 30)
DIVERT_COMPARISON_RETENTION_DAYS = envint("DIVERT_COMPARISON_RETENTION_DAYS", 1825)
DIVERT_JUSTICE_ALERT_DAYS = envint("DIVERT_JUSTICE_ALERT_DAYS", 30)
DIVERT_PSEUDONYM_KEY = envsecret("DIVERT_PSEUDONYM_KEY")
DIVERT_FEED_PROSECUTOR_AGENCY = os.environ.get("DIVERT_FEED_PROSECUTOR_AGENCY", "").strip()
# Trained record-linkage models, saved as versioned JSON files (docs/linkage.md).
LINKAGE_MODEL_DIR = Path(os.environ.get("DIVERT_LINKAGE_MODEL_DIR", VAR_DIR / "linkage-models"))
# "0": a finished import leaves its rows for `divert link` (e.g. `divert link --backend spark`, docs/linkage.md).
DIVERT_LINK_AFTER_IMPORT = os.environ.get("DIVERT_LINK_AFTER_IMPORT", "1") != "0"
# Agreement renewal reminders (MOU, resolution) go to project managers; also to site administrators if set.
DIVERT_RENEWAL_REMINDERS_TO_SITE_ADMIN = envbool("DIVERT_RENEWAL_REMINDERS_TO_SITE_ADMIN", False)
# HMIS export and webhooks (docs/hmis.md, docs/webhooks.md). DIVERT_HMIS_AGENCY names the agency (id or name) that
# stands for the continuum of care's HMIS in releases; the CoC code (XX-999) and geocode (six digits) go in its files.
DIVERT_HMIS_AGENCY = os.environ.get("DIVERT_HMIS_AGENCY", "").strip()
DIVERT_HMIS_COC_CODE = os.environ.get("DIVERT_HMIS_COC_CODE", "").strip().upper()
DIVERT_HMIS_GEOCODE = os.environ.get("DIVERT_HMIS_GEOCODE", "").strip()
DIVERT_HMIS_PATH_SERVICES = envbool("DIVERT_HMIS_PATH_SERVICES", False)
DIVERT_WEBHOOKS = envbool("DIVERT_WEBHOOKS", False)
# --- REST API (divert.api, docs/api.md) ------------------------------------------------------------------------
# Calls per token per window (fixed window in the shared cache; 0 turns the limit off); token hashing key (HMAC;
# defaults to one derived from DIVERT_SECRET_KEY: set it so that rotating that key keeps tokens working); the
# longest and the default lifetime of a personal access token.
DIVERT_API_RATE_LIMIT = envint("DIVERT_API_RATE_LIMIT", 600)
DIVERT_API_RATE_WINDOW = envint("DIVERT_API_RATE_WINDOW", 60)
DIVERT_API_TOKEN_KEY = envsecret("DIVERT_API_TOKEN_KEY")
DIVERT_API_TOKEN_MAX_DAYS = envint("DIVERT_API_TOKEN_MAX_DAYS", 365)


def production_problems() -> list[str]:
    """Everything that makes these settings unsafe for production, in words an operator can act on."""
    problems = []
    if not SECRET_KEY:
        problems.append("DIVERT_SECRET_KEY (or DIVERT_SECRET_KEY_FILE) is not set")
    elif SECRET_KEY.startswith(INSECURE_KEY_PREFIX) or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("DIVERT_SECRET_KEY is a default or weak key: use at least 50 random characters")
    if DEBUG:
        problems.append("DIVERT_DEBUG is on: it shows stack traces and settings to anyone")
    if DIVERT_DEMO:
        problems.append("DIVERT_DEMO is on: demo mode skips MFA and is for synthetic data only")
    if not ALLOWED_HOSTS:
        problems.append("DIVERT_ALLOWED_HOSTS is empty: name the host names this site answers to")
    elif "*" in ALLOWED_HOSTS:
        problems.append("DIVERT_ALLOWED_HOSTS contains '*': name the host names this site answers to")
    if envint("DIVERT_HSTS_SECONDS", 31536000) < 31536000:
        problems.append("DIVERT_HSTS_SECONDS is below one year (31536000)")
    return problems


if PRODUCTION:
    _problems = production_problems()
    if _problems:
        raise ImproperlyConfigured(
            "Divert refuses to start in production:\n" + "\n".join(f"  - {p}" for p in _problems)
        )
