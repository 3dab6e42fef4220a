"""A webhook receiver for the alerting tests: a real HTTP server in its own process that records
every request it gets and answers as told.

Each request is one JSON line in `--log`, written (and flushed) as soon as the request has been
read, before it is answered:

    {"seq": 1, "received_at": <unix seconds>, "method": "POST", "path": "/hook",
     "headers": [[name, value], ...], "body_b64": "...", "answer": 503, "hang": 0}

and, once the answer is written (or could not be), a second line
`{"answered": 1, "status": 503, "ok": true, "at": <unix seconds>}`.

Answers: the statuses in `--answers` (comma-separated) go to the first requests in turn, then
`--default-status` to every later one; `--retry-after` adds that `Retry-After` header to every
answer that is not 2xx. `--hang-first N --hang-seconds S` holds each of the first N requests S
seconds before answering; `--delay S` holds every request S seconds.

Listens on 127.0.0.1:`--port` (0 picks a free one) and writes the port to `--ready-file` once it
accepts connections. Stops on SIGTERM or SIGINT. Standard library only.
"""

import argparse
import base64
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    def __init__(self, path, answers, default_status, retry_after, hang_first, hang_seconds, delay):
        self.file = open(path, "a", encoding="utf-8")
        self.lock = threading.Lock()
        self.count = 0
        self.answers = answers
        self.default_status = default_status
        self.retry_after = retry_after
        self.hang_first = hang_first
        self.hang_seconds = hang_seconds
        self.delay = delay

    def write(self, record):
        line = json.dumps(record, sort_keys=True)
        with self.lock:
            self.file.write(line + "\n")
            self.file.flush()
            os.fsync(self.file.fileno())

    def admit(self, method, path, headers, body):
        """Numbers the request, records it, and returns (seq, status, hold seconds)."""
        with self.lock:
            self.count += 1
            seq = self.count
        status = self.answers[seq - 1] if seq <= len(self.answers) else self.default_status
        hold = (self.hang_seconds if seq <= self.hang_first else 0.0) + self.delay
        self.write({
            "seq": seq, "received_at": time.time(), "method": method, "path": path,
            "headers": [[name, value] for name, value in headers.items()],
            "body_b64": base64.b64encode(body).decode("ascii"), "answer": status, "hang": hold,
        })
        return seq, status, hold


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "vigil-e2e-webhook-receiver"

    def log_message(self, format, *args):  # keep stderr quiet; the JSON lines say it all
        pass

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        recorder = self.server.recorder
        body = self.read_body()
        seq, status, hold = recorder.admit(self.command, self.path, self.headers, body)
        if hold:
            time.sleep(hold)
        reply = json.dumps({"seq": seq, "status": status}).encode()
        ok = True
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            if recorder.retry_after is not None and not 200 <= status < 300:
                self.send_header("Retry-After", recorder.retry_after)
            self.end_headers()
            self.wfile.write(reply)
            self.wfile.flush()
        except OSError:
            ok = False
            self.close_connection = True
        recorder.write({"answered": seq, "status": status, "ok": ok, "at": time.time()})

    do_POST = handle_any
    do_PUT = handle_any
    do_GET = handle_any


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", required=True)
    parser.add_argument("--ready-file", required=True)
    parser.add_argument("--answers", default="", help="statuses for the first requests, comma-separated")
    parser.add_argument("--default-status", type=int, default=200)
    parser.add_argument("--retry-after", default=None)
    parser.add_argument("--hang-first", type=int, default=0)
    parser.add_argument("--hang-seconds", type=float, default=0.0)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()

    answers = [int(item) for item in args.answers.split(",") if item.strip()]
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.recorder = Recorder(args.log, answers, args.default_status, args.retry_after,
                               args.hang_first, args.hang_seconds, args.delay)

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    temporary = args.ready_file + ".tmp"
    with open(temporary, "w") as ready:
        ready.write(str(server.server_address[1]))
    os.replace(temporary, args.ready_file)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
