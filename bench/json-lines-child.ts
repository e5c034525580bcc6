/**
 * A helper process of the benches that speaks one JSON line per message: requests on its stdin, answers on its
 * stdout, in order (bench/sandbox-host.ts, bench/server-host.ts). Not a benchmark by itself (bench/run.ts skips it).
 */
import { spawn } from 'node:child_process';
import readline from 'node:readline';

export interface JsonLinesChild {
  pid: number;
  /** The child's next line, read by `read`; rejects when the line is not what `read` takes or the child exits first. */
  next<T>(read: (reply: unknown) => T): Promise<T>;
  /** Writes one request line and resolves with the child's answer to it (its next line). */
  ask<T>(request: string, read: (reply: unknown) => T): Promise<T>;
  /** SIGTERM, and resolves once the child has exited. */
  stop(): Promise<void>;
}

/** Starts `node <script> <args>`; `name` says who answered wrongly in errors ("sandbox host"). */
export function spawnJsonLinesChild(name: string, script: string, args: readonly string[] = []): JsonLinesChild {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = readline.createInterface({ input: child.stdout });
  const next = <T>(read: (reply: unknown) => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const early = (code: number | null) => reject(new Error(`${name} exited (${code}) before it answered`));
      child.once('exit', early);
      lines.once('line', (line) => {
        child.off('exit', early);
        try {
          resolve(read(JSON.parse(line)));
        } catch (err) {
          reject(new Error(`${name} said "${line}": ${(err as Error).message}`));
        }
      });
    });
  return {
    pid: child.pid!,
    next,
    ask(request, read) {
      const answer = next(read);
      child.stdin.write(`${request}\n`);
      return answer;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
