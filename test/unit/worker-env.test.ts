import { WORKER_MALLOC_ARENA_MAX, WORKER_NODE_OPTIONS, workerEnv } from '../../client/cluster/processes';

/** The environment `siirto cluster` and the benches give a worker child: V8 heap flags and glibc's malloc arenas. */
describe('workerEnv', () => {
  it('adds the heap flags and two malloc arenas by default', () => {
    expect(workerEnv({})).toEqual({ NODE_OPTIONS: WORKER_NODE_OPTIONS, MALLOC_ARENA_MAX: WORKER_MALLOC_ARENA_MAX });
  });
  it('keeps what the environment sets itself', () => {
    expect(workerEnv({ MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-old-space-size=512' })).toEqual({ MALLOC_ARENA_MAX: '8', NODE_OPTIONS: '--max-old-space-size=512' });
    expect(workerEnv({ SIIRTO_WORKER_NODE_OPTIONS: '' })).toEqual({ SIIRTO_WORKER_NODE_OPTIONS: '', MALLOC_ARENA_MAX: '2' });
  });
});
