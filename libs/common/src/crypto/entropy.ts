/*
 * Password entropy as SFTPGo computes it (github.com/wagslane/go-password-validator, used for
 * `common.secret_min_entropy` and the `min_entropy` / `password_strength` settings), so that a
 * secret accepted by SFTPGo is accepted here and vice versa.
 *
 * entropy = length * log2(base), where
 * - base is the sum of the sizes of the character classes present: `!@$&*` (5), `_-., ` (5),
 *   the other specials `"#%'()+/:;<=>?[\]^{|}~` (22), lower case (26), upper case (26), digits (10),
 *   plus 1 for every distinct character in none of these classes (e.g. non-ASCII letters);
 * - length is the UTF-8 byte length after dropping, from runs of the sequences `0123456789`,
 *   `abcdefghijklmnopqrstuvwxyz`, `qwertyuiop` and `asdfghjkl`, every character beyond the
 *   second, and every third-or-later repetition of the same character.
 */

const REPLACE_CHARS = '!@$&*';
const SEP_CHARS = '_-., ';
const OTHER_SPECIAL_CHARS = '"#%\'()+/:;<=>?[\\]^{|}~';
const LOWER_CHARS = 'abcdefghijklmnopqrstuvwxyz';
const UPPER_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGIT_CHARS = '0123456789';
const CLASSES = [REPLACE_CHARS, SEP_CHARS, OTHER_SPECIAL_CHARS, LOWER_CHARS, UPPER_CHARS, DIGIT_CHARS];
const SEQUENCES = [DIGIT_CHARS, LOWER_CHARS, 'qwertyuiop', 'asdfghjkl'];

/** Entropy in bits of a password or secret, computed like go-password-validator (SFTPGo's checker). */
export function passwordEntropy(password: string): number {
  const base = entropyBase(password);
  const length = entropyLength(password);
  return base === 0 || length === 0 ? 0 : length * Math.log2(base);
}

function entropyBase(password: string): number {
  const present = new Set<string>();
  let base = 0;
  for (const c of new Set(Array.from(password))) {
    const cls = CLASSES.find((chars) => chars.includes(c));
    if (cls === undefined) base++;
    else present.add(cls);
  }
  for (const cls of present) base += cls.length;
  return base;
}

function entropyLength(password: string): number {
  let runes = Array.from(password);
  for (const seq of SEQUENCES) runes = removeMoreThanTwoFromSequence(runes, Array.from(seq));
  runes = removeMoreThanTwoRepeatingChars(runes);
  // Go's len() of the string: bytes, not characters.
  return Buffer.byteLength(runes.join(''), 'utf8');
}

/** A literal port of the Go loop (including its quirks) so the lengths match exactly. */
function removeMoreThanTwoFromSequence(input: string[], seq: string[]): string[] {
  const runes = [...input];
  let matches = 0;
  for (let i = 0; i < runes.length; i++) {
    for (let j = 0; j < seq.length; j++) {
      if (i >= runes.length) break;
      if (runes[i] !== seq[j]) {
        matches = 0;
        continue;
      }
      matches++;
      if (matches > 2) runes.splice(i, 1);
      else i++;
    }
  }
  return runes;
}

function removeMoreThanTwoRepeatingChars(input: string[]): string[] {
  const runes = [...input];
  let prevPrev: string | undefined;
  let prev: string | undefined;
  for (let i = 0; i < runes.length; i++) {
    const r = runes[i];
    if (r === prev && r === prevPrev) {
      runes.splice(i, 1);
      i--;
    }
    prevPrev = prev;
    prev = r;
  }
  return runes;
}
