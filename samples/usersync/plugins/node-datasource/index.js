'use strict';
// custom-node-directory: a usersync.datasource/v1 plugin in Node.js. It reads departments and users from a JSON
// file (config `dataFile`) and serves them as usersync.v1.DataSource over gRPC; plugboard-plugin.js does the rest.
const fs = require('fs');
const path = require('path');
const { grpc, serve, log, fromStruct, toStruct } = require('./plugboard-plugin');

let settings = { dataFile: 'data/directory.json', departmentPrefix: '' };

function dataPath() {
  return path.resolve(__dirname, settings.dataFile);
}

function readDirectory() {
  const file = dataPath();
  let parsed;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw Object.assign(new Error(`cannot read ${file}: ${error.message}; set dataFile to a JSON file with "departments" and "users"`), { code: grpc.status.FAILED_PRECONDITION });
  }
  const prefix = settings.departmentPrefix || '';
  const departments = (parsed.departments || []).filter((d) => d.id.startsWith(prefix));
  const ids = new Set(departments.map((d) => d.id));
  const users = (parsed.users || []).filter((u) => prefix === '' || ids.has(u.departmentId));
  return { departments, users };
}

const plugin = {
  async init(request) {
    const configuration = fromStruct(request.configuration);
    settings = { ...settings, ...configuration };
    if (typeof settings.dataFile !== 'string' || settings.dataFile.length === 0) {
      throw Object.assign(new Error('dataFile must be a non-empty path'), { code: grpc.status.INVALID_ARGUMENT });
    }
    log('info', `${request.pluginId} ${request.version} reads ${dataPath()}`);
    return toStruct({ capabilities: ['departments', 'users'], runtime: `node ${process.version}` });
  },
  async verify() {
    try {
      const { departments, users } = readDirectory();
      log('info', `verify: ${departments.length} departments and ${users.length} users readable`);
      return { ready: true, reason: '' };
    } catch (error) {
      return { ready: false, reason: error.message };
    }
  },
};

function streamAll(call, items, map) {
  for (const item of items) {
    if (call.cancelled) return;
    call.write(map(item));
  }
  call.end();
}

serve({
  plugin,
  serviceNames: ['usersync.v1.DataSource'],
  services: (protos) => [[protos.usersync.DataSource.service, {
    listDepartments(call) {
      try {
        streamAll(call, readDirectory().departments, (d) => ({ id: d.id, name: d.name, parentId: d.parentId || '' }));
      } catch (error) {
        call.emit('error', { code: error.code ?? grpc.status.UNKNOWN, details: error.message });
      }
    },
    listUsers(call) {
      try {
        streamAll(call, readDirectory().users, (u) => ({
          id: u.id, userName: u.userName, displayName: u.displayName, email: u.email || '', departmentId: u.departmentId || '',
        }));
      } catch (error) {
        call.emit('error', { code: error.code ?? grpc.status.UNKNOWN, details: error.message });
      }
    },
    testConnection(call, callback) {
      try {
        const { users } = readDirectory();
        callback(null, { ok: true, message: `read ${users.length} users from ${dataPath()} (node ${process.version}, pid ${process.pid})` });
      } catch (error) {
        callback(null, { ok: false, message: error.message });
      }
    },
  }]],
}).catch((error) => {
  log('error', `cannot start: ${error.message}`);
  process.exit(1);
});
