/**
 * Text that XML 1.0 can carry. The XML 1.0 `Char` production (W3C XML 1.0, 5th ed., §2.2,
 * https://www.w3.org/TR/xml/#charsets) allows only TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and U+10000–U+10FFFF.
 * Anything else (the C0 controls such as U+0000 or U+001B, lone surrogates, U+FFFE, U+FFFF) cannot be written
 * even as a character reference, and a strict parser refuses the whole document. A name copied from a webshop
 * may well hold such a character, so every XML writer passes its text through `xmlSafeText` first.
 *
 * Escaping (`&`, `<`, `>`, quotes) is left to the XML builder (fast-xml-parser's XMLBuilder), which also makes
 * `]]>` harmless by escaping its `>`.
 */

// Everything outside the Char production. The `u` flag makes the class work on code points, so a valid surrogate
// pair (an astral character) is one code point and stays; a lone surrogate is matched and dropped.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** The text with every character XML 1.0 forbids removed. */
export function xmlSafeText(text: string): string {
  return text.replace(FORBIDDEN, '');
}

/** Whether the text holds a character XML 1.0 forbids (for validation messages that name the field). */
export function hasXmlForbiddenChars(text: string): boolean {
  FORBIDDEN.lastIndex = 0;
  const found = FORBIDDEN.test(text);
  FORBIDDEN.lastIndex = 0;
  return found;
}
