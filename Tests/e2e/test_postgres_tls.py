"""TLS to Postgres: a cluster of this module's own with `ssl = on`, a certificate signed by a CA
made here (for the name `localhost` only), a password for the user, and `pg_hba.conf` taking TLS
connections only. `vigil serve` runs over `sslmode=verify-full` with `sslrootcert`, every one of its
connections is encrypted, and the password reaches no output. A wrong CA, a host name the
certificate does not name, and `sslmode=disable` are refused; `verify-ca` accepts the address the
name does not cover; an unknown sslmode is a configuration error naming the value.
"""

import os
import secrets
import shutil
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest
import requests

from vigil_e2e import PROTOBUF, REPO_ROOT, Database, new_span_id, new_trace_id, span, to_protobuf, traces_body, wait_until

CLUSTER_SCRIPT = REPO_ROOT / "scripts" / "test-postgres.sh"
PASSWORD = "tls-" + secrets.token_hex(12)


def cluster(action: str, directory: Path) -> str:
    result = subprocess.run([str(CLUSTER_SCRIPT), action, str(directory)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"test-postgres.sh {action} failed: {result.stderr}"
    return result.stdout.strip()


def openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, cwd=cwd, timeout=60)
    assert result.returncode == 0, f"openssl {' '.join(args)}: {result.stderr}"


def make_ca(directory: Path, name: str) -> Path:
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.crt",
            "-days", "30", "-subj", f"/CN=Vigil test {name}", cwd=directory)
    return directory / f"{name}.crt"


def give_to_postgres(path: Path) -> None:
    if os.getuid() == 0:
        shutil.chown(path, "postgres", "postgres")


@pytest.fixture(scope="module")
def tls_cluster():
    directory = Path(f"/tmp/vigil-e2e-tls-{os.getpid()}-{secrets.token_hex(3)}")
    admin_url = cluster("start", directory)
    try:
        certs = directory / "certs"
        certs.mkdir()
        ca = make_ca(certs, "ca")
        other_ca = make_ca(certs, "other-ca")
        (certs / "san.cnf").write_text("subjectAltName = DNS:localhost\n")
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost", cwd=certs)
        openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.crt", "-days", "30", "-extfile", "san.cnf", cwd=certs)
        data = directory / "data"
        for name in ("server.crt", "server.key"):
            shutil.copy(certs / name, data / name)
            (data / name).chmod(0o600)
            give_to_postgres(data / name)
        Database(admin_url).psql(f"ALTER USER vigil PASSWORD '{PASSWORD}'")
        with open(data / "postgresql.conf", "a") as conf:
            conf.write("ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\npassword_encryption = 'scram-sha-256'\n")
        (data / "pg_hba.conf").write_text(
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
            "hostssl all all ::1/128 scram-sha-256\n"
        )
        give_to_postgres(data / "pg_hba.conf")
        cluster("restart", directory)
        port = urllib.parse.urlsplit(admin_url).port
        yield {"port": port, "ca": ca, "other_ca": other_ca}
    finally:
        cluster("stop", directory)
        subprocess.run(["rm", "-rf", str(directory)], check=False)


def url(cluster: dict, host: str = "localhost", database: str = "tls", **parameters) -> str:
    query = urllib.parse.urlencode(parameters)
    return f"postgres://vigil:{PASSWORD}@{host}:{cluster['port']}/{database}" + (f"?{query}" if query else "")


@pytest.fixture(scope="module")
def database(tls_cluster):
    """This module's database, reached over verified TLS (psql reads the same URL)."""
    Database(url(tls_cluster, database="postgres", sslmode="verify-full", sslrootcert=str(tls_cluster["ca"]))).psql('CREATE DATABASE "tls"')
    return Database(url(tls_cluster, sslmode="verify-full", sslrootcert=str(tls_cluster["ca"])))


def test_serve_over_verify_full(tls_cluster, database, cli, start_vigil):
    key = cli.create_key("tls-app", "ingest")
    server = start_vigil()
    trace_id = new_trace_id()
    body = to_protobuf("traces", traces_body([span("chat", trace_id=trace_id, span_id=new_span_id())], service="tls"))
    response = requests.post(server.url + "/v1/traces", data=body, headers={"Authorization": f"Bearer {key}", "Content-Type": PROTOBUF}, timeout=10)
    assert response.status_code == 200, response.text
    wait_until(lambda: database.count(f"body->>'trace_id' = '{trace_id}'") == 1, 20, "the span to be stored")
    assert requests.get(server.url + "/readyz", timeout=5).status_code == 200
    # Every connection to this database but psql's own is Vigil's, and every one is encrypted
    # (pg_hba.conf allows no other kind; this says Vigil did not merely fail over to one).
    rows = database.rows("""SELECT s.ssl, s.version FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
                            WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()""")
    assert rows and all(row["ssl"] for row in rows), rows
    stdout, stderr = server.stdout_path.read_text(errors="replace"), server.stderr_path.read_text(errors="replace")
    assert PASSWORD not in stdout and PASSWORD not in stderr
    assert "sslmode=verify-full" in stdout, "the banner names the TLS mode"


@pytest.mark.parametrize("host,parameters,expected", [
    ("127.0.0.1", {"sslmode": "verify-full", "sslrootcert": "ca"}, "refused"),
    ("localhost", {"sslmode": "verify-full", "sslrootcert": "other_ca"}, "refused"),
    ("localhost", {"sslmode": "disable"}, "refused"),
    ("127.0.0.1", {"sslmode": "verify-ca", "sslrootcert": "ca"}, "accepted"),
    ("localhost", {"sslmode": "require"}, "accepted"),
    ("localhost", {"sslmode": "verify_full"}, "sslmode=verify_full is not one of disable, allow, prefer, require, verify-ca, verify-full"),
    ("localhost", {"sslmode": "verify-ca", "sslrootcert": "/nonexistent/root.crt"}, "sslrootcert=/nonexistent/root.crt is not a readable file"),
], ids=["verify-full-wrong-host", "verify-full-wrong-ca", "disable", "verify-ca-by-address", "require", "unknown-mode", "missing-root-cert"])
def test_tls_modes(tls_cluster, database, cli, host, parameters, expected):
    parameters = dict(parameters)
    if parameters.get("sslrootcert") in ("ca", "other_ca"):
        parameters["sslrootcert"] = str(tls_cluster[parameters["sslrootcert"]])
    started = time.monotonic()
    result = cli.run("migrate", check=False, env={"VIGIL_DATABASE_URL": url(tls_cluster, host=host, **parameters)}, timeout=90)
    output = result.stdout + result.stderr
    assert PASSWORD not in output
    if expected == "accepted":
        assert result.returncode == 0, output
    else:
        assert result.returncode != 0, output
        if expected != "refused":
            assert expected in result.stderr, output
    assert time.monotonic() - started < 80
