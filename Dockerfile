# Production image: gunicorn serving Django, the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production
WORKDIR /app
COPY pyproject.toml ./
RUN apt-get update && apt-get install -y --no-install-recommends procps && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir . && useradd --system --uid 10001 huitian
COPY . .
# collectstatic with the production (manifest) storage: it fails on any missing file a
# stylesheet or script refers to (e.g. a source map), which is the point — without the
# manifest every page would be a 500.
RUN mkdir -p /app/var/media /app/var/staticfiles \
 && DJANGO_SECRET_KEY=build-only-secret-key-not-used-at-runtime-0123456789abcdef \
    DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
 && python manage.py compile_translations -v0 \
 && chown -R huitian /app/var
USER huitian
EXPOSE 8000
# The TLS proxy in front sets X-Forwarded-Proto and X-Forwarded-For; gunicorn passes them
# through from the addresses in FORWARDED_ALLOW_IPS (set in docker-compose.yml).
CMD ["gunicorn", "huitian.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", "--access-logfile", "-"]
