import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { parseResponse } from '../../../connectors/kit/parse';
import type { SoapCaller } from '../../../connectors/twentyfourseven/caller';
import { getCompanies, getCompanySyncPage } from '../../../connectors/twentyfourseven/companies';
import { classifyFault } from '../../../connectors/twentyfourseven/errors';
import { getOrderSyncList, saveInvoiceOrders } from '../../../connectors/twentyfourseven/invoices';
import { saveProducts } from '../../../connectors/twentyfourseven/products';
import { CompanyList, IdentityList, InvoiceOrderList, ProductList, StringResult } from '../../../connectors/twentyfourseven/schemas';
import { envelope, readEnvelope, type Service } from '../../../connectors/twentyfourseven/soap';

/** Replies written by hand from the V001 WSDLs and the ASMX help pages, not captured from our sandbox. */
const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

function result<S extends z.ZodType>(file: string, operation: string, schema: S): z.infer<S> {
  const reply = readEnvelope(operation, fixture(file));
  if (reply.kind !== 'result') throw new Error(`expected a result, got ${JSON.stringify(reply)}`);
  return parseResponse('24so', operation, schema, reply.result);
}

/** Records the request body and answers from a fixture. */
function fakeCaller(file: string, operation: string): SoapCaller & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    async call<S extends z.ZodType>(_service: Service, op: string, inner: string, schema: S) {
      sent.push(envelope(op, inner));
      return result(file, operation, schema);
    },
  };
}

const order = (xml: string, names: string[]) => names.map((n) => xml.indexOf(`<${n}`));

describe('24SevenOffice SOAP parsers', () => {
  test('Login: the session id, and an empty result for a failed login', () => {
    expect(result('login.xml', 'Login', StringResult)).toBe('x3kq9f2lmb0c4d7e1a5h8j6n');
    expect(result('login-failed.xml', 'Login', StringResult)).toBe('');
  });

  test('GetIdentities: clients, current and disabled flags', () => {
    const identities = result('get-identities.xml', 'GetIdentities', IdentityList);
    expect(identities).toEqual([
      { id: '9b2f4c1e-7d3a-4e2b-a1c0-5f6e7d8c9b0a', userName: 'Kari Nordmann', clientId: 112233, clientName: 'Fjordhandel AS', isCurrent: true, isDefault: true, isDisabled: false },
      { id: 'c4d5e6f7-0000-1111-2222-333344445555', userName: 'Kari Nordmann', clientId: 445566, clientName: 'Fjordhandel Eiendom AS', isCurrent: false, isDefault: false, isDisabled: true },
    ]);
  });

  test('GetCompanies: sentinels read as unset, dates as UTC, entities decoded, nil slots dropped', () => {
    const [a, b] = result('get-companies.xml', 'GetCompanies', CompanyList);
    expect(a).toMatchObject({
      id: 57,
      externalId: 'RB-1001',
      organizationNumber: '923609016',
      name: 'Havnbygg & Sønner AS',
      type: 'Business',
      country: 'NO',
      dateCreated: '2019-03-04T10:11:12.123Z',
      dateChanged: '2024-05-06T07:08:09.500Z',
      addresses: { post: { street: 'Strandkaien 2', postalCode: '5013', postalArea: 'Bergen', city: 'Bergen', country: 'NO' } },
      emailAddresses: { invoice: { value: 'faktura@havnbygg.no' } },
    });
    expect(a.addresses).not.toHaveProperty('delivery');
    expect(a.typeGroup).toBeUndefined();
    expect(a.paymentTime).toBeUndefined();
    expect(b).toMatchObject({ id: 58, name: 'Nordlys Data AS', type: 'Supplier', paymentTime: 30 });
    expect(b.dateChanged).toBeUndefined();
  });

  test('GetProducts with another prefix style: namespaces by URI, decimals canonical, decimal sentinel unset', () => {
    const [p] = result('get-products-prefixed.xml', 'GetProducts', ProductList);
    expect(p).toMatchObject({ id: 102, name: 'Ullsokker 10 stk', taxRate: '25', cost: '12.5', price: '199', no: 'SOKK-10', categoryId: 7, dateChanged: '2025-02-03T04:05:06.000Z' });
    expect(p.stock).toBeUndefined();
  });

  test('GetInvoices: a one-row list stays a list, empty rows are [], nil IncludeVAT is unset', () => {
    const [o, sent] = result('get-invoices.xml', 'GetInvoices', InvoiceOrderList);
    expect(o).toMatchObject({ orderId: 20417, customerId: 57, orderStatus: 'Production', externalStatus: 3, orderTotalIncVat: '2487.5', orderTotalVat: '497.5' });
    expect(o.invoiceId).toBeUndefined();
    expect(o.includeVat).toBeUndefined();
    expect(o.invoiceRows).toEqual([{ productId: 102, rowId: 881, vatRate: '25', price: '199', name: 'Ullsokker 10 stk', discountRate: '0', quantity: '10' }]);
    expect(sent).toMatchObject({ orderId: 20418, orderStatus: 'OrderState_Sent', invoiceRows: [] });
  });

  test('an empty result element is an empty list', () => {
    const xml = fixture('get-companies.xml').replace(/<GetCompaniesResult>[\s\S]*<\/GetCompaniesResult>/, '<GetCompaniesResult />');
    const reply = readEnvelope('GetCompanies', xml);
    expect(reply.kind === 'result' && parseResponse('24so', 'x', CompanyList, reply.result)).toEqual([]);
  });

  test('a reply of the wrong shape is reported with the field path', () => {
    const xml = fixture('get-invoices.xml').replace('<OrderStatus>Production</OrderStatus>', '<OrderStatus>Accepted</OrderStatus>');
    const reply = readEnvelope('GetInvoices', xml);
    expect(() => reply.kind === 'result' && parseResponse('24so', 'invoice orders', InvoiceOrderList, reply.result)).toThrow(/OrderStatus/);
    expect(readEnvelope('GetInvoices', '<html>Service Unavailable</html>').kind).toBe('unreadable');
    expect(readEnvelope('GetInvoices', fixture('login.xml'))).toEqual({ kind: 'unreadable', reason: 'no GetInvoicesResponse element' });
  });

  test('faults are classified: quarantine, lost session, unreadable request, server error', () => {
    const fault = (file: string) => {
      const r = readEnvelope('GetCompanies', fixture(file));
      if (r.kind !== 'fault') throw new Error('expected a fault');
      return classifyFault(r.fault, 'companies');
    };
    const q = fault('fault-quarantine.xml');
    expect(q.errorClass).toBe('rate-limit');
    expect(q.retryAfterMs).toBeGreaterThan(0);
    expect(q.message).toMatch(/Limit exceeded by 12/);
    expect(fault('fault-not-authenticated.xml').code).toBe('NOT_AUTHENTICATED');
    const bad = fault('fault-unreadable-request.xml');
    expect(bad.errorClass).toBe('validation');
    expect(bad.message).toMatch(/'Accepted' is not a valid value for OrderSlipStateType/);
    expect(fault('fault-server.xml').errorClass).toBe('transient');
  });

  test('a Login that faults over the credential gives the standard credentials message', () => {
    const e = classifyFault({ faultcode: 'soap:Server', faultstring: 'System.Web.Services.Protocols.SoapException: Invalid username or password' }, 'login');
    expect(e).toMatchObject({ errorClass: 'credentials', message: 'Invalid 24SevenOffice credentials: connection cannot be established. Check the application id, username and password.' });
    expect(classifyFault({ faultcode: 'soap:Server', faultstring: 'Provided IdentityId is blocked. Please use GetIdentitiesWithCredential.' }, 'login').errorClass).toBe('credentials');
  });

  test('a quarantine text without a readable end waits until the next full hour', () => {
    const e = classifyFault({ faultcode: 'soap:Server', faultstring: 'Limit exceeded by 1. Request is blocked.' }, 'x');
    const toHour = 3_600_000 - (Date.now() % 3_600_000);
    expect(e.errorClass).toBe('rate-limit');
    expect(Math.abs((e.retryAfterMs ?? 0) - toHour)).toBeLessThan(1000);
  });
});

describe('24SevenOffice request builders', () => {
  test('SaveInvoices: WSDL order, IncludeVAT always present, decimals plain, unset values never written, per-item APIException', async () => {
    const caller = fakeCaller('save-invoices-apiexception.xml', 'SaveInvoices');
    const results = await saveInvoiceOrders(caller, [
      {
        orderId: 20419,
        orderStatus: 'Confirmed',
        customerId: 57,
        externalStatus: 2,
        invoiceRows: [{ changeState: 'Edit', quantity: '1.50', rowId: 881 }, { productId: 102, quantity: '1000000', price: '0.10', changeState: 'Add' }],
      },
      { customerId: 999999, yourReference: 'A & B <1>' },
    ]);
    const xml = caller.sent[0];
    const first = xml.slice(0, xml.indexOf('</InvoiceOrder>'));
    const positions = order(first, ['OrderId', 'CustomerId', 'OrderStatus', 'IncludeVAT', 'ExternalStatus', 'InvoiceRows']);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(first).toContain('<IncludeVAT xsi:nil="true" />');
    expect(first).toContain('<InvoiceRow><RowId>881</RowId><Quantity>1.5</Quantity><ChangeState>Edit</ChangeState></InvoiceRow>');
    expect(first).toContain('<Price>0.1</Price><Quantity>1000000</Quantity><ChangeState>Add</ChangeState>');
    expect(xml).toContain('<YourReference>A &amp; B &lt;1&gt;</YourReference>');
    expect(xml).not.toMatch(/-2147483648|-79228162514264337593543950335|0001-01-01/);
    expect(xml).toContain('<SaveInvoices xmlns="http://24sevenOffice.com/webservices"><invoices><InvoiceOrder>');

    expect(results[0]).toMatchObject({ ok: true, item: { orderId: 20419, orderStatus: 'Confirmed' } });
    const failed = results[1];
    expect(failed.ok).toBe(false);
    if (!failed.ok) {
      expect(failed.error.errorClass).toBe('validation');
      expect(failed.error.field).toBe('CustomerId');
      expect(failed.error.message).toBe('24SevenOffice refused new order for customer 999999 (item 2 of 2): The customer with CustomerId 999999 was not found');
    }
  });

  test('GetCompanies: search parameters in order, changed-since as UTC, requested properties only', async () => {
    const caller = fakeCaller('get-companies.xml', 'GetCompanies');
    await getCompanies(caller, { organizationNumber: '923609016', changedAfter: new Date('2025-01-02T03:04:05.678Z'), externalId: 'RB-1' }, ['id', 'name']);
    const xml = caller.sent[0];
    expect(xml).toContain(
      '<searchParams><ExternalId>RB-1</ExternalId><ChangedAfter>2025-01-02T03:04:05</ChangedAfter><OrganizationNumber>923609016</OrganizationNumber></searchParams>' +
        '<returnProperties><string>Id</string><string>Name</string></returnProperties>',
    );
  });

  test('sync lists: Active always present (nil = both), RegisteredAfter sent as the unset sentinel when not given', async () => {
    const companies = fakeCaller('get-company-sync-list.xml', 'GetCompanySyncList');
    const page = await getCompanySyncPage(companies, { changedAfter: '2025-05-01T00:00:00Z' }, 2);
    expect(companies.sent[0]).toContain('<syncSearchParameters><Page>2</Page><Active xsi:nil="true" /><ChangedAfter>2025-05-01T00:00:00</ChangedAfter></syncSearchParameters>');
    expect(page).toEqual({
      currentPage: 2,
      totalPages: 2,
      totalItems: 1001,
      itemsPerPage: 1000,
      items: [{ companyId: 1001, externalId: 'RB-77', dateChanged: '2025-06-01T10:00:00.000Z', dateRegistered: '2020-01-15T08:30:00.000Z', active: false }],
    });
    const orders = fakeCaller('get-order-sync-list.xml', 'GetOrderSyncList');
    expect(await getOrderSyncList(orders, { changedAfter: new Date('2025-05-01T00:00:00Z') })).toEqual([20417]);
    expect(orders.sent[0]).toContain('<syncParams><ChangedAfter>2025-05-01T00:00:00</ChangedAfter><RegisteredAfter>0001-01-01T00:00:00</RegisteredAfter></syncParams>');
  });

  test('SaveProducts refuses a number that is not a plain decimal before sending', async () => {
    const caller = fakeCaller('get-products-prefixed.xml', 'SaveProducts');
    await expect(saveProducts(caller, [{ name: 'x', price: '1e6' }])).rejects.toMatchObject({
      errorClass: 'validation',
      field: 'Price',
      message: 'Cannot send Price to 24SevenOffice: not a decimal string: 1e6',
    });
    expect(caller.sent).toHaveLength(0);
  });
});
