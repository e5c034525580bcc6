import type { OrderTable } from './xml';

/**
 * Element order of every body we send, from Netvisor's DTDs as documented in docs/wire/netvisor.md#resources (customer.nv, product.nv,
 * salesinvoice.nv, salespayment.nv, dimensionitem.nv). Only elements this client writes are listed, in their
 * documented relative order; Netvisor answers anything out of order with "Could not validate xml".
 */
export const CUSTOMER_ORDER: OrderTable = {
  customer: ['customerbaseinformation', 'customerfinvoicedetails', 'customerdeliverydetails', 'customercontactdetails', 'customeradditionalinformation'],
  customerbaseinformation: [
    'internalidentifier', 'externalidentifier', 'organizationunitnumber', 'name', 'nameextension', 'streetaddress', 'additionaladdressline',
    'city', 'postnumber', 'country', 'customergroupname', 'phonenumber', 'faxnumber', 'email', 'homepageuri', 'isactive', 'isprivatecustomer',
    'emailinvoicingaddress',
  ],
  customerfinvoicedetails: ['finvoiceaddress', 'finvoiceroutercode'],
  customerdeliverydetails: ['deliveryname', 'deliverystreetaddress', 'deliverycity', 'deliverypostnumber', 'deliverycountry'],
  customercontactdetails: ['contactname', 'contactperson', 'contactpersonemail', 'contactpersonphone'],
  customeradditionalinformation: ['comment', 'customeragreementidentifier', 'customerreferencenumber', 'invoicinglanguage', 'invoiceprintchannelformat', 'yourdefaultreference'],
};

export const PRODUCT_ORDER: OrderTable = {
  product: ['productbaseinformation', 'productbookkeepingdetails', 'productadditionalinformation'],
  productbaseinformation: [
    'productcode', 'productgroup', 'name', 'description', 'unitprice', 'unit', 'unitweight', 'purchaseprice', 'tariffheading',
    'comissionpercentage', 'isactive', 'issalesproduct', 'inventoryenabled', 'countryoforigin', 'primaryeancode', 'secondaryeancode',
  ],
  productbookkeepingdetails: ['defaultvatpercentage', 'defaultdomesticaccountnumber', 'defaulteuaccountnumber', 'defaultoutsideeuaccountnumber'],
};

export const SALES_INVOICE_ORDER: OrderTable = {
  salesinvoice: [
    'salesinvoicenumber', 'salesinvoicedate', 'salesinvoiceeventdate', 'salesinvoiceduedate', 'salesinvoicevaluedate', 'salesinvoicedeliverydate',
    'salesinvoicereferencenumber', 'salesinvoiceamount', 'selleridentifier', 'sellername', 'invoicetype', 'salesinvoicestatus',
    'salesinvoicefreetextbeforelines', 'salesinvoicefreetextafterlines', 'salesinvoiceourreference', 'salesinvoiceyourreference',
    'salesinvoiceprivatecomment', 'invoicingcustomeridentifier', 'invoicingcustomername', 'invoicingcustomernameextension',
    'invoicingcustomeraddressline', 'invoicingcustomeradditionaladdressline', 'invoicingcustomerpostnumber', 'invoicingcustomertown',
    'invoicingcustomercountrycode', 'deliveryaddressname', 'deliveryaddressline', 'deliveryaddresspostnumber', 'deliveryaddresstown',
    'deliveryaddresscountrycode', 'deliverymethod', 'deliveryterm', 'paymenttermnetdays', 'expectpartialpayments', 'ordernumber', 'invoicelines',
  ],
  invoicelines: ['invoiceline'],
  invoiceline: ['salesinvoiceproductline', 'salesinvoicecommentline'],
  salesinvoiceproductline: [
    'productidentifier', 'productname', 'productunitprice', 'productunitpurchaseprice', 'productvatpercentage', 'salesinvoiceproductlinequantity',
    'salesinvoiceproductlinediscountpercentage', 'salesinvoiceproductlinefreetext', 'salesinvoiceproductlinevatsum', 'salesinvoiceproductlinesum',
    'salesinvoiceproductlineinventoryid', 'accountingaccountsuggestion', 'dimension',
  ],
  salesinvoicecommentline: ['comment'],
  dimension: ['dimensionname', 'dimensionitem'],
};

export const SALES_PAYMENT_ORDER: OrderTable = {
  salespayment: ['sum', 'paymentdate', 'targetidentifier', 'sourcename', 'paymentmethod'],
};

export const DIMENSION_ITEM_ORDER: OrderTable = {
  dimensionitem: ['name', 'item', 'olditem', 'code', 'label', 'fatherid', 'fatheritem', 'fathercode', 'ishidden'],
};

/** vendor.nv: order as modelled by RANT's Vendor interface; Netvisor's own vendor DTD was not available (open point: docs/wire/open-points.md). */
export const VENDOR_ORDER: OrderTable = {
  vendor: ['vendorbaseinformation', 'vendorcontactdetails', 'vendoradditionalinformation'],
  vendorbaseinformation: ['code', 'name', 'address', 'postcode', 'city', 'country', 'organizationid', 'groupname'],
  vendorcontactdetails: ['phonenumber', 'email', 'faxnumber', 'contactpersonname', 'contactpersonphonenumber', 'contactpersonemail', 'homepage', 'comment'],
};
