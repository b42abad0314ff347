"""Settings read from the environment.

With nothing set the platform runs on one machine with no servers: SQLite under var/, an
in-process channel layer, a filesystem Celery broker and emails printed to the console.
Setting DATABASE_URL and REDIS_URL switches to PostgreSQL and Redis.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()

SECRET_KEY = env.str("SECRET_KEY", default="insecure-local-development-key-change-me-in-production")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "organizations",
    "accounts",
    "programs",
    "matching",
    "messaging",
    "goals",
    "meetings",
    "relationships",
    "resources",
    "surveys",
    "notifications",
    "reports",
    "privacy",
    # Last: the project package itself, for commands that draw on every app (seed_demo).
    "mentorship",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy, on static files too.
    "mentorship.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A request body over its limit is refused before anything reads it (a clear 400).
    "mentorship.request_limits.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A pace limit a page's view leaves unhandled: 429 with the reason (mentorship/ratelimit.py).
    "mentorship.ratelimit.RateLimitedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
ASGI_APPLICATION = "mentorship.asgi.application"
# The garbage collector's thresholds in ASGI server processes (mentorship/asgi.py says why);
# None keeps CPython's (700, 10, 10).
SERVER_GC_THRESHOLDS = (10_000, 10, 10)
WSGI_APPLICATION = None

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
                "organizations.context_processors.organization_navigation",
                "messaging.context_processors.unread_messages",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL is set.
if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASE_POOL_SIZE = env.int("DATABASE_POOL_SIZE", default=20)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_SIZE:
        # The ASGI server runs each request's synchronous code on a thread of its own, so a
        # connection kept per thread (CONN_MAX_AGE) is never used again and stays open until
        # the thread's objects are collected: under load PostgreSQL runs out of connections
        # (benchmarks/load.py). A pool per process reuses connections and caps them; a request
        # waits for a free one (up to 30 s) instead of failing. Pooled connections are not kept
        # per thread, hence CONN_MAX_AGE 0.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 2,
            "max_size": DATABASE_POOL_SIZE,
            "timeout": 30,
        }
    else:
        DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Web, worker and beat share the file: WAL lets readers run beside one writer,
            # and IMMEDIATE transactions avoid "database is locked" on lock upgrades.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache (login rate limits and API throttles live here).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mentorship",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": VAR_DIR / "cache",
        }
    }

# Channels: Redis when configured, otherwise an in-process layer.
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # Publish/subscribe: one PUBLISH per group message whatever the group's size, and
            # each process hears only the groups its sockets joined. At most once, as the chat
            # assumes anyway (clients resync from the database).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "mentorship"},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Celery: Redis broker when configured, otherwise kombu's filesystem transport so that a real
# worker and beat run without any server.
CELERY_BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
    for folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        # kombu otherwise keeps its exchange tables in ./control, relative to the working folder.
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_BROKER_VISIBILITY_TIMEOUT = CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connections before and after every task and, in a
# prefork worker with a connection pool, closes the pool itself: each task would connect to
# PostgreSQL anew. With a reuse limit it does that only every this many tasks; in between,
# mentorship/celery.py hands each task's connections back to the process's pool, as Django
# does after a request.
CELERY_DB_REUSE_MAX = 10_000
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Periodic scans, declared in code; django-celery-beat's DatabaseScheduler installs them.
# Hourly, so a cohort moves within the hour its date comes, whatever the time zone.
CELERY_BEAT_SCHEDULE = {
    "advance-cohorts-by-date": {
        "task": "programs.tasks.advance_cohorts_by_date",
        "schedule": 60 * 60,
    },
    # Requests expire by the hour they are due; the mentee hears about it once.
    "expire-mentorship-requests": {
        "task": "matching.tasks.expire_mentorship_requests",
        "schedule": 60 * 60,
    },
    # People away from chat hear of unread messages by email (batched, once per period).
    "email-unread-messages": {
        "task": "messaging.tasks.email_unread_messages",
        "schedule": 5 * 60,
    },
    # Each active mentorship's health, kept once a day for the reports' trend.
    "take-health-snapshots": {
        "task": "relationships.tasks.take_health_snapshots",
        "schedule": crontab(hour=2, minute=30),
    },
    # Reminders and nudges (notifications/rules/): each scan looks far enough back to cover a
    # missed tick, and a notification's dedupe key makes a second run send nothing.
    **{
        f"nudges-{rule.replace('_', '-')}": {
            "task": "notifications.tasks.run_nudge_scan",
            "schedule": every,
            "args": [rule],
        }
        for rule, every in (
            ("meeting_reminders", 5 * 60),
            ("requests", 15 * 60),
            ("milestones", 60 * 60),
            ("check_ins", 60 * 60),
            ("agreements", 60 * 60),
            ("invitations", 60 * 60),
            ("inactive_pairs", 60 * 60),
            ("weekly_digests", 60 * 60),
            ("surveys", 60 * 60),
        )
    },
    # Emails held by quiet hours or waiting for a retry, once they are due.
    "send-due-notification-emails": {
        "task": "notifications.tasks.send_due_notification_emails",
        "schedule": 60,
    },
    "send-notification-digests": {
        "task": "notifications.tasks.send_notification_digests",
        "schedule": 15 * 60,
    },
    # Scheduled progress reports (weekly on Mondays, monthly on the 1st), once per day each.
    "send-scheduled-reports": {
        "task": "reports.tasks.send_scheduled_reports",
        "schedule": crontab(hour=6, minute=0),
    },
}

# Email: EMAIL_URL, e.g. smtp://user:password@host:587?tls=True; the console otherwise.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
globals().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Mentorship <noreply@mentorship.localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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

# django-allauth: email is the login, verified before first use, login attempts rate limited.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mentorship] "
# Changing email addresses, MFA or API tokens asks for the password first; once confirmed, not
# again for 5 minutes.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/180s/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mentorship"
MFA_RECOVERY_CODE_COUNT = 10
# Accept the neighbouring 30-second window too: phone clocks drift. A code still works only once.
MFA_TOTP_TOLERANCE = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
# Security headers on every response (README, "Security headers"); the Content-Security-Policy
# and Permissions-Policy come from mentorship.middleware, HSTS from the production settings.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("es", "Español"),
    ("nl", "Nederlands"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
# Request bodies (README, "Limits"): a form or JSON body is read into memory up to this size;
# larger is refused with a 400 that names the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
# Uploads above this size (and, under ASGI, request bodies) are spooled to a temporary file,
# not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mentorship.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mentorship.api.errors.json_exception_handler",
    "DEFAULT_METADATA_CLASS": "mentorship.api.metadata.ApiMetadata",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "600/min"},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship platform API",
    "DESCRIPTION": (
        "Every organisation's data lives under /api/v1/orgs/{org_slug}/. Authenticate with the "
        "browser session (plus CSRF token) or a personal API token: `Authorization: Bearer <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mentorship.api.schema.add_error_responses",
    ],
    # Several models have a `status` (and serializers a `direction`): name each choice set after
    # its model, so a new field of the same name never renames a published enum.
    "ENUM_NAME_OVERRIDES": {
        "ProgramStatusEnum": "programs.models.ProgramStatus",
        "NudgeRecipientsEnum": "notifications.managers.Recipients",
        "CohortStatusEnum": "programs.models.CohortStatus",
        "RoleEnum": "organizations.models.Role",
        "EnrolmentRoleEnum": "programs.models.EnrolmentRole",
        "EnrolmentStateEnum": "programs.models.EnrolmentState",
        "MentorshipStatusEnum": "programs.models.MentorshipStatus",
        "MentorshipOriginEnum": "programs.models.MentorshipOrigin",
        "ContactChannelEnum": "programs.models.ContactChannel",
        "MentorshipStatusChangeEnum": "programs.api.serializers.MENTORSHIP_STATUS_CHANGES",
        "MatchRunStatusEnum": "matching.models.MatchRunStatus",
        "MatchRunModeEnum": "matching.models.MatchRunMode",
        "UnmatchedReasonEnum": "matching.models.UnmatchedReason",
        "MentorshipRequestStatusEnum": "matching.models.MentorshipRequestStatus",
        "MentorshipRequestDirectionEnum": "matching.api.serializers.REQUEST_DIRECTIONS",
        "DirectionEnum": "programs.api.serializers.questions.QUESTION_MOVE_DIRECTIONS",
        # A question's kind keeps the name it was published under.
        "KindEnum": "programs.models.QuestionKind",
        "ConversationKindEnum": "messaging.models.ConversationKind",
        "GoalStatusEnum": "goals.models.GoalStatus",
        "MeetingStatusEnum": "meetings.models.MeetingStatus",
        "AttendanceEnum": "meetings.models.Attendance",
        "MeetingActionEnum": "meetings.rules.ACTION_PROBLEMS",
        "ResourceKindEnum": "resources.models.ResourceKind",
        "SurveyQuestionKindEnum": "surveys.models.SurveyQuestionKind",
    },
}

# Absolute links in emails point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The shared secret the mail provider's bounce webhook sends in its X-Webhook-Token header
# (POST /api/v1/email-bounces/). Empty turns the webhook off: it answers 404.
EMAIL_WEBHOOK_TOKEN = env.str("EMAIL_WEBHOOK_TOKEN", default="")
# Notification emails committed as sent together (see notifications/delivery.py).
NOTIFICATION_EMAIL_CHUNK = env.int("NOTIFICATION_EMAIL_CHUNK", default=50)
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=14)
# Chat: the longest message, in characters.
MESSAGE_MAX_LENGTH = env.int("MESSAGE_MAX_LENGTH", default=5000)
# Chat attachments: the largest file, how many files a message carries, and the allowed types
# (by extension; the content must match the type, see messaging.attachments).
MESSAGE_ATTACHMENT_MAX_BYTES = env.int("MESSAGE_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# The program library's uploads: slides, documents and PDFs, larger than chat files.
RESOURCE_FILE_MAX_BYTES = env.int("RESOURCE_FILE_MAX_BYTES", default=25 * 1024 * 1024)
RESOURCE_FILE_EXTENSIONS = env.list(
    "RESOURCE_FILE_EXTENSIONS",
    default=["pdf", "pptx", "docx", "xlsx", "odp", "odt", "ods", "txt", "md", "png", "jpg"],
)
MESSAGE_ATTACHMENT_MAX_FILES = env.int("MESSAGE_ATTACHMENT_MAX_FILES", default=5)
MESSAGE_ATTACHMENT_EXTENSIONS = env.list(
    "MESSAGE_ATTACHMENT_EXTENSIONS",
    default=[
        "pdf", "png", "jpg", "jpeg", "gif", "webp", "txt", "md", "csv",
        "docx", "xlsx", "pptx", "odt", "ods", "odp",
    ],
)  # fmt: skip
# The largest upload request (multipart, all of its files together): the most a chat message
# or a library file may carry, plus the form's own fields. A larger one is refused before it is
# parsed. Set the reverse proxy's body limit (nginx client_max_body_size) to the same.
UPLOAD_REQUEST_MAX_BYTES = env.int(
    "UPLOAD_REQUEST_MAX_BYTES",
    default=max(
        MESSAGE_ATTACHMENT_MAX_BYTES * MESSAGE_ATTACHMENT_MAX_FILES, RESOURCE_FILE_MAX_BYTES
    )
    + DATA_UPLOAD_MAX_MEMORY_SIZE,
)
# Pace limits (mentorship/ratelimit.py), "<count>/<period>" with s, m, h or d ("10/30s" too),
# counted in the cache across every process. Invitations: one import of the largest participant
# file (20,000 rows) fits in a day.
RATE_LIMITS = {
    # Chat messages one person sends in one organisation (socket, API and chat page together).
    "message_send": env.str("RATE_LIMIT_MESSAGE_SEND", default="30/m"),
    # Invitation emails one person sends for one organisation (single, bulk, imports).
    "invitation_person": env.str("RATE_LIMIT_INVITATION_PERSON", default="20000/d"),
    # Invitation emails of one organisation, whoever sends them.
    "invitation_organization": env.str("RATE_LIMIT_INVITATION_ORGANIZATION", default="50000/d"),
}
# Offline emails: someone not connected to chat hears of unread messages at most once per
# conversation per period, about messages left unread for at least the delay.
MESSAGE_EMAIL_PERIOD_MINUTES = env.int("MESSAGE_EMAIL_PERIOD_MINUTES", default=60)
MESSAGE_EMAIL_DELAY_MINUTES = env.int("MESSAGE_EMAIL_DELAY_MINUTES", default=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
