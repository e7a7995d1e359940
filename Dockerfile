# Production image: gunicorn for the web, the same image for the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    IMPORT_INBOX_DIR=/data/inbox

# Pango and fonts for WeasyPrint's PDFs.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 vschool \
 && mkdir -p /data/media /data/inbox \
 && chown -R vschool:vschool /data

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt .

COPY --chown=vschool:vschool . .
# Static files are collected into the image and served by WhiteNoise.
RUN DEBUG=1 python manage.py collectstatic --no-input --verbosity 0

USER vschool
EXPOSE 8000
# The probe names the site's own host: Django refuses requests for hosts not in ALLOWED_HOSTS.
HEALTHCHECK --interval=30s --timeout=5s --retries=3 \
  CMD python -c "import os, urllib.request as u; host = os.environ['ALLOWED_HOSTS'].split(',')[0]; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"
CMD ["gunicorn", "vschool.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "120", "--access-logfile", "-", "--forwarded-allow-ips", "*"]
