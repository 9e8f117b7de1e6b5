"""One settings module, configured by the environment (django-environ).

Nothing set: SQLite file, Celery eager, DEBUG on — the embedded default that
`make run` serves. `DATABASE_URL` and `REDIS_URL`: PostgreSQL and Redis, as
in CI and docker-compose. `DJANGO_ENV=production`: secure settings, and
`manage.py check --deploy` passes.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY",
    # The development key is only ever used with DEBUG on a laptop; production refuses it.
    default="" if PRODUCTION else "dev-only-insecure-key-huitian-not-for-production-use-0123456789",
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise environ.ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set (50+ characters) in production"
    )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The domain apps, in dependency order: INSTALLED_APPS, the URLs, the API and seed_demo
# read this one list.
DOMAIN_APPS = ["registry", "procurement", "volunteers", "credit"]

INSTALLED_APPS = [
    "huitian",  # first: its templates override the admin's and registration's
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "import_export",
    "csp",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "huitian.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "huitian.urls"
WSGI_APPLICATION = "huitian.wsgi.application"
AUTH_USER_MODEL = "huitian.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "huitian.context_processors.platform",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'huitian.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the embedded default usable with a worker thread or two.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's JIT compiles a plan whose estimated cost is high; for the platform's
    # short queries that compile is most of the time (the volunteers' training report:
    # 0.3-1 s of execution became 4-8 s with jit=on on 50,000 volunteers). Off per
    # connection unless the operator asks for it.
    if env.bool("DATABASE_JIT", default=False) is False:
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Redis, Celery ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "huitian.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A cache outage must not take pages down: short timeouts, errors surface fast.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Shanghai"
# Publishing must fail fast when Redis is down: the row is the queue, the sweep catches up.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No task may run longer than Redis's visibility_timeout, or Redis hands it out again
# while it is still running: hard limit 1 h (soft 55 min), visibility 6 h. Long jobs
# work in batches and record their progress, so a limit only ends one batch.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=55 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 6 * 3600,
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
}
CELERY_RESULT_EXPIRES = None  # no result backend: no "backend_cleanup" beat entry either
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs live in django-celery-beat's tables, where staff edit or pause them in
# the admin. `manage.py install_schedule` adds the jobs each app declares in
# `<app>/schedule.py` (kernel: huitian/schedule.py) when missing and never overwrites
# them; there is deliberately no CELERY_BEAT_SCHEDULE, which beat would write over the
# staff's edits at every start.
# Task names: "<app>.<verb_noun>", e.g. "procurement.compile_needs_list".

# --- Auth -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes (huitian/lockout.py): lock an account at one address after
# AXES_FAILURE_LIMIT failures, and an address after AXES_ADDRESS_FAILURE_LIMIT failures
# of any accounts (spraying); one user's guessing never locks the others behind the
# same proxy. The lock lifts by itself (axes' default would lock for ever).
AXES_HANDLER = "huitian.lockout.AccountAndAddressHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=30)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "huitian.api.errors.axes_lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client's address behind reverse proxies (django-ipware). PROXY_COUNT is the number
# of proxies in front of gunicorn, each appending to X-Forwarded-For; the client is the
# PROXY_COUNT-th entry from the right (entries further left are the client's own claims).
# With no proxy, only REMOTE_ADDR counts and X-Forwarded-For is ignored.
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
if PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    # ipware counts the proxies listed *inside* X-Forwarded-For (the last one is REMOTE_ADDR).
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
    AXES_IPWARE_PROXY_ORDER = "left-most"
    IPWARE_STRICT = False  # a client-supplied X-Forwarded-For only adds entries on the left
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None
AXES_VERBOSE = False

# --- Content-Security-Policy (django-csp) -----------------------------------
# Scripts and styles come from our own static files only: no inline <script>, no on*=
# handlers, no CDN. A template that cannot avoid an inline script gives it
# `nonce="{{ request.csp_nonce }}"` (the nonce is added to the header when used).
# Uploaded files get a stricter, sandboxed policy of their own (huitian/media.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# History is for reading: no "revert" form in the admin (it saved whole rows, state included).
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Uploaded files go through huitian.media (scoped to their record). Behind nginx, set
# this to an `internal` location aliased to MEDIA_ROOT (e.g. "/protected-media/") and
# nginx sends the file; empty: Django streams it.
MEDIA_ACCEL_REDIRECT_PREFIX = env.str("MEDIA_ACCEL_REDIRECT_PREFIX", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- API --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "huitian.tokens.PasswordBoundJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "huitian.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "huitian.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "huitian.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "huitian.api.throttling.AnonBurstThrottle",
        "huitian.api.throttling.WriteThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="120/min"),
        "write": env.str("THROTTLE_WRITE", default="120/min"),
        "login": env.str("THROTTLE_LOGIN", default="10/min"),
    },
    "NUM_PROXIES": PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_MAX_PAGE_SIZE = 100

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(hours=env.int("JWT_ACCESS_HOURS", default=2)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
    # Each refresh returns a new refresh token and spends the old one (token_blacklist);
    # tokens also die with a password change (huitian/tokens.py).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "回天社会组织服务平台 API",
    "DESCRIPTION": (
        "REST API of the Huitian social-organization platform, used by the 回天有我 app. "
        "Errors share one shape: {code, detail, fields}."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from drf-spectacular-sidecar: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Three choice sets share the field name "reason": name each after what it is.
    "ENUM_NAME_OVERRIDES": {
        "NeedRejectReasonEnum": "procurement.models.needs.Need.RejectReason",
        "NeedUnresolvedReasonEnum": "procurement.models.needs.Need.UnresolvedReason",
        "InterviewReasonEnum": "registry.models.inspection.Interview.Reason",
        "HonourKindEnum": "credit.models.honours.Nomination.Kind",
        "EvaluationGradeEnum": "procurement.models.contracts.EvaluationGrade",
        "ContractPeriodStateEnum": "procurement.models.contracts.ContractPeriod.State",
    },
}

# --- API hardening: body and upload limits, parsers, read-only roles ----------
# (issue 7 items 9, 10, 15; owned by the API kernel, huitian/api/. Keep in one block.)
# Non-file form fields or a JSON body above this → 413 in the one error shape.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# Uploads above this spool to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# A whole multipart request (files included): six 5 MB photos and their form fit.
API_MAX_UPLOAD_BODY_SIZE = env.int("API_MAX_UPLOAD_BODY_SIZE", default=32 * 1024 * 1024)
# JSON arrays/objects nested deeper than this are refused before parsing.
API_MAX_JSON_DEPTH = 32
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "huitian.api.parsers.BoundedJSONParser",
    "rest_framework.parsers.FormParser",
    "huitian.api.parsers.LimitedMultiPartParser",
]
# Auditors and evaluators read; they write nothing through any API door.
REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"] = [
    *REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"],
    "huitian.api.permissions.ReadOnlyRolesWriteNothing",
]

# --- Platform ---------------------------------------------------------------
HUITIAN_DISTRICT_CODE = "110114"
# Demo users exist only where demo data is asked for; production refuses to seed them.
HUITIAN_ALLOW_DEMO_DATA = env.bool("HUITIAN_ALLOW_DEMO_DATA", default=not PRODUCTION)
# Warn staff about missing working-day schedules this many days ahead.
CALENDAR_WARNING_HORIZON_DAYS = env.int("CALENDAR_WARNING_HORIZON_DAYS", default=60)
SWEEP_BATCH_SIZE = env.int("SWEEP_BATCH_SIZE", default=500)
# Needs (接诉即办): default deadlines in working days (per-category ones are set in the
# admin), how long a resident may reopen a closed need, and the needs-list period.
PROCUREMENT_RESPONSE_DAYS = env.int("PROCUREMENT_RESPONSE_DAYS", default=1)
PROCUREMENT_RESOLUTION_DAYS = env.int("PROCUREMENT_RESOLUTION_DAYS", default=15)
PROCUREMENT_REOPEN_WORKING_DAYS = env.int("PROCUREMENT_REOPEN_WORKING_DAYS", default=5)
PROCUREMENT_LIST_PERIOD = env.str("PROCUREMENT_LIST_PERIOD", default="monthly")
# Purchase projects (P8): from this budget (yuan) a project is major (过程督导 required).
PURCHASE_MAJOR_PROJECT_THRESHOLD = env.int("PURCHASE_MAJOR_PROJECT_THRESHOLD", default=500000)
# Post-evaluation (item 6): weights of quantity / quality / satisfaction in the overall
# score, and the share of the final installment paid from each score up (below the last
# floor it is withheld until corrected and evaluated again).
PURCHASE_EVALUATION_WEIGHTS = {"quantity": 30, "quality": 40, "satisfaction": 30}
PURCHASE_FINAL_PAYMENT_SCHEDULE = [(90, 100), (80, 95), (60, 80)]
# OCDS (D2): the ocid prefix registered for the platform's releases.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-hthuitian")

# Text messages (huitian/sms.py): one-time codes for residents' sign-up and sign-in.
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="huitian.sms.AliyunBackend" if PRODUCTION else "huitian.sms.ConsoleBackend",
)
SMS_ALIYUN_ACCESS_KEY_ID = env.str("SMS_ALIYUN_ACCESS_KEY_ID", default="")
SMS_ALIYUN_ACCESS_KEY_SECRET = env.str("SMS_ALIYUN_ACCESS_KEY_SECRET", default="")
SMS_ALIYUN_SIGN_NAME = env.str("SMS_ALIYUN_SIGN_NAME", default="")
SMS_ALIYUN_TEMPLATE_CODE = env.str("SMS_ALIYUN_TEMPLATE_CODE", default="")
SMS_ALIYUN_ENDPOINT = env.str("SMS_ALIYUN_ENDPOINT", default="https://dysmsapi.aliyuncs.com")
SMS_CODE_TTL_SECONDS = env.int("SMS_CODE_TTL_SECONDS", default=300)
SMS_CODE_MAX_ATTEMPTS = env.int("SMS_CODE_MAX_ATTEMPTS", default=5)
# One code per number per minute, SMS_PER_NUMBER_HOUR per number and
# SMS_PER_ADDRESS_HOUR per client address in any hour.
SMS_RESEND_SECONDS = env.int("SMS_RESEND_SECONDS", default=60)
SMS_PER_NUMBER_HOUR = env.int("SMS_PER_NUMBER_HOUR", default=5)
SMS_PER_ADDRESS_HOUR = env.int("SMS_PER_ADDRESS_HOUR", default=20)

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="noreply@huitian.example.cn")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# --- Production -------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_REFERRER_POLICY = "same-origin"
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = ["rest_framework.renderers.JSONRenderer"]

PLATFORM_NAME = _("Huitian Social Organization Platform")
