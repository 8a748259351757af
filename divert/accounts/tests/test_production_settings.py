"""DIVERT_ENV=production refuses to start with an unsafe value, naming the problem; a good configuration
starts, passes Django's deployment checks, and turns on HSTS and secure cookies.

Each case loads the settings in a fresh interpreter (settings are read once, at import), against a
throw-away SQLite database and var/ directory.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SETUP = "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE','divert.settings'); django.setup()"
SHOW_SETTINGS = SETUP + """
import json
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "DEBUG", "ALLOWED_HOSTS", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
    "SESSION_COOKIE_HTTPONLY", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "DIVERT_REQUIRE_MFA", "DIVERT_DEMO",
    "SECURE_PROXY_SSL_HEADER", "LOG_FORMAT"]}))
"""
GOOD_KEY = secrets.token_urlsafe(64)


@pytest.fixture
def production_env(tmp_path):
    """A good production environment; tests spoil one value at a time."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DIVERT_", "DJANGO_")) and k not in {"DATABASE_URL", "PYTHONSTARTUP"}}
    env.update({
        "DIVERT_ENV": "production",
        "DIVERT_SECRET_KEY": GOOD_KEY,
        "DIVERT_ALLOWED_HOSTS": "divert.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DIVERT_VAR_DIR": str(tmp_path / "var"),
    })
    return env


def run(env, *args, code=SETUP):
    command = [sys.executable, *args] if args else [sys.executable, "-c", code]
    return subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


def assert_refused(result, *phrases):
    assert result.returncode != 0, result.stdout
    assert "refuses to start in production" in result.stderr
    for phrase in phrases:
        assert phrase in result.stderr, result.stderr[-2000:]


def test_a_good_configuration_starts(production_env):
    result = run(production_env)
    assert result.returncode == 0, result.stderr[-2000:]


def test_no_secret_key_is_refused(production_env):
    del production_env["DIVERT_SECRET_KEY"]
    result = run(production_env)
    assert_refused(result, "DIVERT_SECRET_KEY", "is not set")
    # Production never invents a key of its own under var/.
    assert not (Path(production_env["DIVERT_VAR_DIR"]) / "secret_key").exists()


@pytest.mark.parametrize("key", [
    "django-insecure-" + "x7#kq2!vm9$zt4@pw8&rj3^bn6*hc5(ls1)dg0" * 2,
    "too-short-but-random-7f3a9c",
    "a" * 64,
], ids=["django-insecure", "short", "one-character"])
def test_a_default_or_weak_secret_key_is_refused_without_echoing_it(production_env, key):
    production_env["DIVERT_SECRET_KEY"] = key
    result = run(production_env)
    assert_refused(result, "DIVERT_SECRET_KEY is a default or weak key")
    assert key not in result.stderr + result.stdout


def test_a_secret_key_file_is_accepted(production_env, tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text(GOOD_KEY + "\n")
    del production_env["DIVERT_SECRET_KEY"]
    production_env["DIVERT_SECRET_KEY_FILE"] = str(key_file)
    assert run(production_env).returncode == 0


def test_debug_is_refused(production_env):
    production_env["DIVERT_DEBUG"] = "1"
    assert_refused(run(production_env), "DIVERT_DEBUG is on")


def test_demo_mode_is_refused(production_env):
    production_env["DIVERT_DEMO"] = "1"
    assert_refused(run(production_env), "DIVERT_DEMO is on")


def test_the_demo_command_is_refused_in_production(production_env):
    result = run(production_env, "-m", "divert.cli", "demo", "--help")
    assert_refused(result, "DIVERT_DEMO is on")


@pytest.mark.parametrize("hosts", ["*", "divert.example.org,*"])
def test_a_wildcard_host_is_refused(production_env, hosts):
    production_env["DIVERT_ALLOWED_HOSTS"] = hosts
    assert_refused(run(production_env), "DIVERT_ALLOWED_HOSTS contains '*'")


def test_no_allowed_hosts_is_refused(production_env):
    del production_env["DIVERT_ALLOWED_HOSTS"]
    assert_refused(run(production_env), "DIVERT_ALLOWED_HOSTS is empty")


def test_a_short_hsts_is_refused(production_env):
    production_env["DIVERT_HSTS_SECONDS"] = "3600"
    assert_refused(run(production_env), "DIVERT_HSTS_SECONDS is below one year")


def test_every_problem_is_named_at_once(production_env):
    del production_env["DIVERT_SECRET_KEY"]
    production_env.update({"DIVERT_DEBUG": "1", "DIVERT_DEMO": "1", "DIVERT_ALLOWED_HOSTS": "*"})
    assert_refused(run(production_env), "DIVERT_SECRET_KEY", "DIVERT_DEBUG", "DIVERT_DEMO", "DIVERT_ALLOWED_HOSTS")


def test_a_good_configuration_passes_the_deployment_checks(production_env):
    result = run(production_env, "-m", "divert.cli", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


def test_production_turns_on_hsts_and_secure_cookies(production_env):
    result = run(production_env, code=SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr[-2000:]
    s = json.loads(result.stdout.strip().splitlines()[-1])
    assert s["DEBUG"] is False
    assert s["ALLOWED_HOSTS"] == ["divert.example.org"]
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert s["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True
    assert s["DIVERT_REQUIRE_MFA"] is True
    assert s["DIVERT_DEMO"] is False
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["LOG_FORMAT"] == "json"


def test_an_unknown_environment_name_is_refused(production_env):
    production_env["DIVERT_ENV"] = "prod"
    result = run(production_env)
    assert result.returncode != 0
    assert "DIVERT_ENV must be 'development' or 'production'" in result.stderr
