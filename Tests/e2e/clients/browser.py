"""A small Chrome DevTools Protocol driver on the Python standard library only: starts Debian's
headless Chromium, speaks CDP over a minimal RFC 6455 websocket client (client-masked text
frames, fragmented and large messages, ping/pong, close), and offers what the web view's test
needs: navigate, evaluate, key presses, cookies, screenshots, and the console errors and
uncaught exceptions a page raised.

    with Browser.launch() as browser:
        page = browser.new_page(width=1280, height=900)
        response = page.navigate("http://127.0.0.1:4318/ui/login")
        assert response["status"] == 200 and not page.errors
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import shutil
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

CHROMIUM = os.environ.get("VIGIL_E2E_CHROMIUM", "/usr/bin/chromium")
WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class WebSocketError(Exception):
    """The websocket connection failed or was closed."""


class WebSocket:
    """A client websocket (RFC 6455) over a plain TCP socket: text messages only, as CDP uses."""

    def __init__(self, url: str, timeout: float = 30):
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "ws":
            raise WebSocketError(f"only ws:// URLs are supported, not {url}")
        self.sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout)
        self.buffer = bytearray()
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        # No Origin header: Chromium refuses websocket clients that send one it does not allow.
        request = (f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nUpgrade: websocket\r\n"
                   f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(request.encode())
        head = self._read_until(b"\r\n\r\n").decode("latin-1")
        status_line, *header_lines = head.split("\r\n")
        if " 101 " not in status_line + " ":
            raise WebSocketError(f"websocket upgrade refused: {status_line}")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = base64.b64encode(hashlib.sha1((key + WEBSOCKET_GUID).encode()).digest()).decode()
        if headers.get("sec-websocket-accept") != expected:
            raise WebSocketError("the server's Sec-WebSocket-Accept does not match the key sent")

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise WebSocketError("connection closed during the handshake")
            self.buffer += chunk
        head, _, rest = bytes(self.buffer).partition(marker)
        self.buffer = bytearray(rest)
        return head

    def _frame(self):
        """The first whole frame in the buffer as (final, opcode, payload), or None."""
        buffer = self.buffer
        if len(buffer) < 2:
            return None
        first, second = buffer[0], buffer[1]
        length, offset = second & 0x7F, 2
        if length == 126:
            if len(buffer) < 4:
                return None
            length, offset = struct.unpack("!H", buffer[2:4])[0], 4
        elif length == 127:
            if len(buffer) < 10:
                return None
            length, offset = struct.unpack("!Q", buffer[2:10])[0], 10
        mask = b""
        if second & 0x80:
            if len(buffer) < offset + 4:
                return None
            mask, offset = bytes(buffer[offset:offset + 4]), offset + 4
        if len(buffer) < offset + length:
            return None
        payload = bytes(buffer[offset:offset + length])
        del buffer[:offset + length]
        if mask:
            payload = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        return bool(first & 0x80), first & 0x0F, payload

    def _send_frame(self, opcode: int, payload: bytes) -> None:
        header = bytes([0x80 | opcode])
        length = len(payload)
        if length < 126:
            header += bytes([0x80 | length])
        elif length < 1 << 16:
            header += bytes([0x80 | 126]) + struct.pack("!H", length)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", length)
        mask = secrets.token_bytes(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.sock.sendall(header + mask + masked)

    def send_text(self, text: str) -> None:
        self._send_frame(0x1, text.encode())

    def receive_text(self, timeout: float | None = None) -> str:
        """The next whole text message (continuation frames joined); answers pings on the way.
        Raises socket.timeout when no whole message arrives within `timeout` seconds; a partly
        received one stays buffered for the next call."""
        deadline = None if timeout is None else time.monotonic() + timeout
        message = b""
        while True:
            frame = self._frame()
            if frame is None:
                if deadline is not None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise socket.timeout("no websocket message in time")
                    self.sock.settimeout(remaining)
                else:
                    self.sock.settimeout(None)
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    raise WebSocketError("connection closed")
                self.buffer += chunk
                continue
            final, opcode, payload = frame
            if opcode == 0x9:  # ping
                self._send_frame(0xA, payload)
                continue
            if opcode == 0xA:  # pong
                continue
            if opcode == 0x8:  # close
                raise WebSocketError(f"the server closed the connection: {payload[2:].decode(errors='replace')}")
            if opcode in (0x1, 0x0):
                message += payload
                if final:
                    return message.decode()
                continue
            raise WebSocketError(f"unexpected websocket opcode {opcode}")

    def close(self) -> None:
        try:
            self._send_frame(0x8, struct.pack("!H", 1000))
        except OSError:
            pass
        self.sock.close()


class CDPError(Exception):
    """A DevTools command failed."""


class Browser:
    """A headless Chromium and one CDP connection to it (sessions per page, flattened)."""

    def __init__(self, process: subprocess.Popen, profile: Path, socket_: WebSocket):
        self.process = process
        self.profile = profile
        self.ws = socket_
        self.next_id = 0
        self.events: list[dict] = []

    @classmethod
    def launch(cls, binary: str = CHROMIUM, timeout: float = 30) -> "Browser":
        profile = Path(tempfile.mkdtemp(prefix="vigil-chromium-"))
        process = subprocess.Popen(
            [binary, "--headless=new", "--remote-debugging-port=0", f"--user-data-dir={profile}", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--disable-background-networking", "--disable-sync", "--disable-component-update",
             "--disable-features=Translate,MediaRouter,OptimizationHints", "--metrics-recording-only",
             "--mute-audio", "--hide-scrollbars", "--window-size=1280,900", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"chromium exited {process.returncode}: {process.stderr.read().decode(errors='replace')[-2000:]}")
            lines = port_file.read_text().splitlines() if port_file.exists() else []
            if len(lines) >= 2:
                break
            if time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("chromium did not write DevToolsActivePort in time")
            time.sleep(0.05)
        port, path = int(lines[0]), lines[1]
        return cls(process, profile, WebSocket(f"ws://127.0.0.1:{port}{path}"))

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        self.ws.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        """Runs a CDP command and returns its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send_text(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CDPError(f"{method} got no answer within {timeout} s")
            reply = json.loads(self.ws.receive_text(timeout=remaining))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise CDPError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def pump(self, seconds: float) -> None:
        """Collects the events that arrive within `seconds`."""
        deadline = time.monotonic() + seconds
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                self.events.append(json.loads(self.ws.receive_text(timeout=remaining)))
            except (socket.timeout, TimeoutError):
                return

    def wait_for_event(self, predicate, timeout: float, what: str) -> dict:
        """The first kept or arriving event for which `predicate` holds; it is consumed."""
        deadline = time.monotonic() + timeout
        while True:
            for index, event in enumerate(self.events):
                if predicate(event):
                    return self.events.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CDPError(f"timed out after {timeout} s waiting for {what}")
            try:
                self.events.append(json.loads(self.ws.receive_text(timeout=remaining)))
            except (socket.timeout, TimeoutError):
                pass

    def new_page(self, width: int = 1280, height: int = 900) -> "Page":
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            page.send(f"{domain}.enable")
        page.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        return page


class Page:
    """One tab: navigation, script evaluation, keyboard, cookies, screenshots, and its errors."""

    def __init__(self, browser: Browser, session: str):
        self.browser = browser
        self.session = session
        self.errors: list[str] = []
        self.documents: list[dict] = []

    def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        result = self.browser.send(method, params, session=self.session, timeout=timeout)
        self._collect()
        return result

    def _collect(self) -> None:
        """Moves this page's console errors, exceptions and document responses out of the queue."""
        kept = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                kept.append(event)
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                args = " ".join(str(arg.get("value", arg.get("description", ""))) for arg in params.get("args", []))
                self.errors.append(f"console.error: {args}")
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                self.errors.append(f"exception: {details.get('text')} {details.get('exception', {}).get('description', '')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                self.errors.append(f"log {entry.get('source')}: {entry.get('text')} {entry.get('url', '')}")
            elif method == "Network.responseReceived" and params.get("type") == "Document":
                self.documents.append(params["response"])
            else:
                kept.append(event)
        self.browser.events = kept

    def _wait_loaded(self, timeout: float) -> None:
        self.browser.wait_for_event(
            lambda e: e.get("sessionId") == self.session and e.get("method") == "Page.loadEventFired", timeout, "the page's load event")
        # Late console messages (after load) arrive within a moment.
        self.browser.pump(0.2)
        self._collect()

    def navigate(self, url: str, timeout: float = 30) -> dict:
        """Loads `url` and returns the HTTP response of the document finally shown (after redirects)."""
        self.documents.clear()
        result = self.send("Page.navigate", {"url": url})
        if result.get("errorText"):
            raise CDPError(f"navigating to {url}: {result['errorText']}")
        self._wait_loaded(timeout)
        return self.documents[-1] if self.documents else {}

    def navigation(self, action, timeout: float = 30) -> dict:
        """Runs `action` (a form submission, a click) and waits for the page it leads to."""
        self.documents.clear()
        action()
        self._wait_loaded(timeout)
        return self.documents[-1] if self.documents else {}

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page (JSON-serialisable results)."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise CDPError(f"evaluating {expression!r}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def press(self, key: str, code: str, key_code: int, text: str = "", modifiers: int = 0) -> None:
        """A key press (down, up) as the user's keyboard would send it."""
        down = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": key_code,
                "nativeVirtualKeyCode": key_code, "modifiers": modifiers}
        if text:
            down["text"] = text
        self.send("Input.dispatchKeyEvent", down)
        self.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": key_code,
                                              "nativeVirtualKeyCode": key_code, "modifiers": modifiers})

    def tab(self) -> None:
        self.press("Tab", "Tab", 9)

    def enter(self) -> None:
        self.press("Enter", "Enter", 13, text="\r")

    def type_text(self, text: str) -> None:
        self.send("Input.insertText", {"text": text})

    def cookies(self, url: str) -> list[dict]:
        return self.send("Network.getCookies", {"urls": [url]})["cookies"]

    def screenshot(self, path: Path) -> bytes:
        """A PNG of the whole page (beyond the viewport), written to `path`."""
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width, height = int(size["width"]), int(size["height"])
        result = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        }, timeout=60)
        data = base64.b64decode(result["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data
