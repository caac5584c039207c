/** Just enough of CSP level 3 for tests: does a policy allow a resource of a page? */
export type CspDirectives = Record<string, string[]>;

export function parseCsp(header: string): CspDirectives {
  const directives: CspDirectives = {};
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives[name.toLowerCase()] = values;
  }
  return directives;
}

function sources(policy: CspDirectives, directive: string): string[] {
  return policy[directive] ?? policy['default-src'] ?? [];
}

/** Whether `directive` (e.g. script-src) lets a page at `pageUrl` load `resourceUrl`. */
export function cspAllows(policy: CspDirectives, directive: string, pageUrl: string, resourceUrl: string): boolean {
  const page = new URL(pageUrl);
  const resource = new URL(resourceUrl, pageUrl);
  return sources(policy, directive).some((source) => {
    if (source === "'none'") return false;
    if (source === "'self'") return resource.origin === page.origin;
    if (source === 'data:' || source === 'https:' || source === 'blob:') return resource.protocol === source;
    if (/^https?:\/\//.test(source)) return resourceUrl.startsWith(source);
    return false;
  });
}

export function cspAllowsInline(policy: CspDirectives, directive: string): boolean {
  return sources(policy, directive).includes("'unsafe-inline'");
}
