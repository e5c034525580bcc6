import { configureLimits, limitsInForce, limitsSetting, paceOverrides, parsePace, resetLimits } from '../../activities/api-limits';
import { Connections } from '../../activities/connections';
import { clusterLimits } from '../../connectors/kit/limiter';

afterEach(() => resetLimits());

describe('where the API limits hold', () => {
  it('in this process by default, across the cluster as soon as SIIRTO_POSTGRES_URL is set', () => {
    expect(limitsSetting(undefined, {})).toEqual({ mode: 'process', where: 'in this process' });
    expect(limitsSetting(undefined, { SIIRTO_POSTGRES_URL: 'postgres://siirto:secret@db.internal:5433/limits' })).toEqual({
      mode: 'postgres',
      url: 'postgres://siirto:secret@db.internal:5433/limits',
      where: 'PostgreSQL at db.internal:5433/limits',
    });
  });

  it('--limits postgres without a URL uses the local default database; --limits process wins over the URL', () => {
    expect(limitsSetting('postgres', {})).toMatchObject({ mode: 'postgres', where: 'PostgreSQL at 127.0.0.1:5432/siirto_limits' });
    expect(limitsSetting('process', { SIIRTO_POSTGRES_URL: 'postgres://db/x' })).toMatchObject({ mode: 'process' });
    expect(limitsSetting(undefined, { SIIRTO_LIMITS: 'postgres' })).toMatchObject({ mode: 'postgres' });
  });

  it('says what is wrong with a bad mode or URL, without showing the password', () => {
    expect(() => limitsSetting('cluster', {})).toThrow('--limits: "cluster" must be "process" or "postgres"');
    expect(() => limitsSetting(undefined, { SIIRTO_LIMITS: 'redis' })).toThrow('SIIRTO_LIMITS: "redis" must be "process" or "postgres"');
    expect(() => limitsSetting(undefined, { SIIRTO_POSTGRES_URL: 'mysql://u:hunter2@db/x' })).toThrow(
      'SIIRTO_POSTGRES_URL must be a PostgreSQL URL such as postgres://user@host:5432/siirto_limits',
    );
  });

  it('a worker built with SIIRTO_POSTGRES_URL switches the process to cluster-wide limits (no connection until a call)', () => {
    new Connections(new Map(), { SIIRTO_POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/siirto_limits_unit' });
    expect(clusterLimits()?.description).toBe('PostgreSQL at 127.0.0.1:5432/siirto_limits_unit');
    expect(limitsInForce()).toBe('PostgreSQL at 127.0.0.1:5432/siirto_limits_unit');
    // A later worker in the same process without an explicit mode keeps the first choice; an explicit one replaces it.
    new Connections(new Map(), {});
    expect(clusterLimits()).not.toBeNull();
    configureLimits('process', {});
    expect(clusterLimits()).toBeNull();
  });
});

describe('pace overrides', () => {
  it('reads requests per window', () => {
    expect(parsePace('450/min')).toEqual({ limit: 450, windowMs: 60_000 });
    expect(parsePace('20/1250ms')).toEqual({ limit: 20, windowMs: 1250 });
    expect(parsePace('7000/1h')).toEqual({ limit: 7000, windowMs: 3_600_000 });
    expect(parsePace('10/s')).toEqual({ limit: 10, windowMs: 1000 });
    expect(parsePace('0/s')).toBeNull();
    expect(parsePace('fast')).toBeNull();
  });

  it('per system from SIIRTO_PACE_<SYSTEM>; a bad value stops the worker with the variable named', () => {
    expect(paceOverrides({ SIIRTO_PACE_RACKBEAT: '300/min', SIIRTO_PACE_TWENTYFOURSEVEN: '14000/h' })).toEqual({
      rackbeat: { limit: 300, windowMs: 60_000 },
      twentyfourseven: { limit: 14_000, windowMs: 3_600_000 },
    });
    expect(() => new Connections(new Map(), { SIIRTO_PACE_SEVERA: 'ten a second' })).toThrow(
      'SIIRTO_PACE_SEVERA: "ten a second" must be requests per window, e.g. 450/min, 20/1250ms or 7000/h',
    );
  });
});
