/**
 * Procountor spells countries, units and languages as enum names ("FINLAND", "PIECE", "FINNISH").
 * Only the values Siirto's flows meet are mapped; anything else is passed on and Procountor's validation names it.
 */
const COUNTRIES: Record<string, string> = {
  FI: 'FINLAND',
  SE: 'SWEDEN',
  NO: 'NORWAY',
  DK: 'DENMARK',
  EE: 'ESTONIA',
  DE: 'GERMANY',
  FR: 'FRANCE',
  NL: 'NETHERLANDS',
  PL: 'POLAND',
  LV: 'LATVIA',
  LT: 'LITHUANIA',
  GB: 'UNITED_KINGDOM_OF_GREAT_BRITAIN_AND_NORTHERN_IRELAND',
  US: 'UNITED_STATES_OF_AMERICA',
};

export const toProcountorCountry = (iso2: string): string => COUNTRIES[iso2.toUpperCase()] ?? iso2.toUpperCase();

export const fromProcountorCountry = (name: string | null | undefined): string | undefined => {
  if (!name) return undefined;
  return Object.entries(COUNTRIES).find(([, v]) => v === name)?.[0];
};

const UNITS: Record<string, string> = {
  kpl: 'PIECE',
  pcs: 'PIECE',
  pc: 'PIECE',
  piece: 'PIECE',
  h: 'HOUR',
  hour: 'HOUR',
  t: 'HOUR',
  pv: 'DAY',
  day: 'DAY',
  kg: 'KILOGRAM',
  g: 'GRAM',
  l: 'LITER',
  m: 'METER',
  m2: 'SQUARE_METER',
  m3: 'CUBIC_METER',
  km: 'KILOMETER',
  kwh: 'KILOWATT_HOUR',
  kk: 'MONTH',
  month: 'MONTH',
  ltk: 'BOX',
  box: 'BOX',
};

/** A free-text unit from a shop ("kpl", "h") as a Procountor unit; PIECE when unknown or absent. */
export function toProcountorUnit(unit: string | undefined): string {
  if (!unit) return 'PIECE';
  const key = unit.trim().toLowerCase().replace(/\.$/, '');
  if (UNITS[key]) return UNITS[key];
  return /^[A-Z_]+$/.test(unit) ? unit : 'PIECE';
}

const LANGUAGES: Record<string, string> = { fi: 'FINNISH', sv: 'SWEDISH', en: 'ENGLISH', et: 'ESTONIAN', da: 'DANISH', no: 'NORWEGIAN', nb: 'NORWEGIAN' };

export function toProcountorLanguage(language: string | undefined, fallback = 'FINNISH'): string {
  if (!language) return fallback;
  return LANGUAGES[language.slice(0, 2).toLowerCase()] ?? (/^[A-Z]+$/.test(language) ? language : fallback);
}
