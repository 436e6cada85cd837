/** `data_provider.naming_rules` bits. */
export const NamingRule = { AllowUtf8: 1, LowerCase: 2, TrimSpaces: 4 } as const;

const ASCII_NAME = /^[a-zA-Z0-9\-_.~]+$/;
// Path separators, Windows-reserved characters, control (Cc), format (Cf) and line/paragraph separators.
const FORBIDDEN_CHARS =
  // eslint-disable-next-line no-control-regex
  /[/\\:*?"<>|\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/;
const RESERVED_WINDOWS = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/i;

/** Applies the naming rules' conversions (trim, lower-case), on save and on every lookup. */
export function convertName(name: string, rules: number): string {
  let out = name;
  if (rules & NamingRule.TrimSpaces) out = out.trim();
  if (rules & NamingRule.LowerCase) out = out.toLowerCase();
  return out;
}

/**
 * Why `name` is not acceptable as a user, admin, group, folder, role or API key name, or undefined
 * when it is (SFTPGo's `IsNameValid` plus the ASCII rule unless naming rule 1 allows UTF-8).
 */
export function nameProblem(name: string, rules: number, what = 'username'): string | undefined {
  if (!name) return `${what} is mandatory`;
  const base = name.split('.')[0];
  if (
    Buffer.byteLength(name) > 255 ||
    FORBIDDEN_CHARS.test(name) ||
    name === '.' ||
    name === '..' ||
    RESERVED_WINDOWS.test(base) ||
    name.endsWith(' ') ||
    name.endsWith('.')
  ) {
    return 'Invalid input. Slashes (/ ), colons (:), control characters, and reserved system names are not allowed';
  }
  if (!(rules & NamingRule.AllowUtf8) && !ASCII_NAME.test(name)) {
    return `${what} "${name}" is not valid, the following characters are allowed: a-zA-Z0-9-_.~`;
  }
  return undefined;
}
