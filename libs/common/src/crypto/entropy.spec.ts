import { randomBytes } from 'node:crypto';
import { passwordEntropy } from './entropy';

describe('passwordEntropy (go-password-validator)', () => {
  it.each<[string, number]>([
    ['', 0],
    // go-password-validator's own reference value.
    ['mypass', 6 * Math.log2(26)],
    // Lower 26 + upper 26 + digits 10 + the `!@$&*` group 5.
    ['Password1!', 10 * Math.log2(67)],
    // A third repetition of a character does not count.
    ['aaaa', 2 * Math.log2(26)],
    // Runs of a keyboard/alphabet sequence count for two characters.
    ['abcdef', 2 * Math.log2(26)],
    ['123456', 2 * Math.log2(10)],
    // Separators group (5) and other specials group (22).
    ['a_b', 3 * Math.log2(31)],
    ['a#b', 3 * Math.log2(48)],
    // Characters in no group add 1 each to the base; the length is in UTF-8 bytes.
    ['éa', 3 * Math.log2(27)],
    ['é', 0],
  ])('%j -> %d bits', (password, expected) => {
    expect(passwordEntropy(password)).toBeCloseTo(expected, 6);
  });

  it('rates random key material above the default minimum of 80 bits and short words below it', () => {
    expect(passwordEntropy(randomBytes(32).toString('base64'))).toBeGreaterThan(80);
    expect(passwordEntropy('correct horse')).toBeLessThan(80);
  });
});
