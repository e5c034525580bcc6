/**
 * Register migration at the real published limit, scaled down in time but not in window (issue #14): Netvisor
 * products → Rackbeat, the direction where a published limit binds (Rackbeat ~480 requests/minute per token;
 * Netvisor takes one request at a time). The 480 requests per window stay 480; the window is 60 s ÷ the time factor,
 * on the sandbox and in the worker's client pacing alike. The worker is a separate `siirto worker` process, SIGKILLed
 * in the middle of the run (half-way through a batch's writes) and replaced; its peak RSS is read from /proc. The
 * sandboxes run in their own process with the latency of bench/latency-profiles.ts.
 *
 * Prints throughput against the ceiling the limit allows (1 Rackbeat call per record), API calls per record on both
 * systems, peak worker RSS and the records written twice. Not a test: nothing is asserted (the CI-sized variant is
 * test/chaos/register-migration-chaos.test.ts).
 *
 * Usage: node dist/bench/register-migration.js [--records 50000] [--time-factor 20] [--concurrency 40] [--batch 200] [--no-kill]
 *        [--worker-node-options "<V8 flags>"]  ("" for none)  [--heartbeat-timeout 3s]  (how soon a killed batch is retried; default 30 s ÷ the time factor, at least 3 s)
 *        [--no-timer-shift]  (leave the Temporal server's timer precision at its 1 s default instead of 1 s ÷ the time factor)
 */
import { describeLatency, latencyFor, LATENCY_PROFILES, PUBLISHED_LIMITS } from './latency-profiles';
import { benchTemporal } from './support';
import { formatMigrationBench, runMigrationBench, writtenTwice } from '../test/support/migration-bench';
import { WORKER_NODE_OPTIONS } from '../client/cluster/processes';

function flag(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}
const positive = (name: string, fallback: number): number => {
  const raw = flag(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`register-migration bench: --${name} must be a positive number, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
};

// The worker processes get the V8 heap settings production workers get (client/cluster/processes.ts,
// docker-compose.yml). Without them V8 lets a busy worker's heap grow lazily (young generation 3 × 16 MiB, old space
// collected late): measured 390 MiB RSS at 10,000 records with a baseline of 192 MiB.

/**
 * The batch activity's heartbeat timeout, scaled with everything else: production's (workflows/profiles.ts
 * migrationBatch, 30 s) divided by the time factor, but never under 3 s, so that a live worker on a loaded machine
 * (it heartbeats at least every second while it waits) is not taken for a dead one.
 */
function scaledHeartbeatTimeout(timeFactor: number): string {
  return `${Math.max(3, Math.round(30 / timeFactor))}s`;
}

async function main(): Promise<void> {
  const records = Math.round(positive('records', 50_000));
  const timeFactor = positive('time-factor', 20);
  const latency = { netvisor: latencyFor('netvisor'), rackbeat: latencyFor('rackbeat') };
  // Writes in flight needed to keep up with the scaled rate at the profile's latency, with room for jitter.
  const rate = (480 * timeFactor) / 60;
  const concurrency = Math.round(positive('concurrency', Math.max(4, Math.ceil(rate * ((latency.rackbeat.ms + latency.rackbeat.jitterMs) / 1000) * 1.5))));
  // Temporal starts a new timer (a retry's backoff, a heartbeat timeout's next check) no sooner than this after now:
  // 1 s by default, a fixed cost that would weigh timeFactor times too much in a run scaled in time, so it is scaled too.
  const timerShift = process.argv.includes('--no-timer-shift') ? undefined : `${Math.max(10, Math.round(1000 / timeFactor))}ms`;
  const temporal = await benchTemporal(timerShift ? { 'history.timerProcessorMaxTimeShift': timerShift } : undefined);
  try {
    const report = await runMigrationBench({
      records,
      timeFactor,
      rackbeatLimit: 480,
      paceShare: 0.98,
      batchSize: Math.round(positive('batch', 200)),
      writeConcurrency: concurrency,
      latency,
      killAt: process.argv.includes('--no-kill') ? null : 0.4,
      temporalAddress: temporal.address,
      timeoutMs: Math.max(900_000, (records / rate) * 8000),
      workerNodeOptions: flag('worker-node-options') ?? WORKER_NODE_OPTIONS,
      heartbeatTimeout: flag('heartbeat-timeout') ?? scaledHeartbeatTimeout(timeFactor),
      temporalTimerShift: timerShift,
      progress: (l) => process.stderr.write(`${l}\n`),
    });
    const note = `${describeLatency('netvisor', latency.netvisor)}; ${describeLatency('rackbeat', latency.rackbeat)} (${LATENCY_PROFILES.rackbeat.source.split(' (')[0]}); Rackbeat limit: ${PUBLISHED_LIMITS.rackbeat?.text}`;
    const lines = [`${new Date().toISOString()}`, ...formatMigrationBench(report, note)];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (report.error || writtenTwice(report) > 0) process.exitCode = 1;
  } finally {
    await temporal.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
