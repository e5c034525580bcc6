import { couldNotValidate, type Elem } from './wire';

/**
 * The element order Netvisor's DTDs demand for the bodies the sandbox validates (docs/wire/netvisor.md#request-bodies and #resources):
 * a child out of order, an unknown child or a repeated single child fails the whole message with
 * "Could not validate xml", as the real service does. Written from the documentation, independently of the client.
 */
interface Rule {
  order: readonly string[];
  repeatable?: readonly string[];
}

const CUSTOMER: Record<string, Rule> = {
  customer: { order: ['customerbaseinformation', 'customerfinvoicedetails', 'customerdeliverydetails', 'customercontactdetails', 'customeradditionalinformation', 'customerdimensiondetails'] },
  customerbaseinformation: {
    order: [
      'internalidentifier', 'externalidentifier', 'organizationunitnumber', 'name', 'nameextension', 'streetaddress', 'additionaladdressline', 'city',
      'postnumber', 'country', 'customergroupname', 'phonenumber', 'faxnumber', 'email', 'homepageuri', 'isactive', 'isprivatecustomer', 'emailinvoicingaddress',
    ],
  },
  customerfinvoicedetails: { order: ['finvoiceaddress', 'finvoiceroutercode'] },
  customerdeliverydetails: { order: ['deliveryname', 'deliverystreetaddress', 'deliverycity', 'deliverypostnumber', 'deliverycountry'] },
  customercontactdetails: { order: ['contactname', 'contactperson', 'contactpersonemail', 'contactpersonphone'] },
  customeradditionalinformation: {
    order: [
      'comment', 'customeragreementidentifier', 'customerreferencenumber', 'directdebitbankaccount', 'invoicinglanguage', 'invoiceprintchannelformat',
      'yourdefaultreference', 'defaulttextbeforeinvoicelines', 'defaulttextafterinvoicelines', 'defaultpaymentterm', 'defaultsecondname', 'paymentinterest',
      'balancelimit', 'receivablesmanagementautomationrule', 'factoringaccount', 'taxhandlingtype', 'eustandardfinvoice', 'defaultsalesperson', 'salespersonid',
    ],
  },
  customerdimensiondetails: { order: ['dimension'], repeatable: ['dimension'] },
  dimension: { order: ['dimensionname', 'dimensionitem'] },
};

const PRODUCT: Record<string, Rule> = {
  product: { order: ['productbaseinformation', 'productbookkeepingdetails', 'productadditionalinformation', 'productcustomtags'] },
  productbaseinformation: {
    order: [
      'productcode', 'productgroup', 'name', 'description', 'unitprice', 'unit', 'unitweight', 'purchaseprice', 'tariffheading', 'comissionpercentage',
      'isactive', 'issalesproduct', 'inventoryenabled', 'inventorybatchlinkingmode', 'countryoforigin', 'primaryeancode', 'secondaryeancode', 'inventoryalertlimit',
    ],
  },
  productbookkeepingdetails: { order: ['defaultvatpercentage', 'defaultdomesticaccountnumber', 'defaulteuaccountnumber', 'defaultoutsideeuaccountnumber'] },
  productadditionalinformation: {
    order: ['productnetweight', 'productgrossweight', 'productweightunit', 'dimension', 'productpackageinformation'],
    repeatable: ['dimension'],
  },
  dimension: { order: ['dimensionname', 'dimensionitem'] },
};

const SALES_INVOICE: Record<string, Rule> = {
  salesinvoice: {
    order: [
      'salesinvoicenumber', 'salesinvoicedate', 'salesinvoiceeventdate', 'salesinvoiceduedate', 'salesinvoicevaluedate', 'salesinvoicedeliverydate',
      'salesinvoicedeliverytocustomerdate', 'salesinvoicewaybillidentifier', 'salesinvoiceproductpackagepallet', 'salesinvoicereferencenumber',
      'salesinvoiceamount', 'selleridentifier', 'sellername', 'invoicetype', 'salesinvoicestatus', 'salesinvoicefreetextbeforelines',
      'salesinvoicefreetextafterlines', 'salesinvoiceourreference', 'salesinvoiceyourreference', 'salesinvoiceprivatecomment',
      'invoicingcustomeridentifier', 'invoicingcustomername', 'invoicingcustomernameextension', 'invoicingcustomeraddressline',
      'invoicingcustomeradditionaladdressline', 'invoicingcustomerpostnumber', 'invoicingcustomertown', 'invoicingcustomercountrycode',
      'officeidentifier', 'deliveryoffice', 'deliveryaddressname', 'deliveryaddressnameextension', 'deliveryaddressline', 'deliveryaddresspostnumber',
      'deliveryaddresstown', 'deliveryaddresscountrycode', 'deliverymethod', 'deliveryterm', 'salesinvoicetaxhandlingtype', 'paymentterm',
      'paymenttermnetdays', 'paymenttermcashdiscountdays', 'paymenttermcashdiscount', 'expectpartialpayments', 'overridevouchersalesreceivablesaccountnumber',
      'salesinvoiceagreementidentifier', 'printchannelformat', 'secondname', 'overriderateofoverdue', 'ordernumber', 'proposedaccount',
      'accountdimensiontext', 'collectioncost', 'isthirdpartysales', 'invoicelines', 'invoicevoucherlines', 'accrualrule', 'salesinvoiceattachments', 'customtags',
    ],
  },
  invoicelines: { order: ['invoiceline'], repeatable: ['invoiceline'] },
  // Each invoiceline holds exactly one line element; the check below enforces "one".
  invoiceline: { order: ['salesinvoiceproductline', 'salesinvoicecommentline', 'salesinvoicesubline'] },
  salesinvoiceproductline: {
    order: [
      'productidentifier', 'productname', 'productunitprice', 'productunitpurchaseprice', 'productvatpercentage', 'salesinvoiceproductlinequantity',
      'salesinvoiceproductlinediscountpercentage', 'salesinvoiceproductlinefreetext', 'salesinvoiceproductlinevatsum', 'salesinvoiceproductlinesum',
      'salesinvoiceproductlineinventoryid', 'accountingaccountsuggestion', 'dimension', 'provisionpercentage', 'accrualrule', 'productunitname',
      'deliverydate', 'ordernumber',
    ],
    repeatable: ['dimension'],
  },
  salesinvoicecommentline: { order: ['comment'] },
  dimension: { order: ['dimensionname', 'dimensionitem'] },
};

export const DTD = { customer: CUSTOMER, product: PRODUCT, salesinvoice: SALES_INVOICE } as const;

/** Throws INVALID_DATA "Could not validate xml" when `e` breaks the element order of `rules`. */
export function validateOrder(e: Elem, rules: Record<string, Rule>): void {
  const rule = rules[e.name];
  if (!rule) {
    // A leaf must not contain elements.
    if (e.children.length > 0 && e.name !== 'root') throw couldNotValidate();
    return;
  }
  if (e.name === 'invoiceline' && e.children.length !== 1) throw couldNotValidate();
  let last = -1;
  let lastName = '';
  for (const c of e.children) {
    const index = rule.order.indexOf(c.name);
    if (index < 0 || index < last) throw couldNotValidate();
    if (c.name === lastName && !rule.repeatable?.includes(c.name)) throw couldNotValidate();
    last = index;
    lastName = c.name;
    validateOrder(c, rules);
  }
}
