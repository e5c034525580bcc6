import type { RackbeatApi } from './client';
import { ReadRegister } from './register';
import { CustomerInvoice } from './schemas';

/** Customer invoices: read, and book the drafts that convert-to-invoice leaves unbooked. */
export class CustomerInvoices extends ReadRegister<typeof CustomerInvoice, number> {
  constructor(api: RackbeatApi) {
    super(api, {
      path: 'customer-invoices',
      singular: 'customer_invoice',
      plural: 'customer_invoices',
      schema: CustomerInvoice,
      noun: 'customer invoice',
    });
  }

  book(number: number, options: { sendMail?: boolean } = {}) {
    return this.api.one('POST', `customer-invoices/${number}/book`, 'customer_invoice', CustomerInvoice, {
      resource: this.noun(number),
      body: { mail: { send: options.sendMail ?? false } },
    });
  }
}
