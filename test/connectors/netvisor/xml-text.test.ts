import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { hasXmlForbiddenChars, xmlSafeText } from '../../../connectors/kit/xml-text';
import { CUSTOMER_ORDER } from '../../../connectors/netvisor/element-order';
import { toXmlDocument, withAttrs } from '../../../connectors/netvisor/xml';
import { el } from '../../../sandbox/netvisor/wire';

describe('XML 1.0-safe text (connectors/kit/xml-text.ts)', () => {
  it('drops the C0 controls except TAB, LF and CR, lone surrogates and U+FFFE/U+FFFF; keeps everything else', () => {
    expect(xmlSafeText('a\u0000b\u0007c\u001bd\te\nf\rg')).toBe('abcd\te\nf\rg');
    expect(xmlSafeText('x\uD800y\uDFFFz\uFFFE\uFFFF')).toBe('xyz');
    expect(xmlSafeText('Äö € 😀 ]]> & <')).toBe('Äö € 😀 ]]> & <');
    expect(hasXmlForbiddenChars('ok')).toBe(false);
    expect(hasXmlForbiddenChars('no\u0001')).toBe(true);
  });
});

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(xml);

describe('Netvisor XML writers use the builder', () => {
  const tricky = 'Kauppa\u0007 ]]> & <b> "x" \'y\'';

  it('the connector writes well-formed XML: forbidden characters dropped, markup escaped, DTD order kept', () => {
    const xml = toXmlDocument('customer', {
      customerbaseinformation: { name: tricky, country: withAttrs('FI', { type: 'ISO-3166\u0000"' }), internalidentifier: 'C-1' },
    }, CUSTOMER_ORDER);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain('\u0007');
    expect(xml).not.toContain(']]>');
    const base = parse(xml).root.customer.customerbaseinformation;
    expect(base.name).toBe('Kauppa ]]> & <b> "x" \'y\'');
    expect(base.country['@type']).toBe('ISO-3166"');
    // Order comes from the table, not from the object: internalidentifier precedes name.
    expect(xml.indexOf('<internalidentifier>')).toBeLessThan(xml.indexOf('<name>'));
  });

  it('the sandbox writes its replies the same way', () => {
    const xml = el('Customer', [el('Name', tricky), el('Country', 'Finland', { 'ISO-3166': 'FI\u0001' }), el('Empty', '')]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<Empty/>');
    const c = parse(xml).Customer;
    expect(c.Name).toBe('Kauppa ]]> & <b> "x" \'y\'');
    expect(c.Country['@ISO-3166']).toBe('FI');
  });
});
