'use strict';
// A real @grpc/grpc-js client of a Plugboard (C#) server serving plugboard.v1.Plugin, usersync.v1.DataSource
// and grpc.health.v1.Health. Usage: node client.js TARGET   (TARGET: 127.0.0.1:PORT or unix:///path)
// Prints one JSON object with what each call returned; exits 0 unless the script itself failed.
const { grpc, plugboard, health, usersync } = require('./protos');

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node client.js TARGET\n');
  process.exit(2);
}

const credentials = grpc.credentials.createInsecure();
const plugin = new plugboard.Plugin(target, credentials);
const dataSource = new usersync.DataSource(target, credentials);
const healthClient = new health.Health(target, credentials);

function unary(client, method, request, metadata = new grpc.Metadata(), options = {}) {
  return new Promise((resolve) => {
    const outcome = { headers: {}, trailers: {} };
    const call = client[method](request, metadata, options, (error, response) => {
      if (error) {
        outcome.code = error.code;
        outcome.details = error.details;
        outcome.trailers = metadataToObject(error.metadata);
      } else {
        outcome.code = 0;
        outcome.response = response;
      }
      resolve(outcome);
    });
    call.on('metadata', (headers) => { outcome.headers = metadataToObject(headers); });
    call.on('status', (status) => {
      if (outcome.code === 0) outcome.trailers = metadataToObject(status.metadata);
    });
  });
}

function serverStream(client, method, request, metadata = new grpc.Metadata()) {
  return new Promise((resolve) => {
    const outcome = { messages: [] };
    const call = client[method](request, metadata);
    call.on('data', (message) => outcome.messages.push(message));
    call.on('error', (error) => { outcome.code = error.code; outcome.details = error.details; });
    call.on('status', (status) => {
      outcome.code = status.code;
      outcome.details = status.details;
      resolve(outcome);
    });
  });
}

function metadataToObject(metadata) {
  const result = {};
  if (!metadata) return result;
  for (const [key, values] of Object.entries(metadata.getMap())) {
    result[key] = Buffer.isBuffer(values) ? 'base64:' + values.toString('base64') : String(values);
  }
  return result;
}

async function main() {
  const results = {};

  const initMetadata = new grpc.Metadata();
  initMetadata.set('x-request-id', 'req-42');
  initMetadata.set('x-trace-bin', Buffer.from([0, 1, 2, 250, 255]));
  results.init = await unary(plugin, 'init', {
    pluginId: 'custom-node-client',
    version: '1.2.3',
    configuration: { fields: { endpoint: { stringValue: 'ldap://directory.test' }, pageSize: { numberValue: 50 } } },
  }, initMetadata);

  results.verify = await unary(plugin, 'verify', {});
  results.shutdown = await unary(plugin, 'shutdown', {});

  const usersMetadata = new grpc.Metadata();
  usersMetadata.set('x-count', '25');
  results.listUsers = await serverStream(dataSource, 'listUsers', {}, usersMetadata);

  // Long enough for the call to reach the (hanging) handler even on a cold, loaded machine.
  results.deadline = await unary(dataSource, 'testConnection', {}, new grpc.Metadata(), { deadline: Date.now() + 1500 });

  results.health = await unary(healthClient, 'check', { service: '' });
  results.healthUnknown = await unary(healthClient, 'check', { service: 'no.such.Service' });

  process.stdout.write(JSON.stringify(results) + '\n');
  plugin.close();
  dataSource.close();
  healthClient.close();
}

main().catch((error) => {
  process.stderr.write(`client failed: ${error.stack}\n`);
  process.exit(1);
});
