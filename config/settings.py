"""Django settings, read from the environment.

Defaults are the embedded single-machine set-up (SQLite file, in-process Dramatiq worker,
filesystem storage) so that `make run` works on a bare machine. Production (`DEBUG=0`)
refuses to start with the insecure defaults.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CONTINUITY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable (1/0, true/false, yes/no)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


INSECURE_SECRET_KEY = "insecure-dev-key-change-me"
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_SECRET_KEY)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

if not DEBUG:
    if SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("DEBUG=0 needs SECRET_KEY set to a random string of 32+ characters.")
    if not os.environ.get("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("DEBUG=0 needs ALLOWED_HOSTS set explicitly.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_dramatiq",
    "config",
    "eventlog",
    "lineage",
    "studios",
    "assets",
    "episodes",
    "generation",
    "delivery",
    "rights",
    "reviews",
    "consistency",
    "demo",
    "django_htmx",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "eventlog.context.RequestContextMiddleware",
    "config.middleware.ApiErrorBodyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "web.refusals.RefusalMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
            ]
        },
    }
]

# --- Database -------------------------------------------------------------------------------
# How long an append waits for the event log's append lock before answering 503 event_log_busy
# (PostgreSQL's lock_timeout; SQLite's busy timeout).
EVENTLOG_LOCK_TIMEOUT = float(os.environ.get("EVENTLOG_LOCK_TIMEOUT", "10"))
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'continuity.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE makes every transaction take SQLite's write lock up front, so two appenders
    # queue on the lock instead of failing with "database is locked" on upgrade.
    _db["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": EVENTLOG_LOCK_TIMEOUT,
                      "init_command": "PRAGMA journal_mode=WAL;"}
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db["OPTIONS"] = {}
    # Check a connection before handing it out (with the pool: the pool's check, see config/pool_check.py), so
    # one that PostgreSQL dropped while idle (a restart, pg_terminate_backend) is replaced, not a failed request.
    _db["CONN_HEALTH_CHECKS"] = True
    if env_bool("DATABASE_POOL", True):
        _db["OPTIONS"]["pool"] = {"min_size": 1, "max_size": int(os.environ.get("DATABASE_POOL_MAX", "10")),
                                  # how long a request waits for a connection (during an outage) before a 503
                                  "timeout": float(os.environ.get("DATABASE_POOL_TIMEOUT", "10"))}
        _db["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Storage (content-addressed blobs) ------------------------------------------------------
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "filesystem")  # filesystem | s3
if STORAGE_BACKEND == "s3":
    _blob_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", "continuity"),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY"),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
elif STORAGE_BACKEND == "filesystem":
    _blob_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT / "blobs"), "base_url": "/media/blobs/"},
    }
else:
    raise ImproperlyConfigured("STORAGE_BACKEND must be 'filesystem' or 's3'.")
STORAGES = {
    "default": _blob_storage,
    "blobs": _blob_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
BLOB_MAX_BYTES = int(os.environ.get("BLOB_MAX_BYTES", str(20 * 1024 * 1024)))
BLOB_MAX_PIXELS = int(os.environ.get("BLOB_MAX_PIXELS", str(40_000_000)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Models and generation ------------------------------------------------------------------
# Model folders may only live under these roots (no path traversal through model paths).
MODEL_ROOTS = [Path(p) for p in os.environ.get("MODEL_ROOTS", str(VAR_DIR / "models")).split(os.pathsep) if p]
DEMO_MODEL_PATH = os.environ.get("DEMO_MODEL_PATH", "")
RENDER_DEVICE = os.environ.get("RENDER_DEVICE", "cpu")
RENDER_THREADS = int(os.environ.get("RENDER_THREADS", "1"))
RENDER_TIME_LIMIT_MS = int(os.environ.get("RENDER_TIME_LIMIT_MS", str(15 * 60 * 1000)))

# --- Consistency and search ---------------------------------------------------------------
# A studio's look-alike index stays exact (IndexFlatIP) below this many vectors, then becomes IVF.
CONSISTENCY_IVF_MIN = int(os.environ.get("CONSISTENCY_IVF_MIN", "50000"))
CONSISTENCY_IVF_NPROBE = int(os.environ.get("CONSISTENCY_IVF_NPROBE", "8"))

# --- Dramatiq -------------------------------------------------------------------------------
DRAMATIQ_BROKER_URL = os.environ.get("DRAMATIQ_BROKER_URL", "")
_DRAMATIQ_MIDDLEWARE = [
    # django-dramatiq's default list names a class dramatiq 2.x no longer has: list them here.
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "dramatiq.middleware.ShutdownNotifications",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
    "config.outbox_middleware.RunOutboxDispatcher",  # sends the outbox and sweeps expired leases in every worker
]
# A Redis worker's heartbeat is the lease on the messages it holds: once older than this, they go
# back to their queue. Dramatiq maintains a queue within a command; run it on every command (not
# 1 in 1,000), the outbox dispatcher's sweep issuing one per queue (config/leases.py).
WORKER_LEASE_SECONDS = float(os.environ.get("WORKER_LEASE_SECONDS", "15"))
OUTBOX_SWEEP_SECONDS = float(os.environ.get("OUTBOX_SWEEP_SECONDS", "5"))
DRAMATIQ_REDIS_LEASE = {"heartbeat_timeout": int(WORKER_LEASE_SECONDS * 1000), "maintenance_chance": 1_000_000}
if DRAMATIQ_BROKER_URL.startswith(("redis://", "rediss://")):
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.redis.RedisBroker",
        "OPTIONS": {"url": DRAMATIQ_BROKER_URL, **DRAMATIQ_REDIS_LEASE},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
elif DRAMATIQ_BROKER_URL.startswith(("amqp://", "amqps://")):
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.rabbitmq.RabbitmqBroker",
        "OPTIONS": {"url": DRAMATIQ_BROKER_URL},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
elif DRAMATIQ_BROKER_URL in ("", "stub", "inprocess"):
    DRAMATIQ_BROKER = {"BROKER": "dramatiq.brokers.stub.StubBroker", "OPTIONS": {}, "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE}
else:
    raise ImproperlyConfigured("DRAMATIQ_BROKER_URL must be empty (in-process), redis://… or amqp://….")
DRAMATIQ_AUTODISCOVER_MODULES = ["tasks"]

# --- REST framework -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "studios.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"login": os.environ.get("LOGIN_THROTTLE", "10/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Continuity API",
    "DESCRIPTION": "Versioned IP library, version-pinned casting and reproducible renders.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_error_responses",
    ],
}

# --- Security headers (production) ----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Delivery: C2PA Content Credentials -----------------------------------------------------
# The studio's signing certificate chain (signing certificate first, then intermediates; PEM), its
# private key (PKCS8 PEM) and the trust anchors (root PEM) verification accepts. Unset: a
# development-only chain is made under C2PA_DEV_DIR on first use (see generation/devca.py).
C2PA_CERT_CHAIN = os.environ.get("C2PA_CERT_CHAIN", "")
C2PA_PRIVATE_KEY = os.environ.get("C2PA_PRIVATE_KEY", "")
C2PA_TRUST_ANCHORS = os.environ.get("C2PA_TRUST_ANCHORS", "")
C2PA_DEV_DIR = Path(os.environ.get("C2PA_DEV_DIR", VAR_DIR / "c2pa-dev"))
C2PA_ASSERTION_LABEL = os.environ.get("C2PA_ASSERTION_LABEL", "org.continuity.render")

# --- Web app (Continuity Studio at /) ----------------------------------------------------------
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:library"
LOGOUT_REDIRECT_URL = "web:login"

# --- Input limits, API tokens, lost connections, health ------------------------------------
# Bodies are parsed strictly: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes of JSON (else 413), no NUL,
# no lone surrogate, nesting at most 64 deep (else 400); the path and query string likewise (config/limits.py).
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["config.limits.StrictJSONParser", "config.limits.StrictFormParser",
                                            "config.limits.StrictMultiPartParser"]
MIDDLEWARE.append("config.limits.RequestTextMiddleware")
# A read whose connection was lost runs once more; otherwise 503 database_unavailable (config/lost_connections.py).
MIDDLEWARE.append("config.lost_connections.LostConnectionMiddleware")
# An API token expires this long after its last use (sliding); a password change revokes a user's tokens.
TOKEN_EXPIRY = timedelta(days=float(os.environ.get("TOKEN_EXPIRY_DAYS", "30")))
# How long GET /api/health/ waits for the database and the broker before answering 503 naming what is down.
HEALTH_TIMEOUT = float(os.environ.get("HEALTH_TIMEOUT", "1.5"))
