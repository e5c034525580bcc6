import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dynamicConfigFlags } from '../../client/dev-server';

describe('the dev server runs with the production dynamic configuration', () => {
  it("passes every unconstrained value of deploy/temporal/dynamicconfig.yaml, eager activities among them", () => {
    const flags = dynamicConfigFlags();
    const values = flags.filter((_, i) => flags[i - 1] === '--dynamic-config-value');
    expect(values).toEqual(expect.arrayContaining(['system.enableActivityEagerExecution=true', 'limit.maxIDLength=255']));
    expect(flags.length).toBe(values.length * 2);
  });

  it('leaves out a value constrained to a namespace or task queue (the flags cannot scope one)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'siirto-dc-'));
    const file = path.join(dir, 'dc.yaml');
    fs.writeFileSync(file, ['a.key:', '  - value: 3', '    constraints: { namespace: other }', 'b.key:', '  - value: "x"', '    constraints: {}', ''].join('\n'));
    expect(dynamicConfigFlags(file)).toEqual(['--dynamic-config-value', 'b.key="x"']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
