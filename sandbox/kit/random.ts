import { businessIdCheckDigit } from '../../domain/business-id';

/** A small seeded generator (mulberry32): the same seed gives the same companies, products and orders. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }

  /** A Finnish business ID with a valid check digit. */
  businessId(): string {
    for (;;) {
      const body = this.digits(7);
      const check = businessIdCheckDigit(body);
      if (check !== null) return `${body}-${check}`;
    }
  }

  /** Norwegian organisation numbers are nine digits with a mod-11 check digit (weights 3,2,7,6,5,4,3,2). */
  norwegianOrgNumber(): string {
    const weights = [3, 2, 7, 6, 5, 4, 3, 2];
    for (;;) {
      const body = String(this.int(8, 9)) + this.digits(7);
      const r = 11 - ([...body].reduce((a, d, i) => a + Number(d) * weights[i], 0) % 11);
      if (r === 10) continue;
      return body + String(r === 11 ? 0 : r);
    }
  }
}

const FI_PREFIX = ['Kivi', 'Metsä', 'Järvi', 'Koski', 'Lumi', 'Tuuli', 'Revontuli', 'Saimaan', 'Pohjolan', 'Karjalan', 'Hämeen', 'Vaskin'];
const FI_SUFFIX = ['Rakennus', 'Puutarha', 'Kahvila', 'Konepaja', 'Tekstiili', 'Sähkö', 'Kuljetus', 'Leipomo', 'Design', 'Logistiikka'];
const FI_FORM = ['Oy', 'Oy', 'Oy Ab', 'Ky', 'Tmi'];
const FI_STREETS = ['Mannerheimintie', 'Hämeenkatu', 'Aleksanterinkatu', 'Kauppakatu', 'Rautatienkatu', 'Satamakatu', 'Koulukatu'];
const FI_CITIES: Array<[string, string]> = [
  ['00100', 'Helsinki'], ['33100', 'Tampere'], ['20100', 'Turku'], ['90100', 'Oulu'], ['40100', 'Jyväskylä'], ['70100', 'Kuopio'],
];
const NO_PREFIX = ['Fjord', 'Nord', 'Vik', 'Berg', 'Dal', 'Skog', 'Havn', 'Lys'];
const NO_SUFFIX = ['Bygg', 'Handel', 'Elektro', 'Transport', 'Fisk', 'Mat', 'Tre', 'Data'];
const NO_CITIES: Array<[string, string]> = [['0150', 'Oslo'], ['5003', 'Bergen'], ['7011', 'Trondheim'], ['4006', 'Stavanger']];
const PRODUCT_WORDS = ['Ruuvi', 'Lamppu', 'Tuoli', 'Pöytä', 'Kaapeli', 'Villasukka', 'Kahvipaketti', 'Kynttilä', 'Hylly', 'Reppu'];
const PRODUCT_KIND = ['S', 'M', 'L', 'musta', 'valkoinen', 'tammi', '10 kpl', 'premium'];

export interface SeedCompany {
  name: string;
  businessId: string;
  street: string;
  postalCode: string;
  city: string;
  country: 'FI' | 'NO';
  email: string;
  phone: string;
}

export function finnishCompany(rng: SeededRandom): SeedCompany {
  const name = `${rng.pick(FI_PREFIX)}${rng.pick(FI_SUFFIX).toLowerCase()} ${rng.pick(FI_FORM)}`;
  const [postalCode, city] = rng.pick(FI_CITIES);
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '');
  return {
    name,
    businessId: rng.businessId(),
    street: `${rng.pick(FI_STREETS)} ${rng.int(1, 80)}`,
    postalCode,
    city,
    country: 'FI',
    email: `laskutus@${slug}.fi`,
    phone: `+358 40 ${rng.digits(7)}`,
  };
}

export function norwegianCompany(rng: SeededRandom): SeedCompany {
  const name = `${rng.pick(NO_PREFIX)}${rng.pick(NO_SUFFIX).toLowerCase()} AS`;
  const [postalCode, city] = rng.pick(NO_CITIES);
  const slug = name.toLowerCase().replace(/[^a-z]+/g, '');
  return {
    name,
    businessId: rng.norwegianOrgNumber(),
    street: `Storgata ${rng.int(1, 120)}`,
    postalCode,
    city,
    country: 'NO',
    email: `post@${slug}.no`,
    phone: `+47 ${rng.digits(8)}`,
  };
}

export interface SeedProduct {
  code: string;
  name: string;
  /** Net unit price with two decimals. */
  price: string;
  cost: string;
}

export function product(rng: SeededRandom, index: number): SeedProduct {
  const cents = rng.int(150, 25_000);
  return {
    code: `P${String(1000 + index)}`,
    name: `${rng.pick(PRODUCT_WORDS)} ${rng.pick(PRODUCT_KIND)}`,
    price: (cents / 100).toFixed(2),
    cost: ((cents * 0.55) / 100).toFixed(2),
  };
}
