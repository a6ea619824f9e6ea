'use strict';
// Loads the repository's .proto files (proto/ at the repository root) with @grpc/proto-loader.
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const protoRoot = path.resolve(__dirname, '..', '..', 'proto');

function load(file) {
  const definition = protoLoader.loadSync(path.join(protoRoot, file), {
    includeDirs: [protoRoot],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition);
}

module.exports = {
  grpc,
  plugboard: load('plugboard/v1/plugin.proto').plugboard.v1,
  health: load('grpc/health/v1/health.proto').grpc.health.v1,
  usersync: load('usersync/v1/datasource.proto').usersync.v1,
};
