/** Fields never stored in an event, at any depth: password (hash) and key material. */
const SECRET_FIELDS = new Set(['password', 'key', 'api_key', 'access_token', 'refresh_token']);

/** A KMS secret as the wire shows it: `{status, payload, key?, additional_data?, mode?}`. */
function isSecret(value: object): value is { status: unknown; payload: unknown } {
  return 'status' in value && 'payload' in value;
}

/**
 * The JSON stored as an event's `object_data`, null when there is none. A second line of defence
 * behind the mappers: password fields and key material are dropped, and a KMS secret keeps only its
 * status (SFTPGo keeps the encrypted payload; an audit row has no use for it, so we do not).
 */
export function serializeObjectData(data: unknown): string | null {
  if (data === undefined || data === null) return null;
  return JSON.stringify(data, (key: string, value: unknown) => {
    if (SECRET_FIELDS.has(key)) return undefined;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && isSecret(value)) {
      return { status: value.status };
    }
    return value;
  });
}
