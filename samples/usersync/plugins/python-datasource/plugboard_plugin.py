"""The Plugboard side of a Python process plugin (docs/protocol.md), reusable as-is.

Importing this module checks that a Plugboard host started the process (magic cookie, app protocol
version) before anything else, so that running the plugin by hand says what it is instead of failing on
a missing module. serve() then does the rest: plugboard.v1.Plugin around a plain Python object,
grpc.health.v1.Health, listening where the host asks (a unix socket in PLUGIN_UNIX_SOCKET_DIR, else the
first free loopback port in [PLUGIN_MIN_PORT, PLUGIN_MAX_PORT]), the handshake line on stdout, logs on
stderr in hclog's JSON format, and a graceful exit when stdin closes (the host is gone or stops the
plugin) or on SIGTERM.
"""

import json
import logging
import os
import random
import signal
import sys
import threading
from concurrent import futures
from datetime import datetime, timezone

COOKIE_KEY = "PLUGBOARD_PLUGIN_MAGIC_COOKIE"
COOKIE_VALUE = "8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d"
SUPPORTED_VERSIONS = (1,)
PLUGIN_DIRECTORY = os.path.dirname(os.path.abspath(__file__))
GENERATED = os.path.join(PLUGIN_DIRECTORY, "gen")
# Unix socket paths are limited to 104-108 bytes by the platforms; the protocol asks for under 100.
MAX_SOCKET_PATH = 99


def _check_host():
    """Exits with code 1 unless a Plugboard host started this process; returns the app protocol version."""
    if os.environ.get(COOKIE_KEY) != COOKIE_VALUE:
        sys.stderr.write(
            "This program is a Plugboard plugin: a Plugboard host starts it and talks to it over gRPC; "
            "it is not meant to be run by hand. Check it with 'plugboard test' on its folder.\n")
        sys.exit(1)
    offered = [v.strip() for v in os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "").split(",") if v.strip()] or ["1"]
    common = [v for v in SUPPORTED_VERSIONS if str(v) in offered]
    if not common:
        sys.stderr.write(
            f"This plugin speaks app protocol {','.join(map(str, SUPPORTED_VERSIONS))}; "
            f"the host offered {','.join(offered)}. Use a plugin version made for this host.\n")
        sys.exit(1)
    return max(common)


APP_PROTOCOL_VERSION = _check_host()

try:
    import grpc
    from google.protobuf import json_format, struct_pb2
except ImportError as missing:
    sys.stderr.write(
        f"{sys.executable} cannot import {missing.name}: install grpcio and protobuf for it "
        "(Debian/Ubuntu: apt-get install python3-grpcio python3-protobuf; elsewhere: "
        "pip install -r requirements.txt into .venv), or start the plugin with a Python that has them.\n")
    sys.exit(1)

sys.path.insert(0, GENERATED)
try:
    import health_pb2
    import health_pb2_grpc
    from plugboard.v1 import plugin_pb2, plugin_pb2_grpc
except ImportError as missing:
    sys.stderr.write(
        f"the generated gRPC stubs are missing from {GENERATED} ({missing}): run build.sh in {PLUGIN_DIRECTORY} "
        "before starting the plugin.\n")
    sys.exit(1)
except TypeError as error:
    # protobuf 4 refuses stubs made by an older protoc ("Descriptors cannot be created directly").
    sys.stderr.write(
        f"the stubs in {GENERATED} do not fit the protobuf runtime of {sys.executable} ({error}): "
        f"run build.sh again with this Python.\n")
    sys.exit(1)


class _HclogFormatter(logging.Formatter):
    """One JSON object a line, as go-plugin's hclog writes: the host logs it at its @level."""

    LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error", logging.CRITICAL: "error"}

    def format(self, record):
        line = {
            "@level": self.LEVELS.get(record.levelno, "info"),
            "@message": record.getMessage(),
            "@timestamp": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def _configure_logging():
    handler = logging.StreamHandler(sys.stderr)  # stderr is the plugin's log; stdout belongs to the handshake
    handler.setFormatter(_HclogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(os.environ.get("PLUGBOARD_PLUGIN_LOG_LEVEL", "INFO").upper())


_configure_logging()
log = logging.getLogger("plugin")


class PluginError(Exception):
    """Ends a call with a gRPC status other than OK, with a message an operator can act on."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code or grpc.StatusCode.FAILED_PRECONDITION


def to_dict(struct):
    """A google.protobuf.Struct as a plain dict (numbers are floats, as in JSON)."""
    return json_format.MessageToDict(struct) if struct is not None else {}


def to_struct(values):
    """A plain dict as a google.protobuf.Struct."""
    struct = struct_pb2.Struct()
    struct.update(values)
    return struct


class _PluginService(plugin_pb2_grpc.PluginServicer):
    """plugboard.v1.Plugin around an object with init(plugin_id, version, configuration) -> metadata dict,
    verify() -> (ready, reason) and optionally shutdown()."""

    def __init__(self, plugin):
        self._plugin = plugin

    def Init(self, request, context):
        metadata = self._call(context, self._plugin.init, request.plugin_id, request.version, to_dict(request.configuration))
        return plugin_pb2.InitResponse(metadata=to_struct(metadata or {}))

    def Verify(self, request, context):
        ready, reason = self._call(context, self._plugin.verify)
        return plugin_pb2.VerifyResponse(ready=ready, reason="" if ready else (reason or "not ready, no reason given"))

    def Shutdown(self, request, context):
        # The host closes stdin right after (then sends SIGTERM): releasing resources is all there is to do.
        log.info("Shutdown: releasing resources")
        if hasattr(self._plugin, "shutdown"):
            self._call(context, self._plugin.shutdown)
        return plugin_pb2.ShutdownResponse()

    @staticmethod
    def _call(context, method, *arguments):
        try:
            return method(*arguments)
        except PluginError as error:
            context.abort(error.code, str(error))


class _HealthService(health_pb2_grpc.HealthServicer):
    """grpc.health.v1.Health: SERVING for the server ("") and each service served, NOT_FOUND for others."""

    def __init__(self, names):
        self._statuses = {name: health_pb2.HealthCheckResponse.SERVING for name in names}
        self._changed = threading.Condition()
        self._closed = False

    def close(self):
        """Answers NOT_SERVING from now on and ends every Watch, so that no call holds up the exit."""
        with self._changed:
            for name in self._statuses:
                self._statuses[name] = health_pb2.HealthCheckResponse.NOT_SERVING
            self._closed = True
            self._changed.notify_all()

    def Check(self, request, context):
        with self._changed:
            status = self._statuses.get(request.service)
        if status is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown service '{request.service}'")
        return health_pb2.HealthCheckResponse(status=status)

    def Watch(self, request, context):
        sent = None
        while context.is_active():
            with self._changed:
                status = self._statuses.get(request.service, health_pb2.HealthCheckResponse.SERVICE_UNKNOWN)
                closed = self._closed
                if status == sent and not closed:
                    self._changed.wait(timeout=1.0)  # wakes up to notice a cancelled call
                    continue
            if status != sent:
                sent = status
                yield health_pb2.HealthCheckResponse(status=status)
            if closed:
                return


def _bind(server, address):
    try:
        port = server.add_insecure_port(address)
    except RuntimeError as error:  # grpcio >= 1.48 raises; older versions answer 0
        raise OSError(f"cannot listen on {address}: {error}") from error
    if port == 0:
        raise OSError(f"cannot listen on {address}")
    return port


def _listen(server):
    """Listens where the host asks; returns the NETWORK|ADDRESS part of the handshake line."""
    directory = os.environ.get("PLUGIN_UNIX_SOCKET_DIR")
    if directory:
        socket = os.path.join(directory, f"plugin-{os.getpid()}.sock")
        if len(socket.encode()) <= MAX_SOCKET_PATH:
            _bind(server, f"unix:{socket}")
            return f"unix|{socket}"
        log.warning("the socket path %s is over %d bytes; listening on loopback TCP instead", socket, MAX_SOCKET_PATH)
    if "PLUGIN_MIN_PORT" not in os.environ and "PLUGIN_MAX_PORT" not in os.environ:
        port = _bind(server, "127.0.0.1:0")
        return f"tcp|127.0.0.1:{port}"
    low = int(os.environ.get("PLUGIN_MIN_PORT", "10000"))
    high = int(os.environ.get("PLUGIN_MAX_PORT", "25000"))
    count = high - low + 1
    start = random.randrange(count)  # plugins started together rarely race for the same port
    for i in range(min(count, 50)):
        port = low + (start + i) % count
        try:
            _bind(server, f"127.0.0.1:{port}")
            return f"tcp|127.0.0.1:{port}"
        except OSError as error:
            log.debug("port %d is taken: %s", port, error)
    raise OSError(f"no free loopback port in {low}-{high}")


def _watch_stdin(stop):
    """Reads stdin to its end: the host keeps it open for as long as it wants the plugin to run."""
    try:
        while sys.stdin.buffer.read1(4096):
            pass
        stop("stdin closed: the host is gone or stops the plugin")
    except (OSError, ValueError) as error:
        stop(f"stdin failed ({error}): the host is gone")


def serve(plugin, services, service_names, max_workers=8):
    """Serves until the host stops the plugin; returns the process exit code.

    plugin: an object with init(plugin_id, version, configuration) -> metadata dict, verify() -> (ready, reason)
      and optionally shutdown(); raise PluginError to answer another status than OK.
    services: functions that add the contract's servicers to a grpc.Server, e.g.
      lambda server: datasource_pb2_grpc.add_DataSourceServicer_to_server(DataSource(), server).
    service_names: the full names of those services, e.g. ["usersync.v1.DataSource"], for health checks.
    """
    # grpcio sets SO_REUSEPORT by default: two plugins could then both "bind" one TCP port.
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max_workers), options=[("grpc.so_reuseport", 0)])
    plugin_pb2_grpc.add_PluginServicer_to_server(_PluginService(plugin), server)
    health = _HealthService(["", "plugboard.v1.Plugin", *service_names])
    health_pb2_grpc.add_HealthServicer_to_server(health, server)
    for add in services:
        add(server)

    try:
        where = _listen(server)
    except OSError as error:
        log.error("cannot start: %s", error)
        return 1
    server.start()
    # Serve first, then announce: the handshake line is the first thing on stdout, flushed at once.
    sys.stdout.write(f"1|{APP_PROTOCOL_VERSION}|{where}|grpc\n")
    sys.stdout.flush()
    log.info("serving on %s (python %s, grpcio %s)", where.replace("|", " "), sys.version.split()[0], grpc.__version__)

    stopped = threading.Event()
    reason = []

    def stop(why):
        if not stopped.is_set():
            reason.append(why)
            stopped.set()

    threading.Thread(target=_watch_stdin, args=(stop,), name="stdin", daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: stop("SIGTERM"))
    signal.signal(signal.SIGINT, lambda *_: stop("SIGINT"))
    while not stopped.wait(timeout=1.0):  # a timeout keeps the main thread responsive to signals
        pass

    log.info("stopping: %s", reason[0])
    health.close()
    # A short grace: the host waits about a second after closing stdin before it sends SIGTERM.
    server.stop(grace=0.5).wait()
    return 0
