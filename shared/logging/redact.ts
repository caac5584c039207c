const MIN_SECRET_LENGTH = 4;
const secrets = new Set<string>();

/** Registers a value that must never be printed (keys, passwords). Logs and error texts mask it. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

// Up to the last "@" before the host: a password may itself contain "@".
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/]+@/gi;
const PASSWORD_ASSIGNMENT = /\b(PGPASSWORD|password)=\S+/gi;

/** Masks registered secrets, passwords inside URLs and `password=` assignments. */
export function redact(text: string): string {
  let out = text.replace(URL_CREDENTIALS, '$1***@').replace(PASSWORD_ASSIGNMENT, '$1=***');
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}
