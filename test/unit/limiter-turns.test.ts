import { oneAtATime, resetTurnStats, turnStats } from '../../connectors/kit/limiter';

/** connectors/kit/limiter.ts: how one key's turn was used, told apart: held, passed on to a queued call, free. */
describe('oneAtATime turn statistics', () => {
  beforeEach(() => resetTurnStats());

  it('counts a turn passed on to a call already queued apart from a turn free with nothing queued', async () => {
    const order: string[] = [];
    const call = (name: string, ms: number) =>
      oneAtATime('netvisor', 'env-1', async () => {
        order.push(`${name} starts`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name} ends`);
      });
    // Three at once: the second and third wait in the queue and get the turn as it is released.
    await Promise.all([call('a', 30), call('b', 30), call('c', 30)]);
    expect(order).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
    // Then one alone after a pause: nothing was queued when c released the turn.
    await new Promise((r) => setTimeout(r, 50));
    await call('d', 10);

    const stats = turnStats()['env-1'];
    expect(stats.turns).toBe(4);
    expect(stats.handoffs).toBe(2);
    // No wall-clock figures asserted: only how the parts relate (the free pause is longer than two hand-offs).
    expect(stats.handoffMs).toBeLessThan(stats.idleMs);
    expect(stats.heldMs).toBeGreaterThan(0);
    expect(stats.lastAt - stats.firstAt).toBeCloseTo(stats.heldMs + stats.idleMs + stats.handoffMs, 0);
  });

  it('keeps keys apart and releases the turn when the call fails', async () => {
    await expect(oneAtATime('netvisor', 'env-2', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await oneAtATime('netvisor', 'env-2', async () => undefined);
    await oneAtATime('netvisor', 'env-3', async () => undefined);
    expect(turnStats()['env-2'].turns).toBe(2);
    expect(turnStats()['env-3'].turns).toBe(1);
  });
});
