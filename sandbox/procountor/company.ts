import { isBlank, isObject, Violations, type Json } from './wire';

/** The emulated company: a Finnish VAT-registered business (VAT rates of 2025–). */
export const COMPANY = { companyId: 12345, name: 'Siirto Sandbox Oy', country: 'FINLAND', productVersion: '26.04' };

export const VAT_PERCENTAGES = [25.5, 14, 13.5, 10, 0];
// Open point (docs/wire/open-points.md): numbering: Procountor's real vatStatus values come from GET /vats/default of the company.
export const VAT_STATUSES = [
  { vatStatus: 1, description: 'Domestic sales', sales: true, purchase: false },
  { vatStatus: 2, description: 'Domestic purchases', sales: false, purchase: true },
  { vatStatus: 6, description: 'Sales of goods to EU', sales: true, purchase: false },
  { vatStatus: 12, description: 'Sales outside EU', sales: true, purchase: false },
];

export const INVOICE_CHANNELS = ['EMAIL', 'MAIL', 'ELECTRONIC_INVOICE', 'NO_SENDING'];
export const PARTNER_CHANNELS = [...INVOICE_CHANNELS, 'EDIFACT', 'PAPER_INVOICE'];
export const LANGUAGES = ['DANISH', 'ENGLISH', 'ESTONIAN', 'FINNISH', 'NORWEGIAN', 'SWEDISH'];
export const PAYMENT_METHODS = [
  'BANK_TRANSFER', 'DIRECT_PAYMENT', 'CLEARING', 'CREDIT_CARD_CHARGE', 'FOREIGN_PAYMENT', 'OTHER', 'CASH',
  'DOMESTIC_PAYMENT_PLUSGIRO', 'DOMESTIC_PAYMENT_BANKGIRO', 'DOMESTIC_PAYMENT_CREDITOR', 'NETS', 'DKLMPKRE',
];
export const UNITS = [
  'LOT', 'GRAM', 'HOUR', 'PERSON', 'LINEAR_METER', 'KILOGRAM', 'MONTH', 'KILOMETER', 'PIECE', 'KILOWATT_HOUR', 'LITER',
  'BOX', 'METER', 'SQUARE_METER', 'CUBIC_METER', 'SALE_UNIT', 'MINUTE', 'MILLIMETER', 'PARCEL', 'BOTTLE', 'CAN', 'BAG',
  'DAY', 'ROLL', 'PAGE', 'SACK', 'SERIES', 'TUBE', 'TON', 'YEAR', 'WEEK', 'NO_UNIT',
];
// Open point (docs/wire/open-points.md): coverage: the real enum has every country; the sandbox knows the ones Siirto's customers use.
export const COUNTRIES = [
  'FINLAND', 'SWEDEN', 'NORWAY', 'DENMARK', 'ESTONIA', 'GERMANY', 'FRANCE', 'NETHERLANDS', 'POLAND', 'LATVIA', 'LITHUANIA',
  'UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND', 'UNITED_STATES_OF_AMERICA', 'ICELAND', 'SPAIN', 'ITALY', 'AUSTRIA', 'BELGIUM',
];

const LIMITS: Record<string, number> = { name: 80, specifier: 80, street: 80, zip: 20, city: 40, subdivision: 35 };

/** Procountor's address checks: lengths, a known country; `requireCountry` for addresses an invoice uses. */
export function checkAddress(value: unknown, path: string, v: Violations, opts: { required?: boolean; requireCountry?: boolean } = {}): Json | undefined {
  if (value === undefined || value === null) {
    if (opts.required) v.blank(path);
    return undefined;
  }
  if (!isObject(value)) {
    v.invalid(path, value);
    return undefined;
  }
  for (const [k, max] of Object.entries(LIMITS)) {
    const s = value[k];
    if (s !== undefined && s !== null && typeof s !== 'string') v.invalid(`${path}.${k}`, s);
    else if (typeof s === 'string' && s.length > max) v.tooLong(`${path}.${k}`, max);
  }
  const nonEmpty = Object.values(value).some((x) => !isBlank(x));
  if (isBlank(value.country)) {
    if (nonEmpty && opts.requireCountry) v.blank(`${path}.country`);
  } else if (!COUNTRIES.includes(String(value.country))) v.invalid(`${path}.country`, value.country);
  return value;
}

export const hasPostalParts = (a: Json | undefined): boolean => !!a && !isBlank(a.street) && !isBlank(a.zip) && !isBlank(a.city);
