import { isIP } from 'node:net';
import { registerDecorator, ValidationOptions } from 'class-validator';

/** Express's `trust proxy` setting: `false`, `true` (any hop), a hop count, or addresses / subnets / named ranges. */
export type TrustProxy = boolean | number | string[];

const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrSubnet(item: string): boolean {
  if (NAMED_RANGES.includes(item)) return true;
  const [address, bits, extra] = item.split('/');
  if (extra !== undefined || !isIP(address)) return false;
  if (bits === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/** `undefined` when the value is not a valid BACKUP_TRUST_PROXY. */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 && items.every(isAddressOrSubnet) ? items : undefined;
}

/** `scheme://host[:port]` exactly, as a browser sends it in `Origin`. */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return ['http:', 'https:'].includes(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

export function parseOriginList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().replace(/\/$/, ''))
    .filter(Boolean);
}

/** Where browsers reach the API: its origin, whether it is HTTPS, and the base path (no trailing slash; '' at the root). */
export interface PublicUrl {
  origin: string;
  secure: boolean;
  basePath: string;
}

export function parsePublicUrl(value: string): PublicUrl | undefined {
  try {
    const url = new URL(value);
    if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username || url.password) return undefined;
    return { origin: url.origin, secure: url.protocol === 'https:', basePath: url.pathname.replace(/\/+$/, '') };
  } catch {
    return undefined;
  }
}

function register(name: string, message: string, validate: (value: string) => boolean, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && validate(value) },
    });
  };
}

export const IsTrustProxy = (options?: ValidationOptions) =>
  register(
    'isTrustProxy',
    'must be false, true, a number of proxy hops, or a comma list of proxy addresses / subnets (e.g. 10.0.0.0/8, loopback)',
    (v) => parseTrustProxy(v) !== undefined,
    options,
  );

export const IsOriginList = (options?: ValidationOptions) =>
  register(
    'isOriginList',
    'must be a comma list of origins such as https://kanbu.example.com (scheme, host and port only, no path)',
    (v) => parseOriginList(v).length > 0 && parseOriginList(v).every(isOrigin),
    options,
  );

export const IsPublicUrl = (options?: ValidationOptions) =>
  register(
    'isPublicUrl',
    'must be an http:// or https:// URL without credentials, query or fragment, e.g. https://backup.example.com/kanbu-backup',
    (v) => parsePublicUrl(v) !== undefined,
    options,
  );
