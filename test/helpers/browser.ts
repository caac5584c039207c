import assert from 'node:assert/strict';
import { http, HttpResult } from './http';

export interface SignedIn {
  /** `kanbu_backup_session=<token>`, as a browser would send it back. */
  cookie: string;
  /** The Set-Cookie header as the API sent it. */
  setCookie: string;
  sessionId: string;
  res: HttpResult;
}

/** POST /api/session with the key, like the console's sign-in form (same origin). */
export async function signIn(baseUrl: string, key: string, headers: Record<string, string> = {}): Promise<SignedIn> {
  const res = await http('POST', `${baseUrl}/api/session`, { body: { key }, headers: { origin: new URL(baseUrl).origin, ...headers } });
  assert.equal(res.status, 201, res.text);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('kanbu_backup_session='));
  assert.ok(setCookie, `no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return { cookie: setCookie.split(';')[0], setCookie, sessionId: res.body.id, res };
}

/** A request as a same-origin page of the API would make it, with the session cookie. */
export function asBrowser(baseUrl: string, cookie: string, extra: Record<string, string> = {}): Record<string, string> {
  return { cookie, origin: new URL(baseUrl).origin, 'sec-fetch-site': 'same-origin', ...extra };
}
