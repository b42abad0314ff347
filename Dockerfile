# The production image. Web (daphne), worker and beat all run from it; docker-compose.yml picks
# the command. Settings default to mentorship.settings.production, which refuses to start unless
# SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL are set.
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS dependencies
# The locked dependencies go into /app/.venv in their own stage, so that uv and pip's caches stay
# out of the final image and a code change does not reinstall them.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project --no-cache

FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH="/app/.venv/bin:${PATH}" \
    DJANGO_SETTINGS_MODULE=mentorship.settings.production
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app
WORKDIR /app
COPY --from=dependencies /app/.venv /app/.venv
COPY . .
# Production settings refuse to load without their environment; collectstatic touches neither the
# database nor Redis, so placeholders on this line only are enough. None of them reach the image.
# The code stays owned by root (read-only for the app user); only var/media is writable, and a
# named volume mounted there inherits that ownership.
RUN SECRET_KEY=collectstatic-build-step-only \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://build:build@build.invalid:5432/build \
    REDIS_URL=redis://build.invalid:6379/0 \
    python manage.py collectstatic --noinput -v0 \
    && mkdir -p var/media \
    && chown app:app var/media
USER app
EXPOSE 8000
# One daphne process per core (WEB_PROCESSES), sharing the port; see manage.py serve.
CMD ["python", "manage.py", "serve", "--host", "0.0.0.0", "--port", "8000"]
