# The app server image for compose.yaml: gunicorn with the production settings,
# static files collected at build time (WhiteNoise serves them from the manifest).
FROM python:3.11-slim
WORKDIR /srv/reformtracker
COPY . .
RUN pip install --no-cache-dir . \
 && DJANGO_SETTINGS_MODULE=reformtracker.production SECRET_KEY=build ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput -v0
ENV DJANGO_SETTINGS_MODULE=reformtracker.production
EXPOSE 8000
CMD ["gunicorn", "reformtracker.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--timeout", "60", "--access-logfile", "-"]
