"""MedGuide settings: one module, every value decided by the environment (see README)."""

import logging
import re
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from medguide.logs import JSON_FORMATTER, PRIVATE_FILTER

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (written by `make run`) is read when present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# No fixed fallback key: without SECRET_KEY each process gets a random one, which is fine for
# tests and a first look, and the deploy check `medguide.E001` refuses it for production.
SECRET_KEY = env.str("SECRET_KEY", default="") or get_random_secret_key()
SECRET_KEY_FROM_ENVIRONMENT = bool(env.str("SECRET_KEY", default=""))

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # trigram lookups; registers nothing on SQLite
    "taggit",
    "reversion",
    "medguide",
    "medguide.editorial",
    "drugs",
    "articles",
    "medguide.search",
    "medguide.demo",
]

MIDDLEWARE = [
    "medguide.logs.RequestLogMiddleware",
    "medguide.replicas.replica_reads",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The page cache (medguide/page_cache.py): pages are stored as the two middleware below
    # leave them, compressed and with their ETag; a stored page is fetched below them, so a
    # reader whose copy is current gets a 304. Django puts FetchFromCache last; nothing
    # further down changes what a page is stored by, and a hit then skips their work
    # (sessions, CSRF, messages), for readers who have none.
    "medguide.page_cache.UpdateCacheMiddleware",
    "medguide.compression.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "medguide.page_cache.FetchFromCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "medguide.robots.admin_noindex",
    "medguide.search.index.SearchIndexMiddleware",
]

ROOT_URLCONF = "medguide.urls"
WSGI_APPLICATION = "medguide.wsgi.application"

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
                "medguide.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Past one machine: readers' page views read from a PostgreSQL replica (medguide/replicas.py);
# writes, the admin and sessions stay on the primary. Tests point it at the primary (MIRROR).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        TEST={"MIRROR": "default"},
    )
    # A replica that does not answer sends readers to the primary (medguide/replicas.py);
    # one that drops packets must not hold a reader for the system's minutes-long timeout.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    DATABASE_ROUTERS = ["medguide.replicas.ReplicaRouter"]
# PostgreSQL binds parameters on the server, and a statement a connection runs a second time
# is prepared there, so it is parsed once per connection rather than for every page
# (docs/decisions/prepared-statements.md); Django's own default prepares nothing. It is still
# planned for each run's values (plan_cache_mode): a plan made once for any values cost the
# server up to twice the CPU for the guide list and the sitemap index. A connection pooler in
# transaction mode older than PgBouncer 1.21 cannot keep prepared statements:
# DATABASE_PREPARE_THRESHOLD=none turns them off, leaving the server binding.
# medguide.postgresql is Django's backend told PostgreSQL's limit of parameters a statement.
PREPARE_THRESHOLD = env.str("DATABASE_PREPARE_THRESHOLD", default="2").strip().lower()
if PREPARE_THRESHOLD == "none":
    _prepare_threshold = None
elif re.fullmatch("[0-9]+", PREPARE_THRESHOLD):
    _prepare_threshold = int(PREPARE_THRESHOLD)
else:
    raise ImproperlyConfigured(
        f"DATABASE_PREPARE_THRESHOLD is {PREPARE_THRESHOLD!r}: a whole number of runs, or none"
    )
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["ENGINE"] = "medguide.postgresql"
        _options = _database.setdefault("OPTIONS", {})
        _options.update(server_side_binding=True, prepare_threshold=_prepare_threshold)
        if _prepare_threshold is not None:
            _options["options"] = (
                f"{_options.get('options', '')} -c plan_cache_mode=force_custom_plan".strip()
            )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages be read while an import writes, and synchronous=NORMAL skips the disk
    # flush on every commit (still safe if the process dies): per-record imports got 1.6x faster.
    # IMMEDIATE takes the write lock up front instead of failing with "database is locked".
    # https://www.sqlite.org/wal.html
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Local memory by default (one per process); Redis, shared by every server, when REDIS_URL
# is set. CACHE_URL can name any other backend django-environ knows. django-redis rather
# than Django's own Redis backend: that one builds a new client for every cache call.
# `pages` holds the page cache, its fragments and their generation (medguide/page_cache.py):
# under a prefix of its own, so it can be watched or emptied alone, and on a Redis server of
# its own when PAGE_CACHE_REDIS_URL names one, so it can be given a memory limit that evicts
# (everything in it can be lost) without evicting `default`'s search counts or flood limits.
if env.str("REDIS_URL", default=""):
    CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="medguide")
    CACHES = {
        alias: {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
        for alias, location, prefix in [
            ("default", env.str("REDIS_URL"), CACHE_KEY_PREFIX),
            (
                "pages",
                env.str("PAGE_CACHE_REDIS_URL", default=env.str("REDIS_URL")),
                env.str("PAGE_CACHE_KEY_PREFIX", default=f"{CACHE_KEY_PREFIX}-pages"),
            ),
        ]
    }
else:
    CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://medguide")}
    CACHES["pages"] = {**CACHES["default"], "KEY_PREFIX": "pages"}
    if CACHES["pages"]["BACKEND"].endswith("LocMemCache"):
        # Room for every public page (about 900 drugs) rather than Django's 300 entries.
        CACHES["pages"].update(LOCATION="medguide-pages", OPTIONS={"MAX_ENTRIES": 5000})

# Whole pages for readers without a session (Django's cache middleware, medguide/page_cache.py),
# emptied on every content change. CACHE_MIDDLEWARE_SECONDS bounds how long a page may show a
# date-dependent line such as "review due"; 0 turns the page cache off.
# FRAGMENT_CACHE_SECONDS does the same for the parts kept by caching.remember() (a monograph's
# body, a search's results), which serve editors and the pages the page cache does not store.
# Both are off by default when DEBUG is on, so a developer sees template changes at once.
CACHE_MIDDLEWARE_ALIAS = "pages"
CACHE_MIDDLEWARE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 600)
# After a publish, how long readers of a page wait for the one reader rendering it before
# rendering it themselves (medguide/page_cache.py); 0 lets every reader render.
PAGE_CACHE_RENDER_WAIT = env.float("PAGE_CACHE_RENDER_WAIT", default=5.0)
CACHE_MIDDLEWARE_KEY_PREFIX = ""  # the generation is each page's prefix
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=0 if DEBUG else 600)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain files while developing.
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}

# Security: strict unless DEBUG says this is a developer's machine. Each can still be set.
SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=SECURE)
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=SECURE)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=SECURE)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Logs go to standard output, one JSON object a line (LOG_FORMAT=plain for a terminal; the
# default when DEBUG is on). Gunicorn's own logs use the same handler (gunicorn.conf.py).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": JSON_FORMATTER,
    },
    "filters": {"private": PRIVATE_FILTER},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["private"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # lockouts are warnings; every login is not news
    },
}

# Site-wide facts shown in templates.
MEDGUIDE = {
    "SITE_NAME": "MedGuide",
    "REVIEW_PERIOD_DAYS": env.int("REVIEW_PERIOD_DAYS", default=365),
    # Flesch–Kincaid grade editors aim for in summaries and guides (the admin shows it).
    "READING_GRADE_TARGET": env.float("READING_GRADE_TARGET", default=8),
}

# Admin login protection (django-axes): five failed logins for one username from one address
# lock that username at that address out for 15 minutes.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
INSTALLED_APPS += ["axes"]
# Last, as axes asks: it turns a login that axes flagged into the lockout page.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out address or username is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
# A username and an address together: a stranger elsewhere cannot lock a known editor out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "medguide.editorial.clients.client_address"
# How many proxies of ours stand in front of the app servers and append X-Forwarded-For
# (deploy/nginx.conf: 1). 0 believes only the connection's own address.
TRUSTED_PROXIES = env.int("TRUSTED_PROXIES", default=0)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Hardening (issue 8): the admin's address, content security policy, request size limits and
# quiet bad-host logging. ---------------------------------------------------------------------

# The admin's path, e.g. ADMIN_URL=editorial-7f3a/ to keep it off the paths scanners try.
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Content Security Policy (django-csp 4): everything from our own origin and nothing inline.
# The public pages load their CSS and JS from static files and the JSON-LD blocks are data, not
# scripts; Django's admin has no inline script since 5.0. Pictures may be data: URIs (the
# admin's icons). https://django-csp.readthedocs.io/en/latest/configuration.html
INSTALLED_APPS += ["csp"]
# Outside everything that can answer early (CommonMiddleware's bad-host 400, the CSRF 403),
# so those pages carry the policy too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# Request size limits: a body Django refuses becomes the 400 page, not a 500. Form fields
# (uploaded files not counted) may total DATA_UPLOAD_MAX_MEMORY_SIZE; an upload larger than
# FILE_UPLOAD_MAX_MEMORY_SIZE is streamed to a temporary file instead of held in memory.
# Django's default of 1000 fields is too few: a monograph's admin page posts a field per
# column of every inline row, about 800 for the demo's baclofen.
# Pictures have their own limit, with a message editors understand: articles/images.py.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env.int("DATA_UPLOAD_MAX_NUMBER_FIELDS", default=2000)


# A request for a host not in ALLOWED_HOSTS is answered 400. Django logs it as an ERROR with a
# traceback, though it is scanners and mistyped DNS, not a fault of ours: log one WARNING line.
def _as_warning_without_traceback(record):
    record.levelno, record.levelname = logging.WARNING, "WARNING"
    record.exc_info = record.exc_text = None
    return True


LOGGING.setdefault("filters", {})["as_warning"] = {"()": lambda: _as_warning_without_traceback}
LOGGING["loggers"]["django.security.DisallowedHost"] = {"filters": ["as_warning"]}
