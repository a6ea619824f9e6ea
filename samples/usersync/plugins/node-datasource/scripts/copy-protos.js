'use strict';
// Copies the .proto files this plugin serves from the repository's proto/ folder into ./proto, so that the
// plugin folder is self-contained when it is packed or published. Run by `npm ci` (prepare) and `npm run build`.
const fs = require('fs');
const path = require('path');

const pluginDir = path.resolve(__dirname, '..');
const source = path.resolve(pluginDir, '..', '..', '..', '..', 'proto');
const target = path.join(pluginDir, 'proto');
const files = ['plugboard/v1/plugin.proto', 'grpc/health/v1/health.proto', 'usersync/v1/datasource.proto'];

if (!fs.existsSync(source)) {
  if (files.every((file) => fs.existsSync(path.join(target, file)))) process.exit(0); // already published with its protos
  console.error(`copy-protos: neither ${source} nor a complete ${target} exists; copy the repository's proto/ folder into ${target}.`);
  process.exit(1);
}

for (const file of files) {
  fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
  fs.copyFileSync(path.join(source, file), path.join(target, file));
}
console.error(`copy-protos: copied ${files.length} .proto files into ${target}`);
