/**
 * The backend settings `describe` prints, with the secrets in them masked: role settings are
 * shown as Atmos shows them (assume_role.role_arn, session_name, duration, tags, ...), but an
 * external_id, keys, session tokens and an SSE-C key print as *** unless --show-secrets.
 */
import { isPlainMap, type PlainMap } from '../stacks/values';

/** Setting names whose values are secrets, wherever they appear in a backend section. */
const SECRET_SETTINGS = new Set(['external_id', 'access_key', 'secret_key', 'token', 'web_identity_token', 'sse_customer_key', 'client_secret', 'client_certificate_password', 'sas_token', 'access_token', 'credentials']);

const BACKEND_SECTIONS = ['backend', 'remote_state_backend'];

export function maskBackendSecrets(described: PlainMap): PlainMap {
  let result = described;
  for (const section of BACKEND_SECTIONS) {
    const value = described[section];
    if (isPlainMap(value)) result = { ...result, [section]: maskSecrets(value) };
  }
  return result;
}

function maskSecrets(map: PlainMap): PlainMap {
  const masked: PlainMap = {};
  for (const [key, value] of Object.entries(map)) {
    if (SECRET_SETTINGS.has(key) && value !== null && value !== undefined && value !== '') masked[key] = '***';
    else masked[key] = isPlainMap(value) ? maskSecrets(value) : value;
  }
  return masked;
}
