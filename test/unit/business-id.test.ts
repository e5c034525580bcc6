import { businessIdCheckDigit, businessIdToVatNumber, isValidBusinessId, normalizeBusinessId } from '../../domain/business-id';

describe('Finnish business ID', () => {
  it('computes the check digit with weights 7,9,10,5,8,4,2 mod 11', () => {
    // 2345678: 14+27+40+25+48+28+16 = 198, 198 mod 11 = 0 → 0
    expect(businessIdCheckDigit('2345678')).toBe(0);
    // 0000006: 6×2 = 12, 12 mod 11 = 1 → no valid ID has this body
    expect(businessIdCheckDigit('0000006')).toBeNull();
    // 1234567: 7+18+30+20+40+24+14 = 153, 153 mod 11 = 10 → 1
    expect(businessIdCheckDigit('1234567')).toBe(1);
  });

  it('accepts valid IDs in their written forms and normalises them', () => {
    expect(normalizeBusinessId('1234567-1')).toBe('1234567-1');
    expect(normalizeBusinessId(' 1234567-1 ')).toBe('1234567-1');
    expect(normalizeBusinessId('FI12345671')).toBe('1234567-1');
    expect(normalizeBusinessId('234567-0')).toBeNull(); // padded to 0234567: check digit differs
    expect(businessIdToVatNumber('1234567-1')).toBe('FI12345671');
  });

  it('rejects a wrong check digit and malformed input', () => {
    expect(isValidBusinessId('1234567-5')).toBe(false);
    expect(isValidBusinessId('1234567')).toBe(false);
    expect(isValidBusinessId('12345678-1')).toBe(false);
    expect(isValidBusinessId('abcdefg-h')).toBe(false);
  });
});
