import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const CLI = path.resolve(__dirname, '../../dist/client/cli.js');

/** `siirto server --json` prints a ready line per listener, like every long-running command, even with Temporal down. */
test('siirto server --json prints the server and codec ready lines once both listen', async () => {
  const config = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-server-'));
  const child = spawn(process.execPath, [CLI, 'server', '--json', '--port', '0', '--codec-port', '0', '--address', '127.0.0.1:1', '--config', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SIIRTO_DATA_DIR: config, SIIRTO_LOG_LEVEL: 'silent' },
  });
  try {
    const lines: Record<string, unknown>[] = [];
    for await (const line of readline.createInterface({ input: child.stdout! })) {
      lines.push(JSON.parse(line));
      if (lines.length === 2) break;
    }
    expect(lines[0]).toMatchObject({ service: 'server', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), pid: child.pid });
    expect(lines[1]).toMatchObject({ service: 'codec', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/codec$/) });
    expect((await fetch(`${lines[0].url as string}/healthz`)).status).toBe(200);
  } finally {
    child.kill('SIGTERM');
  }
});
