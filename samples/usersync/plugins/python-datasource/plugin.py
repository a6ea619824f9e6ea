"""custom-python-directory: a usersync.datasource/v1 plugin in Python.

Reads departments and users from a JSON file (config dataFile) and serves them as usersync.v1.DataSource
over gRPC; plugboard_plugin.py does the Plugboard side (handshake, health, lifecycle, logs, stopping).
"""

import json
import os
import sys
import threading

import plugboard_plugin as plugboard  # first: refuses to run unless a Plugboard host started the process
from plugboard_plugin import PluginError, grpc, log
from usersync.v1 import datasource_pb2, datasource_pb2_grpc

DEFAULTS = {"dataFile": "data/directory.json", "departmentPrefix": "", "includeInactive": False}


class Directory:
    """The installation's settings, and the JSON file they point at. Init replaces the settings whole."""

    def __init__(self):
        self._lock = threading.Lock()
        self._settings = dict(DEFAULTS)

    @property
    def settings(self):
        with self._lock:
            return self._settings

    def configure(self, configuration):
        settings = {**DEFAULTS, **configuration}
        if not isinstance(settings["dataFile"], str) or not settings["dataFile"]:
            raise PluginError("dataFile must be a non-empty path", grpc.StatusCode.INVALID_ARGUMENT)
        with self._lock:
            self._settings = settings
        return settings

    def path(self):
        return os.path.join(plugboard.PLUGIN_DIRECTORY, self.settings["dataFile"])

    def read(self):
        """The departments and users the settings select; PluginError when the file cannot be used."""
        settings, path = self.settings, self.path()
        try:
            with open(path, encoding="utf-8") as file:
                parsed = json.load(file)
            departments = [d for d in parsed.get("departments", []) if d["id"].startswith(settings["departmentPrefix"])]
            kept = {d["id"] for d in departments}
            users = [
                u for u in parsed.get("users", [])
                if (settings["includeInactive"] or u.get("active", True))
                and (not settings["departmentPrefix"] or u.get("departmentId") in kept)
            ]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise PluginError(
                f"cannot read {path}: {error}; set dataFile to a JSON file with \"departments\" and \"users\" arrays",
                grpc.StatusCode.FAILED_PRECONDITION) from error
        return departments, users


class DirectoryPlugin:
    """plugboard.v1.Plugin: Init takes the configuration, Verify reads the file without changing anything."""

    def __init__(self, directory):
        self._directory = directory

    def init(self, plugin_id, version, configuration):
        settings = self._directory.configure(configuration)
        log.info("%s %s reads %s (prefix '%s', inactive users %s)", plugin_id, version, self._directory.path(),
                 settings["departmentPrefix"], "included" if settings["includeInactive"] else "skipped")
        return {
            "capabilities": ["departments", "users"],
            "runtime": f"python {sys.version.split()[0]}, grpcio {grpc.__version__}",
            "pid": os.getpid(),
        }

    def verify(self):
        try:
            departments, users = self._directory.read()
        except PluginError as error:
            return False, str(error)
        log.info("verify: %d departments and %d users readable", len(departments), len(users))
        return True, ""


class DataSource(datasource_pb2_grpc.DataSourceServicer):
    """usersync.v1.DataSource: streams what the file holds; an unreadable file ends the call with its reason."""

    def __init__(self, directory):
        self._directory = directory

    def ListDepartments(self, request, context):
        departments, _ = self._read(context)
        for d in departments:
            if not context.is_active():  # the host cancelled the call or its deadline passed
                return
            yield datasource_pb2.Department(id=d["id"], name=d["name"], parent_id=d.get("parentId") or "")

    def ListUsers(self, request, context):
        _, users = self._read(context)
        for u in users:
            if not context.is_active():
                return
            yield datasource_pb2.User(
                id=u["id"], user_name=u["userName"], display_name=u.get("displayName", u["userName"]),
                email=u.get("email") or "", department_id=u.get("departmentId") or "")

    def TestConnection(self, request, context):
        try:
            _, users = self._directory.read()
        except PluginError as error:
            return datasource_pb2.TestConnectionResponse(ok=False, message=str(error))
        return datasource_pb2.TestConnectionResponse(
            ok=True, message=f"read {len(users)} users from {self._directory.path()} (python {sys.version.split()[0]}, pid {os.getpid()})")

    def _read(self, context):
        try:
            return self._directory.read()
        except PluginError as error:
            context.abort(error.code, str(error))


def main():
    directory = Directory()
    return plugboard.serve(
        DirectoryPlugin(directory),
        services=[lambda server: datasource_pb2_grpc.add_DataSourceServicer_to_server(DataSource(directory), server)],
        service_names=["usersync.v1.DataSource"])


if __name__ == "__main__":
    sys.exit(main())
