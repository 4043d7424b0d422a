// Standalone emulator: `node test/emulator/cli.ts --port 4566 --time-scale 60`
// Prints `emulator listening on http://127.0.0.1:PORT` and runs until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { startEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4566' },
    'time-scale': { type: 'string', default: '1' },
    region: { type: 'string', default: 'us-east-1' },
    'account-id': { type: 'string', default: '123456789012' },
    host: { type: 'string', default: '127.0.0.1' },
  },
  strict: true,
});

const port = Number(values.port);
const timeScale = Number(values['time-scale']);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`invalid --port ${values.port}\n`);
  process.exit(2);
}
if (!(timeScale > 0)) {
  process.stderr.write(`invalid --time-scale ${values['time-scale']}\n`);
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
