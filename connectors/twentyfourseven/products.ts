import { ConnectorError } from '../kit/errors';
import type { SoapCaller } from './caller';
import { SYSTEM } from './errors';
import { outcomes, single, type SaveOutcome } from './save';
import { CategoryList, ProductList, type Category, type Product } from './schemas';
import { el, list } from './soap';
import { writeFields, type WriteField } from './wire';

/** ProductService: products keyed by their number `No` (there is no ExternalId on products), and categories. */
export interface ProductInput {
  /** Set to update; leave out to create (a new product needs name and categoryId). */
  id?: number;
  supplierId?: number;
  name?: string;
  /** VAT percentage as a decimal string. */
  taxRate?: string;
  stock?: string;
  /** 1 active, 0 expired. */
  statusId?: number;
  categoryId?: number;
  inPrice?: string;
  description?: string;
  cost?: string;
  ean1?: string;
  /** Sales price without VAT. */
  price?: string;
  no?: string;
  web?: boolean;
  productCode?: string;
  stockControlled?: boolean;
}

export interface ProductSearch {
  id?: number;
  categoryId?: number;
  no?: string;
  ean1?: string;
  name?: string;
  /** Products changed after this instant (the search parameter is called DateChanged). */
  changedAfter?: string | Date;
  productIds?: number[];
}

export interface CategoryInput {
  id?: number;
  name?: string;
  no?: string;
  parentId?: number;
}

export const PRODUCT_FIELDS: WriteField<ProductInput>[] = [
  { wire: 'SupplierId', key: 'supplierId', kind: 'int' },
  { wire: 'Id', key: 'id', kind: 'int' },
  { wire: 'Name', key: 'name', kind: 'string' },
  { wire: 'TaxRate', key: 'taxRate', kind: 'decimal' },
  { wire: 'Stock', key: 'stock', kind: 'decimal' },
  { wire: 'StatusId', key: 'statusId', kind: 'int' },
  { wire: 'CategoryId', key: 'categoryId', kind: 'int' },
  { wire: 'InPrice', key: 'inPrice', kind: 'decimal' },
  { wire: 'Description', key: 'description', kind: 'string' },
  { wire: 'Cost', key: 'cost', kind: 'decimal' },
  { wire: 'EAN1', key: 'ean1', kind: 'string' },
  { wire: 'Price', key: 'price', kind: 'decimal' },
  { wire: 'No', key: 'no', kind: 'string' },
  { wire: 'Web', key: 'web', kind: 'nbool' },
  { wire: 'ProductCode', key: 'productCode', kind: 'string' },
  { wire: 'StockControlled', key: 'stockControlled', kind: 'nbool' },
];

const SEARCH_FIELDS: WriteField<ProductSearch>[] = [
  { wire: 'Id', key: 'id', kind: 'int' },
  { wire: 'CategoryId', key: 'categoryId', kind: 'int' },
  { wire: 'No', key: 'no', kind: 'string' },
  { wire: 'EAN1', key: 'ean1', kind: 'string' },
  { wire: 'Name', key: 'name', kind: 'string' },
  { wire: 'DateChanged', key: 'changedAfter', kind: 'dateTime' },
  { wire: 'ProductIds', key: 'productIds', kind: ((ids: number[]) => ids.map((i) => el('int', String(i))).join('')) as (v: never) => string },
];

export const CATEGORY_FIELDS: WriteField<CategoryInput>[] = [
  { wire: 'Id', key: 'id', kind: 'int' },
  { wire: 'Name', key: 'name', kind: 'string' },
  { wire: 'No', key: 'no', kind: 'string' },
  { wire: 'ParentId', key: 'parentId', kind: 'int' },
];

export const PRODUCT_PROPERTIES = {
  supplierId: 'SupplierId',
  id: 'Id',
  name: 'Name',
  taxRate: 'TaxRate',
  stock: 'Stock',
  statusId: 'StatusId',
  categoryId: 'CategoryId',
  inPrice: 'InPrice',
  description: 'Description',
  cost: 'Cost',
  ean1: 'EAN1',
  price: 'Price',
  no: 'No',
  dateChanged: 'DateChanged',
  web: 'Web',
  productCode: 'ProductCode',
  stockControlled: 'StockControlled',
} as const satisfies Record<keyof Product, string>;
export type ProductProperty = keyof typeof PRODUCT_PROPERTIES;

const wireProps = (props?: readonly ProductProperty[]) => (props ?? (Object.keys(PRODUCT_PROPERTIES) as ProductProperty[])).map((p) => PRODUCT_PROPERTIES[p]);

export async function getProducts(caller: SoapCaller, search: ProductSearch, properties?: readonly ProductProperty[]): Promise<Product[]> {
  const inner = el('searchParams', writeFields(SEARCH_FIELDS, search)) + list('returnProperties', 'string', wireProps(properties));
  const items = await caller.call('product', 'GetProducts', inner, ProductList, 'products');
  return items.map(({ apiException: _e, ...p }) => p);
}

/** The product with this number, or null: the natural key for "did my earlier write land?". */
export async function findProductByNo(caller: SoapCaller, no: string, properties?: readonly ProductProperty[]): Promise<Product | null> {
  const hits = (await getProducts(caller, { no }, properties && [...new Set([...properties, 'no' as const])])).filter((p) => p.no === no);
  if (hits.length > 1) {
    throw new ConnectorError(SYSTEM, 'conflict', `24SevenOffice has ${hits.length} products numbered "${no}"; give each its own number.`, { resource: 'products', field: 'No' });
  }
  return hits[0] ?? null;
}

export async function saveProducts(caller: SoapCaller, products: readonly ProductInput[]): Promise<SaveOutcome<Product, ProductInput>[]> {
  const inner = el('products', products.map((p) => el('Product', writeFields(PRODUCT_FIELDS, p))).join(''));
  const echoed = await caller.call('product', 'SaveProducts', inner, ProductList, 'products');
  const label = (p: ProductInput) => `product ${p.no ? `"${p.no}"` : p.id !== undefined ? `id ${p.id}` : `"${p.name ?? ''}"`}`;
  return outcomes('products', products, echoed, label, Object.values(PRODUCT_PROPERTIES));
}

export const saveProduct = async (caller: SoapCaller, product: ProductInput): Promise<Product> => single(await saveProducts(caller, [product]));

export async function getProductCategories(caller: SoapCaller): Promise<Category[]> {
  const items = await caller.call('product', 'GetCategories', list('returnProperties', 'string', ['Id', 'Name', 'No', 'ParentId']), CategoryList, 'product categories');
  return items.map(({ apiException: _e, ...c }) => c);
}

export async function saveProductCategories(caller: SoapCaller, categories: readonly CategoryInput[]): Promise<SaveOutcome<Category, CategoryInput>[]> {
  const inner = el('categories', categories.map((c) => el('Category', writeFields(CATEGORY_FIELDS, c))).join(''));
  const echoed = await caller.call('product', 'SaveCategories', inner, CategoryList, 'product categories');
  return outcomes('product categories', categories, echoed, (c) => `product category "${c.name ?? c.id ?? ''}"`, ['Id', 'Name', 'No', 'ParentId']);
}

/** The write tables, for the conformance test that holds them against the sandbox's WSDL. */
export { SEARCH_FIELDS as PRODUCT_SEARCH_FIELDS };
