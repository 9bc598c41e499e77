"""Production settings and the docker-compose file."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | env
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING",
                        DJANGO_DEBUG="0", SECRET_KEY="x" * 60 + "-production-secret-key-for-test",
                        ALLOWED_HOSTS="budget.example.org")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="x")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("y" * 60 + "-from-a-file\n")
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                        DJANGO_DEBUG="0", SECRET_KEY_FILE=str(secret), ALLOWED_HOSTS="x")
    assert result.stdout.strip().endswith("-from-a-file"), result.stderr


def test_docker_compose_has_the_production_services_and_their_configuration():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "web"} <= set(services)
    assert services["db"]["image"].startswith("postgres")
    web = services["web"]
    assert "gunicorn" in web["command"]
    env = web["environment"]
    assert env["DJANGO_DEBUG"] == "0"
    assert {"SECRET_KEY_FILE", "DATABASE_URL_FILE", "ALLOWED_HOSTS", "MEDIA_ROOT"} <= set(env)
    volumes = set(compose["volumes"])
    assert {"pgdata", "media"} <= volumes
    assert any(v.startswith("media:") for v in web["volumes"])
    assert "whitenoise" in (ROOT / "portal" / "settings.py").read_text()


def test_docker_compose_reads_uploads_with_celery_workers_on_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"redis", "worker"} <= set(services)
    assert services["redis"]["image"].startswith("redis")
    worker = services["worker"]
    command = worker["command"].split()
    assert command[:4] == ["celery", "-A", "portal", "worker"]
    assert int(command[command.index("--concurrency") + 1]) >= 2
    for name in ("web", "worker"):
        env = services[name]["environment"]
        assert env["INGEST_QUEUE"] == "celery", name
        assert env["CELERY_BROKER_URL"].startswith("redis://redis:"), name
        assert "redis" in services[name]["depends_on"], name
    assert {"SECRET_KEY_FILE", "DATABASE_URL_FILE", "MEDIA_ROOT"} <= set(worker["environment"])
    assert any(v.startswith("media:") for v in worker["volumes"])  # it reads the kept originals
    result = run_manage("shell", "-c", "from portal.celery import app; import ingest.tasks; "
                        "print(sorted(t for t in app.tasks if t.startswith('ingest.')))",
                        INGEST_QUEUE="celery")
    assert "ingest.run_job" in result.stdout, result.stderr


def test_make_run_starts_the_database_worker_beside_the_web_server():
    makefile = (ROOT / "Makefile").read_text()
    run = makefile[makefile.index("\nrun:"):].split("\n\n")[0]
    assert "db_worker" in run and "runserver" in run
