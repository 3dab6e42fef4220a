"""Fixtures for Vigil's end-to-end tests.

Run through `Tests/e2e/run.sh ADMIN_URL VIGIL_BINARY`, which passes both in the environment
(VIGIL_E2E_ADMIN_URL, VIGIL_E2E_BINARY). Every test module gets a database of its own on that
Postgres, a folder for the servers' output, and servers started with `start_vigil(**env)`.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from vigil_e2e import VigilCLI, VigilServer, create_database, drop_database


@dataclass(frozen=True)
class Settings:
    admin_url: str
    binary: str


@pytest.fixture(scope="session")
def settings() -> Settings:
    admin_url = os.environ.get("VIGIL_E2E_ADMIN_URL", "")
    binary = os.environ.get("VIGIL_E2E_BINARY", "")
    if not admin_url or not binary:
        pytest.exit("run the end-to-end tests through Tests/e2e/run.sh ADMIN_URL VIGIL_BINARY", returncode=2)
    if not os.access(binary, os.X_OK):
        pytest.exit(f"{binary} is not an executable vigil", returncode=2)
    return Settings(admin_url=admin_url, binary=binary)


def _module_stem(request) -> str:
    return request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")


@pytest.fixture(scope="module")
def database(request, settings):
    """A fresh, empty database for this module (Vigil migrates it when it first starts)."""
    name = f"e2e_{_module_stem(request)}_{secrets.token_hex(3)}"
    db = create_database(settings.admin_url, name)
    yield db
    if not os.environ.get("VIGIL_E2E_KEEP_DATABASES"):
        drop_database(settings.admin_url, name)


@pytest.fixture(scope="module")
def log_dir(request, tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp(f"vigil-{_module_stem(request)}")


@pytest.fixture(scope="module")
def cli(settings, database) -> VigilCLI:
    return VigilCLI(settings.binary, database.url)


@pytest.fixture(scope="module")
def start_vigil(settings, database, log_dir):
    """Starts `vigil serve` on this module's database with extra VIGIL_* settings; all are
    stopped (SIGTERM, then SIGKILL) when the module ends."""
    servers: list[VigilServer] = []

    def start(name: str = "vigil", **env) -> VigilServer:
        server = VigilServer(settings.binary, database.url, log_dir, env={k: str(v) for k, v in env.items()},
                             name=f"{name}{len(servers)}")
        servers.append(server)
        return server.start()

    yield start
    for server in reversed(servers):
        server.stop()


@pytest.fixture(scope="module")
def vigil(start_vigil) -> VigilServer:
    """One server with the default settings, shared by the module's tests."""
    return start_vigil()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        for server in list(VigilServer.live):
            state = "running" if server.running else f"DIED, exit status {server.process.returncode}"
            report.sections.append((f"vigil server {server.name} ({state})", server.logs()))
    return report
