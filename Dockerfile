# Patchwatch production image: gunicorn serving the API, the admin and the built frontend.
# The same image runs the Celery worker and beat (see docker-compose.yml).

# --- Frontend: build frontend/dist ------------------------------------------------------
FROM node:22-slim AS frontend
WORKDIR /src/frontend
# Dependencies first, so editing the sources does not reinstall them.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- Application -----------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN useradd --system --user-group --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin patchwatch

COPY requirements/ requirements/
RUN pip install -c requirements/lock.txt -r requirements/base.txt

COPY . .
COPY --from=frontend /src/frontend/dist frontend/dist
# collectstatic loads the settings; this key exists only for that command and is not
# kept in the image (the containers get the real one from the environment).
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput

# The code stays owned by root, so the app cannot rewrite itself; /tmp is its only
# writable place (gunicorn's heartbeat files, Celery beat's schedule).
USER patchwatch
EXPOSE 8000
CMD ["gunicorn", "backend.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
