import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api-schema';

export type { components, paths } from './api-schema';

export type ApiClient = Client<paths>;

/**
 * A typed client of the Kanbu Backup API (openapi-fetch over the generated
 * types). `token`: the admin key, sent as a Bearer header.
 */
export function createApiClient(baseUrl: string, options: { token?: string; fetch?: typeof fetch } = {}): ApiClient {
  return createClient<paths>({
    baseUrl,
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
