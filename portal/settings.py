"""Settings for the budget portal, all read from the environment.

Defaults suit a laptop (SQLite file, DEBUG on); production sets DJANGO_DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL. Any variable may instead be given as VAR_FILE (a path), which
is how docker-compose passes secrets.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env("SECRET_KEY") or ("insecure-development-key-only-for-debug" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DJANGO_DEBUG is off")
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "budgets",
    "ingest",
    # the public JSON API (api/): DRF, its filters, its OpenAPI schema and Swagger UI's files
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before sessions, login throttling and views: a control character (NUL) in a path, query
    # or form answers 400 here instead of a database error deeper in.
    "portal.middleware.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.ContentSecurityPolicyMiddleware",
    # Inside the header middlewares, so a page served from the cache gets them too.
    "budgets.caching.PublicCacheMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web server and the background worker write at the same time: wait for the lock
    # instead of failing, and let readers go on while the worker writes (WAL).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
    # Tests use a file too, not SQLite's shared in-memory database, whose table locks fail at
    # once instead of waiting: browser tests run the live server and a worker side by side.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(Path(tempfile.gettempdir()) / f"budget-portal-test-{os.getpid()}.sqlite3"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
# Chinese at every unprefixed URL (whatever the browser asks for); English chrome and column
# names of the public pages under /en/ (portal/urls.py, locale/en/).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded disclosures: refuse anything larger (bytes) before reading it.
INGEST_MAX_UPLOAD_BYTES = int(env("INGEST_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
# Django refuses a request with more files than this; one upload page takes up to 20 files.
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Staff accounts: Django auth, login page in templates/registration/.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ingest:dashboard"
LOGOUT_REDIRECT_URL = "budgets:home"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out attempts
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes: after AXES_FAILURE_LIMIT failed logins for one user name from one address, that
# pair is locked for AXES_COOLOFF_HOURS. Behind a reverse proxy set AXES_PROXY_COUNT (usually 1)
# so that the client address is read from X-Forwarded-For.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=float(env("AXES_COOLOFF_HOURS", "1")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Password spraying (one address, many user names, few tries each): after
# AXES_ADDRESS_FAILURE_LIMIT failed logins from one address, whatever the user names, the address
# is locked for AXES_COOLOFF_HOURS too. Larger than the per-user limit, as a bureau's staff may
# share one office address; 0 turns it off. portal/login_throttle.py.
AXES_ADDRESS_FAILURE_LIMIT = int(env("AXES_ADDRESS_FAILURE_LIMIT", "15"))
AXES_HANDLER = "portal.login_throttle.AddressThrottlingHandler"
if env("AXES_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(env("AXES_PROXY_COUNT"))
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Background reading of uploads. INGEST_QUEUE picks the queue:
#   tasks     — django-tasks, jobs kept in the database, run by `manage.py db_worker` (make run)
#   celery    — Celery with Redis at CELERY_BROKER_URL (docker-compose: the `worker` service)
#   immediate — read during the upload request itself (tests, one-off scripts)
INGEST_QUEUE = env("INGEST_QUEUE", "tasks")
if INGEST_QUEUE not in {"tasks", "celery", "immediate"}:
    raise RuntimeError(f"INGEST_QUEUE must be tasks, celery or immediate, not {INGEST_QUEUE!r}")
# A queued or running job with no sign of life for this long (a worker that died) may be retried.
INGEST_JOB_STALE_SECONDS = int(env("INGEST_JOB_STALE_SECONDS", "600"))
# Every document is read in a child process with hard limits (ingest/sandbox.py): address space
# (RLIMIT_AS) and wall time base + per page, at most max; over a limit the child is killed and the
# job fails with the reason, the worker goes on. INGEST_SANDBOX=0 reads in the worker itself.
INGEST_SANDBOX = env("INGEST_SANDBOX", "1") not in {"0", "false", "False", "no"}
INGEST_MEMORY_LIMIT_MB = int(env("INGEST_MEMORY_LIMIT_MB", "1024"))
INGEST_SECONDS_BASE = float(env("INGEST_SECONDS_BASE", "60"))
INGEST_SECONDS_PER_PAGE = float(env("INGEST_SECONDS_PER_PAGE", "2"))
INGEST_SECONDS_MAX = float(env("INGEST_SECONDS_MAX", "1800"))
# One XML part of a DOCX/XLSX larger than this uncompressed is refused before it is parsed.
INGEST_OOXML_PART_MAX_MB = float(env("INGEST_OOXML_PART_MAX_MB", "40"))
# A running job signs life this often while its document is read; one silent for
# INGEST_JOB_DEAD_SECONDS lost its worker and is queued again, up to INGEST_JOB_MAX_ATTEMPTS
# attempts in all (then failed with the reason).
INGEST_HEARTBEAT_SECONDS = float(env("INGEST_HEARTBEAT_SECONDS", "5"))
INGEST_JOB_DEAD_SECONDS = float(env("INGEST_JOB_DEAD_SECONDS", "45"))
INGEST_JOB_MAX_ATTEMPTS = int(env("INGEST_JOB_MAX_ATTEMPTS", "3"))
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # a task whose worker died is handed out again, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # documents are slow: one at a time per process
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# `celery -A portal beat` (or a worker started with -B) looks for jobs whose worker died.
CELERY_BEAT_SCHEDULE = {
    "ingest-requeue-stale-jobs": {"task": "ingest.requeue_stale_jobs", "schedule": 15.0},
}

# Content-Security-Policy sent with every response (portal/middleware.py): no inline script or
# style anywhere, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'"
)

# Cache: Redis in production (CACHE_URL, else REDIS_URL: redis://host:6379/1), else local memory
# of each process. Public pages and downloads are cached (budgets/caching.py) when
# PUBLIC_CACHE is on (default: when not debugging), keyed by the published data's version, so a
# publication shows at once whatever the backend. PUBLIC_CACHE_RELEASE (e.g. the git commit)
# starts fresh entries after a deployment that changes how pages look.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
CACHES = {"default": {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": CACHE_URL,
    "KEY_PREFIX": "portal",
    # A Redis that does not answer costs a second, not a hung request.
    "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
} if CACHE_URL else {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}}
PUBLIC_CACHE = env_bool("PUBLIC_CACHE", not DEBUG)
PUBLIC_CACHE_ALIAS = "default"
PUBLIC_CACHE_SECONDS = int(env("PUBLIC_CACHE_SECONDS", "86400"))
PUBLIC_CACHE_RELEASE = env("PUBLIC_CACHE_RELEASE", "1")

# The public JSON API: read-only, anonymous, JSON only (api/README in README.md › JSON API).
from api.settings import REST_FRAMEWORK, SPECTACULAR_SETTINGS  # noqa: E402, F401

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
