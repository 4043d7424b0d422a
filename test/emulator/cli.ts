// Standalone emulator: `npm run emulator -- --port 4566 --time-scale 60` (`--help` for usage).
// Prints `emulator listening on http://127.0.0.1:PORT` and runs until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { startEmulator } from './index.ts';
import { SERVICE_NAMES } from './registry.ts';

const USAGE = `Usage: npm run emulator -- [options]

Runs the AWS emulator (${SERVICE_NAMES.join(', ')}, and the GitHub runner's OIDC token
endpoint) as its own process until SIGTERM or SIGINT.
It prints "emulator listening on http://HOST:PORT" once it accepts requests.

Options:
  --port N          port to listen on; 0 picks a free one (default 4566)
  --time-scale X    emulated time runs X times faster than real time
                    (default 1: real time; 60 makes a 5-minute canary take 5 s)
  --region R        the default region: of unsigned calls and of control
                    operations that name none (default us-east-1)
  --account-id ID   account in ARNs (default 123456789012)
  --host H          interface to bind (default 127.0.0.1)
  -h, --help        print this help

Point the SDK or the action at it with AWS_ENDPOINT_URL; steer it with
POST /__emulator/<operation> (see test/emulator/README.md).
`;

function readArgs() {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '4566' },
        'time-scale': { type: 'string', default: '1' },
        region: { type: 'string', default: 'us-east-1' },
        'account-id': { type: 'string', default: '123456789012' },
        host: { type: 'string', default: '127.0.0.1' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const values = readArgs();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const port = Number(values.port);
const timeScale = Number(values['time-scale']);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n\n${USAGE}`);
  process.exit(2);
}
if (!(timeScale > 0)) {
  process.stderr.write(`invalid --time-scale ${values['time-scale']}\n\n${USAGE}`);
  process.exit(2);
}

const emu = await startEmulator({
  port,
  timeScale,
  region: values.region,
  accountId: values['account-id'],
  host: values.host,
});
process.stdout.write(`emulator listening on ${emu.url}\n`);

let closing = false;
const shutdown = () => {
  if (closing) return;
  closing = true;
  emu.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
