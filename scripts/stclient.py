"""A client of a Streamlit app that speaks the app's own protocol over its WebSocket.

It does on the wire what a browser tab does, without drawing anything: it opens
``/_stcore/stream``, asks for a run of the script with the page's query string, sends
widget values as reruns, and reads the server's messages until the run's
``script_finished``. Like the browser's widget manager it keeps the value of every
slider, checkbox and toggle: the value the server sets (``set_value``) or, for a widget
first seen, its default; and it sends all of them with each rerun. Like the app's map in
a browser, which reports its view once it is drawn, it sends a view for the map after the
page's first run, which brings the rest of the page (app.py sends the map alone first),
and with every run after. Like the browser it
remembers large messages by hash and tells the server so, which then sends a reference
instead of the message.

When the connection drops it reconnects as the browser does: after a short random pause
it asks ``/_stcore/health`` until that answers, opens a new WebSocket naming the last
session id, and reruns with the same query string and widget values.

The message types come from the ``streamlit`` package (``streamlit.proto``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import user_key_from_element_id
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

STREAM_PATH = "/_stcore/stream"
HEALTH_PATH = "/_stcore/health"
SUBPROTOCOL = "streamlit"
UPSTREAM_HEADER = "X-Upstream-Addr"
NO_TOKEN = "PLACEHOLDER_AUTH_TOKEN"  # what the browser sends when it holds no XSRF cookie
RUN_TIMEOUT_S = 120.0
# The browser's pause after a lost connection, before it checks health again: a random
# time between half a ceiling and the ceiling, which is 0.5 s at first and doubles up to
# 4 s (0.25-0.5 s, 0.5-1 s, 1-2 s, then 2-4 s each time).
RETRY_FIRST_S, RETRY_MAX_S = 0.5, 4.0
# Then it asks for health until it answers: again after 0.1 s, then 0.2 s, 0.4 s … up to
# 4 s, each but the first 70-100 % of that; one request may take 15 s.
PING_FIRST_S, PING_MAX_S, PING_TIMEOUT_S = 0.1, 4.0, 15.0
FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "ok"}
WIDGETS = ("slider", "checkbox")  # the kinds whose values this client keeps and sends
MAP_COMPONENT = "streamlit_folium.st_folium"


class DisconnectedError(Exception):
    """The WebSocket closed, or could not be opened."""


@dataclass
class Run:
    """What one run of the script sent back."""

    seconds: float  # from sending the request to its script_finished
    status: str  # "ok" or "compile error"
    set_values: dict[str, Any] = field(default_factory=dict)  # widget key → value the server set
    query: str | None = None  # the query string the app wrote, if it changed it
    exceptions: list[str] = field(default_factory=list)  # st.exception elements and errors
    messages: int = 0
    bytes: int = 0


def retry_pause(attempt: int) -> float:
    """Seconds before the ``attempt``-th health check (1, 2, …), as the browser waits."""
    longest = min(RETRY_MAX_S, RETRY_FIRST_S * 2 ** (attempt - 1))
    return random.uniform(RETRY_FIRST_S / 2 if attempt == 1 else longest / 2, longest)


def ping_pause(failed: int) -> float:
    """Seconds before asking for health again after ``failed`` (1, 2, …) unanswered asks."""
    longest = min(PING_MAX_S, PING_FIRST_S * 2 ** (failed - 1))
    return longest if failed == 1 else longest * random.uniform(0.7, 1.0)


def _value(kind: str, element: Any, current: bool) -> Any:
    """A widget's value from its element: the set value, else its default."""
    if kind == "slider":
        values = list(element.value if current else element.default)
        return values[0] if len(values) == 1 else values
    return bool(element.value if current else element.default)


def _state(widget_id: str, kind: str, value: Any) -> WidgetState:
    state = WidgetState(id=widget_id)
    if kind == "slider":
        state.double_array_value.data.extend(
            [float(v) for v in (value if isinstance(value, list) else [value])])
    else:
        state.bool_value = bool(value)
    return state


def map_report(default: dict[str, Any]) -> dict[str, Any]:
    """What the app's map reports once drawn: the view of its opening bounds (their
    middle; a point in the corridor when it has none) at its opening zoom."""
    bounds = default.get("bounds") or {}
    south_west, north_east = bounds.get("_southWest") or {}, bounds.get("_northEast") or {}
    try:
        center = {"lat": (south_west["lat"] + north_east["lat"]) / 2,
                  "lng": (south_west["lng"] + north_east["lng"]) / 2}
    except (KeyError, TypeError):
        center = {"lat": 41.0, "lng": 38.0}
    return {**default, "center": center, "zoom": default.get("zoom") or 5}


def merged(first: Run, then: Run) -> Run:
    """Two runs that together draw a page, as one."""
    return Run(first.seconds + then.seconds, then.status,
               {**first.set_values, **then.set_values}, then.query or first.query,
               first.exceptions + then.exceptions, first.messages + then.messages,
               first.bytes + then.bytes)


class Session:
    """One browser tab's worth of a session with the app at ``base_url``."""

    def __init__(self, base_url: str, query: str = "", *, local_host: str | None = None,
                 run_timeout: float = RUN_TIMEOUT_S) -> None:
        self.base_url = base_url.rstrip("/")  # where it connects (a proxy may switch it)
        self.query = query.lstrip("?")  # the address bar's query string
        self.local_host = local_host  # the source address to connect from
        self.run_timeout = run_timeout
        self.session_id: str | None = None
        self.ids: dict[str, str] = {}  # widget key → element id
        self.kinds: dict[str, str] = {}  # widget key → "slider" | "checkbox"
        self.values: dict[str, Any] = {}  # widget key → the value the page shows
        self.map_id: str | None = None  # the map's element id, once the page has it
        self.map_default: dict[str, Any] = {}  # what the map returns before it is drawn
        self.map_view: dict[str, Any] | None = None  # what it reported, once drawn
        self._cache: dict[str, ForwardMsg] = {}  # large messages, by hash
        self._ws: ClientConnection | None = None
        self.connects = 0
        self.upstream: str | None = None
        self.reconnect_steps: dict[str, float] = {}  # the last reconnect's times

    # --- the connection -----------------------------------------------------------------

    @property
    def ws_url(self) -> str:
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}{STREAM_PATH}"

    @property
    def connected(self) -> bool:
        return self._ws is not None and self._ws.close_code is None

    async def connect(self) -> None:
        """Open the WebSocket, naming the last session id as the browser does."""
        protocols = [SUBPROTOCOL, NO_TOKEN, *([self.session_id] if self.session_id else [])]
        kwargs: dict[str, Any] = {}
        if self.local_host:
            kwargs["local_addr"] = (self.local_host, 0)
        try:
            self._ws = await connect(self.ws_url, subprotocols=protocols,  # type: ignore[arg-type]
                                     max_size=None, max_queue=None, ping_interval=None,
                                     open_timeout=self.run_timeout, proxy=None, **kwargs)
        except (OSError, InvalidHandshake, InvalidStatus, TimeoutError) as err:
            raise DisconnectedError(f"cannot open {self.ws_url}: {type(err).__name__}: {err}") \
                from err
        self.connects += 1
        # the replica that answered, where a proxy says so (scripts/nginx-replicas.conf)
        self.upstream = self._ws.response.headers.get(UPSTREAM_HEADER) \
            if self._ws.response else None

    async def wait_closed(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds; True if the connection closed meanwhile."""
        if self._ws is None:
            return True
        try:
            await asyncio.wait_for(asyncio.shield(self._ws.wait_closed()), timeout)
        except TimeoutError:
            return False
        return True

    async def healthy(self, timeout: float = PING_TIMEOUT_S) -> bool:
        """True when ``/_stcore/health`` answers 200, asked from this session's address."""
        parts = urlsplit(self.base_url)
        host = parts.hostname or "127.0.0.1"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        local = (self.local_host, 0) if self.local_host else None
        request = (f"GET {parts.path.rstrip('/')}{HEALTH_PATH} HTTP/1.1\r\n"
                   f"Host: {parts.netloc}\r\nConnection: close\r\n\r\n").encode()
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host, port, local_addr=local, ssl=parts.scheme == "https" or None)
                try:
                    writer.write(request)
                    await writer.drain()
                    status = await reader.readline()
                finally:
                    writer.close()
                    with contextlib.suppress(OSError):
                        await writer.wait_closed()
        except (OSError, TimeoutError):
            return False
        return status.split()[1:2] == [b"200"]

    async def reconnect(self, deadline: float) -> int:
        """Reconnect like the browser: a pause, health checks until one answers, then a
        new WebSocket; the pause grows with each failed WebSocket.

        Returns the number of attempts (WebSockets tried); raises
        :class:`DisconnectedError` past ``deadline`` (a ``time.monotonic()`` value).
        :attr:`reconnect_steps` tells where the time went: pauses, health checks (and how
        many), opening WebSockets.
        """
        await self.close()
        steps = self.reconnect_steps = {"pause_s": 0.0, "health_s": 0.0, "checks": 0,
                                        "websocket_s": 0.0}
        attempt = 0
        while True:
            attempt += 1
            pause = retry_pause(attempt)
            await asyncio.sleep(pause)
            steps["pause_s"] += pause
            failed = 0
            while True:
                start = time.monotonic()
                ok = await self.healthy()
                steps["health_s"] += time.monotonic() - start
                steps["checks"] += 1
                if ok:
                    break
                failed += 1
                if time.monotonic() > deadline:
                    raise DisconnectedError(f"{self.base_url} not healthy after {failed} "
                                            "checks")
                pause = ping_pause(failed)
                await asyncio.sleep(pause)
                steps["pause_s"] += pause
            start = time.monotonic()
            try:
                await self.connect()
                return attempt
            except DisconnectedError:
                if time.monotonic() > deadline:
                    raise
            finally:
                steps["websocket_s"] += time.monotonic() - start

    def forget(self) -> None:
        """Start over as a newly loaded page: no session id, widget values or cache."""
        self.session_id = None
        self.values.clear()
        self._cache.clear()
        self.map_id, self.map_default, self.map_view = None, {}, None

    async def close(self) -> None:
        if self._ws is not None:
            ws, self._ws = self._ws, None
            await ws.close()

    # --- runs ---------------------------------------------------------------------------

    async def open(self) -> Run:
        """Connect and run the script for the page, as a browser tab does when it opens:
        the first run sends the map; the map, once drawn, reports its view, and that run
        sends the rest of the page. Both runs, as one."""
        await self.connect()
        first = await self.rerun()
        if self.map_id is None or self.map_view is not None:
            return first
        self.map_view = map_report(self.map_default)
        return merged(first, await self.rerun())

    async def set(self, **values: Any) -> Run:
        """Change widgets (by key) as a user would, and wait for the rerun they cause."""
        unknown = set(values) - set(self.ids)
        if unknown:
            raise KeyError(f"no widget with key(s) {sorted(unknown)} on the page")
        self.values.update(values)
        return await self.rerun()

    async def rerun(self) -> Run:
        """Ask for a run with the page's query string and widget values; read it back."""
        if self._ws is None:
            raise DisconnectedError("not connected")
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = ""
        state.widget_states.widgets.extend(
            _state(self.ids[k], self.kinds[k], v) for k, v in self.values.items())
        if self.map_id is not None and self.map_view is not None:
            state.widget_states.widgets.append(
                WidgetState(id=self.map_id, json_value=json.dumps(self.map_view)))
        state.cached_message_hashes.extend(self._cache)
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/" + (f"?{self.query}" if self.query else "")
        start = time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            return await asyncio.wait_for(self._read_run(start), self.run_timeout)
        except ConnectionClosed as err:
            raise DisconnectedError(f"connection closed during a run: {err}") from err

    async def _read_run(self, start: float) -> Run:
        assert self._ws is not None
        run = Run(0.0, "")
        while True:
            raw = await self._ws.recv(decode=False)
            run.messages += 1
            run.bytes += len(raw)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(fwd.ref_hash)
                if cached is None:
                    run.exceptions.append(f"unknown ref_hash {fwd.ref_hash}")
                    continue
                fwd, kind = cached, cached.WhichOneof("type")
            elif fwd.metadata.cacheable:
                self._cache[fwd.hash] = fwd
            if kind == "new_session":
                self.session_id = fwd.new_session.initialize.session_id or self.session_id
            elif kind == "delta":
                self._read_delta(fwd, run)
            elif kind == "page_info_changed":
                self.query = run.query = fwd.page_info_changed.query_string
            elif kind == "session_event" and fwd.session_event.HasField(
                    "script_compilation_exception"):
                run.exceptions.append(fwd.session_event.script_compilation_exception.message)
            elif kind == "script_finished" and fwd.script_finished in FINISHED:
                run.status = FINISHED[fwd.script_finished]
                run.seconds = time.perf_counter() - start
                return run

    def _read_delta(self, fwd: ForwardMsg, run: Run) -> None:
        if fwd.delta.WhichOneof("type") != "new_element":
            return
        element = fwd.delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
            return
        if kind == "component_instance" and element.component_instance.component_name \
                == MAP_COMPONENT:
            self.map_id = element.component_instance.id
            self.map_default = json.loads(element.component_instance.json_args or "{}").get(
                "default") or {}
            return
        if kind not in WIDGETS:
            return
        widget = getattr(element, kind)
        key = user_key_from_element_id(widget.id)
        if key is None:
            return
        self.ids[key], self.kinds[key] = widget.id, kind
        if widget.set_value:
            self.values[key] = run.set_values[key] = _value(kind, widget, True)
        elif key not in self.values:
            self.values[key] = _value(kind, widget, False)
