import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { PublicUrl } from '../../../shared/config';

/**
 * helmet's headers with a content security policy that Bull Board and the bundled API
 * docs satisfy: scripts only from our own origin (no inline script, no eval; a JSON data
 * block is not a script), styles from our origin plus inline ones (Bull Board's page has
 * style attributes and a <style> element), nothing framed, no plugins. Bull Board's web
 * font link points at a CDN and is blocked on purpose: installations are often offline
 * and the page falls back to a system font. HTTPS upgrades and HSTS only when the
 * public URL is HTTPS, or a plain-HTTP installation would lose its own assets.
 */
export function securityHeaders(publicUrl: PublicUrl | undefined): RequestHandler {
  const https = publicUrl?.secure ?? false;
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000 } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  return function securityHeaders(req, res, next) {
    headers(req, res, next);
  };
}
