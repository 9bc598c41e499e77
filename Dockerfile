FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY portal portal
COPY budgets budgets
COPY ingest ingest
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_DEBUG=0 SECRET_KEY=build-only python manage.py collectstatic --noinput
RUN mkdir -p /data/media && chown nobody /data/media
USER nobody
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
