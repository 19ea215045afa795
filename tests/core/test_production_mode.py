"""STORESYNC_ENV=production refuses to start with settings that leave a deployment open, and says
what to set for each; development starts and logs one warning."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet

from app.core.security import UnsafeDeployment, check_deployment
from app.settings import DEFAULT_SECRET_KEY, Settings
from tests.support import free_port, spawn, stop

GOOD = {"secret_key": "a-long-random-production-secret-0123456789abcdef", "encryption_keys": Fernet.generate_key().decode(),
        "sandbox_enabled": False, "debug": False}
PROBLEMS = {
    "secret_key": (DEFAULT_SECRET_KEY, "set SECRET_KEY"),
    "encryption_keys": ("", "set ENCRYPTION_KEYS"),
    "sandbox_enabled": (True, "set SANDBOX_ENABLED=false"),
    "debug": (True, "set DEBUG=false"),
}


def settings(env: str, **changes) -> Settings:
    return Settings(_env_file=None, storesync_env=env, **{**GOOD, **changes})


def test_production_with_safe_settings_starts():
    check_deployment(settings("production"))


@pytest.mark.parametrize("name", list(PROBLEMS))
def test_production_refuses_each_unsafe_setting_and_says_what_to_set(name):
    value, advice = PROBLEMS[name]
    with pytest.raises(UnsafeDeployment) as refused:
        check_deployment(settings("production", **{name: value}))
    message = str(refused.value)
    assert advice in message, message
    others = [a for n, (_, a) in PROBLEMS.items() if n != name]
    assert not any(a in message for a in others), message


def test_production_lists_every_problem_at_once():
    bad = {name: value for name, (value, _) in PROBLEMS.items()}
    with pytest.raises(UnsafeDeployment) as refused:
        check_deployment(settings("production", **bad))
    message = str(refused.value)
    assert all(advice in message for _, advice in PROBLEMS.values()), message
    assert message.count("\n  - ") == 4


def test_development_starts_with_one_warning(caplog):
    bad = {name: value for name, (value, _) in PROBLEMS.items()}
    with caplog.at_level(logging.WARNING, logger="storesync.security"):
        check_deployment(settings("development", **bad))
    warnings = [r for r in caplog.records if r.name == "storesync.security"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert all(advice in warnings[0].getMessage() for _, advice in PROBLEMS.values())


def test_unknown_environment_is_refused():
    with pytest.raises(ValueError):
        settings("prod")


@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker"]])
def test_a_production_process_with_the_default_key_exits_and_names_the_settings(command):
    if command[0] == "serve":
        command = ["serve", "--port", str(free_port())]
    proc = spawn(command, STORESYNC_ENV="production", SECRET_KEY=DEFAULT_SECRET_KEY, ENCRYPTION_KEYS="",
                 SANDBOX_ENABLED="true", DEBUG="true")
    try:
        code = proc.wait(timeout=60)
    finally:
        text = stop(proc)
    assert code == 2, (code, text[-2000:])
    for _, advice in PROBLEMS.values():
        assert advice in text, text[-2000:]
    assert "Uvicorn running" not in text
