import { readListRows } from '../../../connectors/netvisor/list-reader';
import { parseXml } from '../../../connectors/netvisor/xml';
import { fixtureClient } from './helpers';

/** A productlist.nv reply of `n` rows, with the casing, entities, CDATA and empty elements Netvisor sends. */
function productList(n: number): string {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(
      `<Product><NetvisorKey>${100 + i}</NetvisorKey><ProductCode>P-${i}</ProductCode>` +
        (i % 3 === 0 ? `<Name><![CDATA[Ruuvi <M${i}> & mutteri]]></Name>` : `<Name>Tuote ${i} &amp; ääkköset</Name>`) +
        `<UnitPrice>${i},50</UnitPrice>${i % 2 ? `<UnitGrossPrice>${i},88</UnitGrossPrice>` : '<UnitGrossPrice />'}` +
        `<ProductGroupID /><ProductGroupDescription>Ryhmä</ProductGroupDescription><Uri>https://isvapi.netvisor.fi/getproduct.nv?id=${100 + i}</Uri></Product>`,
    );
  }
  return `<?xml version="1.0" encoding="utf-8" standalone="yes"?><Root><ResponseStatus><Status>OK</Status><TimeStamp>21.6.2023 14:11:56</TimeStamp></ResponseStatus><Productlist>${rows.join('\n')}</Productlist></Root>`;
}

const FIELDS = ['netvisorkey', 'productcode', 'name', 'unitprice', 'unitgrossprice'];

describe('Netvisor whole-register list reader', () => {
  it('reads the same rows as the full parser, keeping only the fields asked for', async () => {
    const body = productList(2500);
    const read = await readListRows(body, 'productlist', 'product', FIELDS);
    const full = (parseXml(body).root as any).productlist.product as Array<Record<string, unknown>>;
    expect(read!.status[0]).toBe('OK');
    expect(read!.rows).toHaveLength(full.length);
    expect(read!.rows).toEqual(full.map((p) => Object.fromEntries(FIELDS.map((f) => [f, p[f] === undefined ? '' : String(p[f])]))));
    expect(Object.keys(read!.rows[0]).sort()).toEqual([...FIELDS].sort());
    expect(read!.rows[0].name).toBe('Ruuvi <M0> & mutteri');
  });

  it('gives the event loop a turn between slices of a long reply, calling back after each', async () => {
    const body = productList(5000);
    expect(body.length).toBeGreaterThan(4 * 256 * 1024);
    let turns = 0;
    let slices = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const read = await readListRows(body, 'productlist', 'product', FIELDS, () => slices++);
    done = true;
    expect(read!.rows).toHaveLength(5000);
    expect(slices).toBe(Math.ceil(body.length / (256 * 1024)));
    // Other callbacks ran while the reply was read, not only after it.
    expect(turns).toBeGreaterThanOrEqual(slices - 1);
  });

  it('gives null for a reply that is not a clean OK list, so the caller classifies it with the full parser', async () => {
    const failed = '<?xml version="1.0"?><Root><ResponseStatus><Status>FAILED</Status><Status>AUTHENTICATION_FAILED :: x</Status></ResponseStatus></Root>';
    expect(await readListRows(failed, 'productlist', 'product', FIELDS)).toBeNull();
    expect(await readListRows('<html>Bad gateway</html>', 'productlist', 'product', FIELDS)).toBeNull();
    expect(await readListRows(productList(3).slice(0, -20), 'productlist', 'product', FIELDS)).toBeNull();
  });

  it('serves the client: listProducts over a long reply returns every summary, and a missing key is still refused', async () => {
    const { client } = fixtureClient(productList(1200));
    const list = await client.listProducts();
    expect(list).toHaveLength(1200);
    expect(list[1]).toEqual({ netvisorKey: '101', code: 'P-1', name: 'Tuote 1 & ääkköset', unitPrice: '1.50' });
    const bad = productList(2).replace('<NetvisorKey>101</NetvisorKey>', '<NetvisorKey></NetvisorKey>');
    await expect(fixtureClient(bad).client.listProducts()).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE', message: expect.stringContaining('productlist.product.1.netvisorkey') });
  });
});
