// Runs a CLI bundle the way bin/schema-review.js does, for when the bench had to bundle into bench/.out/dist/.
//   node bench/cli-runner.cjs <cli.js> audit <dir> --format json
'use strict';
const { runCli } = require(process.argv[2]);
Promise.resolve(
  runCli(process.argv.slice(3), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    color: false,
  }),
).then((code) => {
  process.exitCode = code;
});
