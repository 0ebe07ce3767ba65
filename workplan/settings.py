"""Settings for the CBD-CMS Joint Work Plan tracker, read from the environment.

Every variable is documented in `.env.example`. Defaults are safe for production
(DEBUG off, secure cookies); a development machine turns DEBUG on in `.env`.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over the file.
environ.Env.read_env(env.str("ENV_FILE", default=str(BASE_DIR / ".env")), overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY in the environment or in .env (bin/run writes a random one).")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS: the host names this site answers to.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "rest_framework.authtoken",
    "simple_history",
    "axes",
    "csp",
    "core",
    "targets",
    "activities",
    "workplan",
    "api",
    "notifications",
]

REST_FRAMEWORK = {
    # Read-only. Anyone reads the plan; meetings follow the pages' rule for the reader, who signs
    # in with the site's session or, from a script, a token (`manage.py drf_create_token NAME`).
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a wrong token is then a 401 that names the scheme.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CBD-CMS Joint Work Plan API",
    "DESCRIPTION": (
        "Read-only: the plan's activities, targets and rows, and the meetings the reader may read "
        "(sign in with the site's session, or send `Authorization: Token <key>`)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.link_lists_to_details",
    ],
}

MIDDLEWARE = [
    # Outermost, so that every response carries them, static files and early errors included.
    "workplan.middleware.security_headers",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "workplan.middleware.refuse_nul",
    "workplan.middleware.BadInputIsABadRequest",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language comes from the address (/fr/…, /es/…; English unprefixed).
    "django.middleware.locale.LocaleMiddleware",
    # A first visit without a chosen language goes to the browser's language.
    "workplan.middleware.browser_language",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workplan.middleware.no_store_for_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.audit.remember_request",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# History is evidence: admin shows it and never reverts to it (a revert would bypass the
# services that lock versions and record progress).
SIMPLE_HISTORY_REVERT_DISABLED = True

# Only for bench/run: adds a bare view, the floor the pages are measured against.
BENCHMARK = env.bool("BENCHMARK", default=False)

# A deployment that is not public: every page asks for sign-in.
REQUIRE_SIGN_IN = env.bool("REQUIRE_SIGN_IN", default=False)
if REQUIRE_SIGN_IN:
    MIDDLEWARE.insert(
        MIDDLEWARE.index("workplan.middleware.no_store_for_signed_in"),
        "django.contrib.auth.middleware.LoginRequiredMiddleware",
    )
    # The API answers a token as well as a session, so it checks sign-in itself.
    REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] = ["rest_framework.permissions.IsAuthenticated"]

ROOT_URLCONF = "workplan.urls"
WSGI_APPLICATION = "workplan.wsgi.application"

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
                "workplan.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "workplan.renderers.DjangoWidgetsInJinja2"

DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock when a transaction starts, so concurrent edits queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses sign-in for a username and address locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "workplan.backends.ModelBackendInOneQuery",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0) or None
AXES_VERBOSE = False

# Passwords: length and a list of common ones, no composition rules.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The working languages of CMS. A fourth language: add it here, then see README "Languages".
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's words ("1 December 2026", "1 décembre 2026"); inputs stay ISO.
FORMAT_MODULE_PATH = ["workplan.formats"]
# The reader's choice from the language switch; the address still wins.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Outgoing mail. EMAIL_URL in django-environ's form: smtp://user:password@host:587,
# smtp+tls://… (STARTTLS), smtp+ssl://… (TLS from the start). With DEBUG on and no EMAIL_URL,
# messages are printed on the console.
vars().update(
    env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"),
)
# A mail server that does not answer gives up after this many seconds, never stalling a page.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Joint Work Plan <workplan@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_NAME = "CBD-CMS Joint Work Plan"
# The address people reach the site at: every link in an email starts with it.
SITE_URL = env.str(
    "SITE_URL",
    default=("http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}"),
).rstrip("/")
# Password reset links expire after this many seconds (one day); invitations after INVITATION_DAYS.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 3600)
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)
# Password reset requests allowed per hour, per email address and per client address.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=3)
PASSWORD_RESET_LIMIT_PER_CLIENT = env.int("PASSWORD_RESET_LIMIT_PER_CLIENT", default=10)
# Days before the next annual coordination meeting on which reminders go out: the first when
# the meeting is this many days away or fewer, then again at each smaller number.
REMINDER_DAYS = sorted(env.list("REMINDER_DAYS", cast=int, default=[30, 7]), reverse=True)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# Security. Production is the default; DEBUG relaxes only what needs HTTPS.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_HTTPS_PROXY", default=False) else None
)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# No inline script anywhere; styles may be inline (Django admin's widgets set some).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

CSRF_FAILURE_VIEW = "workplan.views.csrf_failure"

# JSON logs on standard output; the audit logger records status changes, failed sign-ins and
# refused requests with user, address and UTC time.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(levelname)s %(name)s %(message)s",
            "timestamp": True,
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
