'use strict';
// The Node.js plugin of docs/protocol.md ("Writing a plugin in Node.js"), kept identical to the document
// except for where the .proto files are. Tests start it through the real handshake.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const COOKIE_KEY = 'PLUGBOARD_PLUGIN_MAGIC_COOKIE';
const COOKIE_VALUE = '8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d';
if (process.env[COOKIE_KEY] !== COOKIE_VALUE) {
  console.error('This program is a Plugboard plugin; it is started by a Plugboard host, not by hand.');
  process.exit(1);
}
const offered = (process.env.PLUGIN_PROTOCOL_VERSIONS || '1').split(',').map((v) => v.trim());
if (!offered.includes('1')) {
  console.error(`This plugin speaks app protocol 1; the host offered ${offered.join(',')}.`);
  process.exit(1);
}

const protoRoot = path.resolve(__dirname, '..', '..', 'proto'); // in a real plugin: a copy of the repository's proto/ folder
const load = (file) => grpc.loadPackageDefinition(protoLoader.loadSync(path.join(protoRoot, file), {
  includeDirs: [protoRoot], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true,
}));
const { plugboard } = load('plugboard/v1/plugin.proto');
const { grpc: { health } } = load('grpc/health/v1/health.proto');
const { usersync } = load('usersync/v1/datasource.proto');

let settings = {};
const server = new grpc.Server();
server.addService(plugboard.v1.Plugin.service, {
  init(call, callback) {
    settings = call.request.configuration.fields; // google.protobuf.Struct
    callback(null, { metadata: { fields: { capabilities: { listValue: { values: [{ stringValue: 'users' }] } } } } });
  },
  verify(call, callback) { callback(null, { ready: true, reason: '' }); },
  shutdown(call, callback) { callback(null, {}); },
});
server.addService(health.v1.Health.service, {
  check(call, callback) {
    if (call.request.service === '' || call.request.service === 'usersync.v1.DataSource') callback(null, { status: 'SERVING' });
    else callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
  },
  watch(call) { call.write({ status: 'SERVING' }); },
});
server.addService(usersync.v1.DataSource.service, {
  listDepartments(call) { call.write({ id: 'd1', name: 'Engineering', parentId: '' }); call.end(); },
  listUsers(call) { call.write({ id: 'u1', userName: 'ada', displayName: 'Ada', email: 'ada@example.test', departmentId: 'd1' }); call.end(); },
  testConnection(call, callback) { callback(null, { ok: true, message: 'reached the directory' }); },
});

const dir = process.env.PLUGIN_UNIX_SOCKET_DIR || require('os').tmpdir();
const socket = path.join(dir, `plugin-${process.pid}.sock`);
server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) { console.error(`cannot listen on ${socket}: ${error.message}`); process.exit(1); }
  process.stdout.write(`1|1|unix|${socket}|grpc\n`);
});
process.stdin.on('end', () => process.exit(0)); // the host went away
process.stdin.resume();
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
