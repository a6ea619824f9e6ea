'use strict';
// A real @grpc/grpc-js server of usersync.v1.DataSource and grpc.health.v1.Health.
// Usage: node server.js unix:/path/to.sock | node server.js 127.0.0.1:0
// Prints "READY <channel address>" on stdout once listening; logs on stderr; stops on SIGTERM or stdin EOF.
const { grpc, health, usersync } = require('./protos');

const departments = [
  { id: 'd1', name: 'Engineering', parentId: '' },
  { id: 'd2', name: 'Platform', parentId: 'd1' },
  { id: 'd3', name: 'Vertrieb & Marketing – Süd', parentId: '' },
];

function users(count) {
  const list = [];
  for (let i = 1; i <= count; i++) {
    list.push({
      id: `u${i}`,
      userName: `user${i}`,
      displayName: `User ${i}`,
      email: `user${i}@example.test`,
      departmentId: departments[i % departments.length].id,
    });
  }
  return list;
}

function first(metadata, key) {
  const values = metadata.get(key);
  return values.length > 0 ? values[0] : undefined;
}

// Echoes x-echo (text) and x-echo-bin (bytes) of the request into the response trailers.
function echoTrailers(call) {
  const trailers = new grpc.Metadata();
  const text = first(call.metadata, 'x-echo');
  if (text !== undefined) trailers.set('x-echo', String(text));
  const bytes = first(call.metadata, 'x-echo-bin');
  if (bytes !== undefined) trailers.set('x-echo-bin', bytes);
  return trailers;
}

const dataSource = {
  listDepartments(call) {
    const headers = new grpc.Metadata();
    headers.set('x-source', 'node');
    call.sendMetadata(headers);
    for (const department of departments) call.write(department);
    call.end(echoTrailers(call));
  },

  listUsers(call) {
    const count = Number(first(call.metadata, 'x-count') ?? '5');
    const failAfter = first(call.metadata, 'x-fail-after');
    const all = users(count);
    for (let i = 0; i < all.length; i++) {
      if (failAfter !== undefined && i === Number(failAfter)) {
        call.emit('error', { code: grpc.status.UNAVAILABLE, details: `directory went away after ${i} users` });
        return;
      }
      call.write(all[i]);
    }
    call.end(echoTrailers(call));
  },

  testConnection(call, callback) {
    const delay = first(call.metadata, 'x-delay-ms');
    const failCode = first(call.metadata, 'x-fail-code');
    const answer = () => {
      if (failCode !== undefined) {
        const trailers = echoTrailers(call);
        callback({ code: Number(failCode), details: String(first(call.metadata, 'x-fail-message') ?? ''), metadata: trailers });
        return;
      }
      callback(null, { ok: true, message: `node ${process.version}` }, echoTrailers(call));
    };
    if (delay === undefined) {
      answer();
      return;
    }
    // Tests wait for these stderr lines (tagged with the x-echo value) to know where the call is.
    const tag = String(first(call.metadata, 'x-echo') ?? '');
    process.stderr.write(`testConnection started ${tag}\n`);
    const timer = setTimeout(answer, Number(delay));
    call.on('cancelled', () => {
      clearTimeout(timer);
      process.stderr.write(`testConnection cancelled by the client ${tag}\n`);
    });
  },
};

const statuses = new Map([['', 'SERVING'], ['usersync.v1.DataSource', 'SERVING']]);
const healthService = {
  check(call, callback) {
    const status = statuses.get(call.request.service);
    if (status === undefined) {
      callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
      return;
    }
    callback(null, { status });
  },
  watch(call) {
    call.write({ status: statuses.get(call.request.service) ?? 'SERVICE_UNKNOWN' });
    call.on('cancelled', () => call.end());
  },
};

const server = new grpc.Server();
server.addService(usersync.DataSource.service, dataSource);
server.addService(health.Health.service, healthService);

const target = process.argv[2] || '127.0.0.1:0';
server.bindAsync(target, grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`bind ${target} failed: ${error.message}\n`);
    process.exit(1);
  }
  const address = target.startsWith('unix:')
    ? 'unix://' + target.replace(/^unix:(\/\/)?/, '')
    : `http://127.0.0.1:${port}`;
  process.stdout.write(`READY ${address}\n`);
});

function stop() {
  server.tryShutdown(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The test process holds our stdin: when it goes away, so do we (no orphans even if it crashes).
process.stdin.on('end', stop);
process.stdin.resume();
