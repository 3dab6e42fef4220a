"""`kill -9` of `vigil serve` while clients export in a loop: every export answered 2xx (or OK
over OTLP/gRPC) is in the log after a restart on the same database, and stored once. The same
holds for a graceful stop (SIGTERM), which also exits 0. Both transports: OTLP/HTTP and
OTLP/gRPC."""

import signal
import threading
import time

import grpc
import pytest
import requests

from vigil_e2e import PROTOBUF, span, sql_literal, to_protobuf, traces_body, wait_until

CLIENTS = 3
SPANS_PER_EXPORT = 10
ACKS_BEFORE_KILL = 300


@pytest.fixture(scope="module")
def key(cli):
    return cli.create_key("crash", "ingest")


class ExportLoop(threading.Thread):
    """Sends distinct spans over and over; remembers which exports were answered 2xx."""

    def __init__(self, number: int, url: str, key: str, service: str, stop: threading.Event, deadline: float,
                 grpc_url: str | None = None):
        super().__init__(name=f"export-loop-{number}", daemon=True)
        self.grpc_url = grpc_url
        self.service = service
        self.number = number
        self.url = url
        self.key = key
        self.stop_event = stop
        self.deadline = deadline
        self.acked: list[tuple[bytes, list[tuple[str, str]]]] = []
        self.failures: list[str] = []
        self.attempts = 0

    def sender(self):
        """A function that sends one export and returns None when it was acknowledged, else why not."""
        if self.grpc_url:
            channel = grpc.insecure_channel(self.grpc_url.removeprefix("http://"))
            export = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export")
            metadata = (("authorization", f"Bearer {self.key}"),)

            def send(data):
                try:
                    export(data, metadata=metadata, timeout=5)
                except grpc.RpcError as error:
                    return error.code().name
                return None

            return send
        session = requests.Session()
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": PROTOBUF}

        def send(data):
            try:
                response = session.post(self.url + "/v1/traces", data=data, headers=headers, timeout=5)
            except requests.RequestException as error:
                return type(error).__name__
            return None if 200 <= response.status_code < 300 else str(response.status_code)

        return send

    def run(self):
        send = self.sender()
        consecutive_failures = 0
        while not self.stop_event.is_set() and time.monotonic() < self.deadline and self.attempts < 5000:
            self.attempts += 1
            spans = [span(f"loop {self.number} export {self.attempts} span {i}", attrs={"client": self.number})
                     for i in range(SPANS_PER_EXPORT)]
            data = to_protobuf("traces", traces_body(spans, service=self.service))
            failure = send(data)
            if failure is None:
                self.acked.append((data, [(s["traceId"], s["spanId"]) for s in spans]))
                consecutive_failures = 0
            else:
                self.failures.append(failure)
                consecutive_failures += 1
            if consecutive_failures >= 3:
                return
            if consecutive_failures:
                time.sleep(0.05)


@pytest.mark.parametrize("transport", ["http", "grpc"])
@pytest.mark.parametrize("stop_signal", [signal.SIGKILL, signal.SIGTERM], ids=["kill-9", "SIGTERM"])
def test_stop_mid_loop_loses_no_acknowledged_export(start_vigil, key, database, stop_signal, transport):
    server = start_vigil(name=f"crash-{stop_signal.name}-{transport}")
    service = f"e2e-crash-{stop_signal.name}-{transport}"
    stop = threading.Event()
    loops = [ExportLoop(n, server.url, key, service, stop, deadline=time.monotonic() + 60,
                        grpc_url=server.grpc_url if transport == "grpc" else None) for n in range(CLIENTS)]
    for loop in loops:
        loop.start()
    try:
        wait_until(lambda: sum(len(loop.acked) for loop in loops) >= ACKS_BEFORE_KILL or not any(l.is_alive() for l in loops),
                   30, f"{ACKS_BEFORE_KILL} acknowledged exports", interval=0.01)
        assert sum(len(loop.acked) for loop in loops) >= ACKS_BEFORE_KILL, \
            f"the clients stopped early: {[loop.failures for loop in loops]}\n{server.logs()}"
        pid = server.process.pid
        server.process.send_signal(stop_signal)  # while the clients keep sending
        server.process.wait(timeout=20)
        assert server.process.returncode == (-signal.SIGKILL if stop_signal == signal.SIGKILL else 0), server.logs()
        server.kill()  # forget the dead process
        for loop in loops:
            loop.join(timeout=30)
    finally:
        stop.set()
        for loop in loops:
            loop.join(timeout=10)
    assert not any(loop.is_alive() for loop in loops)
    # The kill happened mid-loop: every client saw its exports fail afterwards.
    assert all(loop.failures for loop in loops), [loop.failures for loop in loops]

    acked = {ids for loop in loops for _, batch in loop.acked for ids in batch}
    assert len(acked) >= ACKS_BEFORE_KILL * SPANS_PER_EXPORT

    server.start()
    assert server.process.pid != pid
    assert server.request("GET", "/readyz").status_code == 200

    rows = database.rows(f"SELECT body->>'trace_id' AS t, body->>'span_id' AS s, count(*) AS n FROM events "
                         f"WHERE kind = 'span' AND body->>'service' = {sql_literal(service)} GROUP BY 1, 2")
    stored = {(row["t"], row["s"]): row["n"] for row in rows}
    missing = acked - stored.keys()
    assert not missing, (f"{len(missing)} of {len(acked)} acknowledged spans are missing after {stop_signal.name}, "
                         f"e.g. {sorted(missing)[:3]}")
    duplicated = {ids: n for ids, n in stored.items() if n != 1}
    assert not duplicated, f"spans stored more than once: {list(duplicated.items())[:3]}"

    # A client retrying an export that was acknowledged before the crash adds nothing.
    before = database.count("kind = 'span'")
    data, _ = loops[0].acked[-1]
    response = server.export("traces", data, key)
    assert response.status_code == 200, response.content
    assert database.count("kind = 'span'") == before

    # And the restarted server takes new exports.
    fresh = span("after the restart")
    assert server.export("traces", to_protobuf("traces", traces_body([fresh], service=service)), key).status_code == 200
    assert database.count(f"kind = 'span' AND body->>'span_id' = {sql_literal(fresh['spanId'])}") == 1
