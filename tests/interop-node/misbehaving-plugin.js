'use strict';
// A Node plugin of the usersync.datasource contract that misbehaves in one method, for the conformance checks that
// call every contract method: `node misbehaving-plugin.js hang:listUsers` never answers listUsers,
// `node misbehaving-plugin.js crash:testConnection` dies with an uncaught error in testConnection; with no argument
// it behaves. Everything else is the plugin of docs/protocol.md.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

if (process.env.PLUGBOARD_PLUGIN_MAGIC_COOKIE !== '8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d') {
  console.error('This program is a Plugboard plugin; it is started by a Plugboard host, not by hand.');
  process.exit(1);
}
const [fault, faultyMethod] = (process.argv[2] || 'none:').split(':');

const protoRoot = path.resolve(__dirname, '..', '..', 'proto');
const load = (file) => grpc.loadPackageDefinition(protoLoader.loadSync(path.join(protoRoot, file), {
  includeDirs: [protoRoot], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true,
}));
const { plugboard } = load('plugboard/v1/plugin.proto');
const { grpc: { health } } = load('grpc/health/v1/health.proto');
const { usersync } = load('usersync/v1/datasource.proto');

// Wraps a handler so that the faulty method hangs (answers nothing, ever) or crashes the process.
const misbehave = (name, handler) => (call, callback) => {
  if (name !== faultyMethod) return handler(call, callback);
  if (fault === 'hang') return undefined;
  setImmediate(() => { throw new Error(`${name} crashed (test plugin)`); });
  return undefined;
};

const server = new grpc.Server();
server.addService(plugboard.v1.Plugin.service, {
  init(call, callback) { callback(null, { metadata: { fields: {} } }); },
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
  listDepartments: misbehave('listDepartments', (call) => { call.write({ id: 'd1', name: 'Engineering', parentId: '' }); call.end(); }),
  listUsers: misbehave('listUsers', (call) => { call.write({ id: 'u1', userName: 'ada', displayName: 'Ada', email: '', departmentId: 'd1' }); call.end(); }),
  testConnection: misbehave('testConnection', (call, callback) => { callback(null, { ok: true, message: 'reached the directory' }); }),
});

const socket = path.join(process.env.PLUGIN_UNIX_SOCKET_DIR || require('os').tmpdir(), `plugin-${process.pid}.sock`);
server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (error) => {
  if (error) { console.error(`cannot listen on ${socket}: ${error.message}`); process.exit(1); }
  process.stdout.write(`1|1|unix|${socket}|grpc\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
