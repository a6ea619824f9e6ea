'use strict';
// The Plugboard side of a Node.js process plugin (docs/protocol.md, "Handshake"): cookie and version checks,
// logs on stderr in hclog's JSON format, listening where the host asks, the handshake line on stdout, health,
// and exiting when the host goes away or stops the plugin (stdin closes, SIGTERM).
const fs = require('fs');
const os = require('os');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const COOKIE_KEY = 'PLUGBOARD_PLUGIN_MAGIC_COOKIE';
const COOKIE_VALUE = '8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d';
const SUPPORTED_VERSIONS = [1];

function log(level, message) {
  process.stderr.write(JSON.stringify({ '@level': level, '@message': message, '@timestamp': new Date().toISOString() }) + '\n');
}

// The published folder carries ./proto (copied by `npm run build`); in the repository, ../../../../proto is used.
function protoRoot() {
  const local = path.join(__dirname, 'proto');
  return fs.existsSync(local) ? local : path.resolve(__dirname, '..', '..', '..', '..', 'proto');
}

function loadProtos() {
  const root = protoRoot();
  const load = (file) => grpc.loadPackageDefinition(protoLoader.loadSync(path.join(root, file), {
    includeDirs: [root], keepCase: false, longs: String, enums: String, defaults: true, oneofs: true,
  }));
  return {
    plugboard: load('plugboard/v1/plugin.proto').plugboard.v1,
    health: load('grpc/health/v1/health.proto').grpc.health.v1,
    usersync: load('usersync/v1/datasource.proto').usersync.v1,
  };
}

// Refuses to run unless started by a host; returns the app protocol version to answer.
function checkHost() {
  if (process.env[COOKIE_KEY] !== COOKIE_VALUE) {
    process.stderr.write('This program is a Plugboard plugin: a Plugboard host starts it and talks to it over gRPC; it is not meant to be run by hand.\n');
    process.exit(1);
  }
  const offered = (process.env.PLUGIN_PROTOCOL_VERSIONS || '1').split(',').map((v) => Number(v.trim())).filter((v) => v > 0);
  const common = SUPPORTED_VERSIONS.filter((v) => offered.includes(v));
  if (common.length === 0) {
    process.stderr.write(`This plugin speaks app protocol ${SUPPORTED_VERSIONS.join(',')}; the host offered ${offered.join(',')}.\n`);
    process.exit(1);
  }
  if (process.env.PLUGIN_CLIENT_CERT) {
    log('warn', 'the host asked for automatic mutual TLS (PLUGIN_CLIENT_CERT), which this plugin does not implement; answering without a certificate');
  }
  return Math.max(...common);
}

function bind(server, address) {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
}

// A unix socket in PLUGIN_UNIX_SOCKET_DIR when the host gives one, else the first free loopback port in range.
async function listen(server) {
  const dir = process.env.PLUGIN_UNIX_SOCKET_DIR;
  if (dir) {
    const socket = path.join(dir, `plugin-${process.pid}.sock`);
    await bind(server, `unix:${socket}`);
    return `unix|${socket}`;
  }
  const min = Number(process.env.PLUGIN_MIN_PORT || 10000);
  const max = Number(process.env.PLUGIN_MAX_PORT || 25000);
  const start = min + Math.floor(Math.random() * (max - min + 1));
  for (let i = 0; i <= max - min && i < 50; i++) {
    const port = min + ((start - min + i) % (max - min + 1));
    try {
      await bind(server, `127.0.0.1:${port}`);
      return `tcp|127.0.0.1:${port}`;
    } catch (error) {
      log('debug', `port ${port} is taken: ${error.message}`);
    }
  }
  throw new Error(`no free loopback port in ${min}-${max}`);
}

// Serves `services` (an array of [serviceDefinition, implementation]) plus Plugin and Health, then prints the handshake.
async function serve({ plugin, services, serviceNames }) {
  const version = checkHost();
  const protos = loadProtos();
  const server = new grpc.Server();
  let stopping = false;
  const stop = (why) => {
    if (stopping) return;
    stopping = true;
    log('info', `stopping: ${why}`);
    server.tryShutdown(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };

  server.addService(protos.plugboard.Plugin.service, {
    init: (call, callback) => plugin.init(call.request).then((metadata) => callback(null, { metadata }), (error) => callback(toStatus(error))),
    verify: (call, callback) => plugin.verify().then((result) => callback(null, result), (error) => callback(toStatus(error))),
    // The host closes stdin and sends SIGTERM right after: releasing resources is all there is to do here.
    shutdown: (call, callback) => Promise.resolve(plugin.shutdown && plugin.shutdown()).then(() => callback(null, {}), (error) => callback(toStatus(error))),
  });
  const known = new Set(['', 'plugboard.v1.Plugin', ...serviceNames]);
  server.addService(protos.health.Health.service, {
    check(call, callback) {
      if (!known.has(call.request.service)) callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
      else callback(null, { status: stopping ? 'NOT_SERVING' : 'SERVING' });
    },
    watch(call) {
      call.write({ status: known.has(call.request.service) ? 'SERVING' : 'SERVICE_UNKNOWN' });
      call.on('cancelled', () => call.end());
    },
  });
  for (const [definition, implementation] of services(protos)) server.addService(definition, implementation);

  const where = await listen(server);
  process.stdout.write(`1|${version}|${where}|grpc\n`);
  process.stdin.on('end', () => stop('stdin closed: the host is gone'));
  process.stdin.on('error', () => stop('stdin failed: the host is gone'));
  process.stdin.resume();
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  log('info', `serving on ${where}`);
}

function toStatus(error) {
  return { code: error.code ?? grpc.status.UNKNOWN, details: error.message };
}

// Converts a google.protobuf.Struct (as proto-loader gives it) to a plain object, and back.
function fromStruct(struct) {
  const value = (v) => {
    switch (v.kind) {
      case 'stringValue': return v.stringValue;
      case 'numberValue': return v.numberValue;
      case 'boolValue': return v.boolValue;
      case 'structValue': return fromStruct(v.structValue);
      case 'listValue': return (v.listValue.values || []).map(value);
      default: return null;
    }
  };
  return Object.fromEntries(Object.entries((struct && struct.fields) || {}).map(([k, v]) => [k, value(v)]));
}

function toStruct(object) {
  const value = (v) => {
    if (v === null || v === undefined) return { nullValue: 'NULL_VALUE' };
    if (typeof v === 'string') return { stringValue: v };
    if (typeof v === 'number') return { numberValue: v };
    if (typeof v === 'boolean') return { boolValue: v };
    if (Array.isArray(v)) return { listValue: { values: v.map(value) } };
    return { structValue: toStruct(v) };
  };
  return { fields: Object.fromEntries(Object.entries(object).map(([k, v]) => [k, value(v)])) };
}

module.exports = { grpc, serve, log, fromStruct, toStruct, tmpdir: os.tmpdir };
