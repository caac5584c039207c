import type { TSchema } from '@sinclair/typebox';
import { ErrorCode } from '../../../shared/errors';
import { HTTP_STATUS } from '../http-status';
import { ErrorBody, errorBodySchema } from '../schemas/error.schema';
import type { ApiRegistry } from './api-registry';
import { AUTH_SCHEMES } from './auth-schemes';
import { dtoParameters, dtoSchema, JsonSchema } from './dto-schema';
import type { ResponseSpec, RouteDefinition } from './route-definition';

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, JsonSchema>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, unknown> };
};

/** The codes a route can answer besides its own: from its auth, its DTOs and the body parser. */
export function routeErrorCodes(route: RouteDefinition): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  if (route.auth.length) codes.add(ErrorCode.Unauthorized);
  if (route.params || route.query || route.body) codes.add(ErrorCode.ValidationFailed);
  if (route.body) [ErrorCode.InvalidJson, ErrorCode.PayloadTooLarge].forEach((c) => codes.add(c));
  codes.add(ErrorCode.Internal);
  return [...codes];
}

/** `/api/backups/:id` → `/api/backups/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Moves every titled schema into components.schemas and leaves a $ref in its place. */
function hoist(node: unknown, components: Record<string, JsonSchema>): unknown {
  if (Array.isArray(node)) return node.map((n) => hoist(n, components));
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, hoist(v, components)] as const);
  const schema = Object.fromEntries(entries) as JsonSchema;
  const name = schema.title;
  if (typeof name !== 'string') return schema;
  const known = components[name];
  if (known && JSON.stringify(known) !== JSON.stringify(schema)) throw new Error(`Two different response schemas are named ${name}`);
  components[name] = schema;
  return { $ref: `#/components/schemas/${name}` };
}

function content(spec: ResponseSpec, components: Record<string, JsonSchema>): JsonSchema {
  const media = spec.contentType ?? 'application/json';
  return { [media]: spec.schema ? { schema: hoist(JSON.parse(JSON.stringify(spec.schema as TSchema)), components) } : {} };
}

function operation(route: RouteDefinition, components: Record<string, JsonSchema>): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = { description: spec.description, content: content(spec, components), ...(spec.headers ? { headers: headers(spec) } : {}) };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of routeErrorCodes(route)) byStatus.set(HTTP_STATUS[code], [...(byStatus.get(HTTP_STATUS[code]) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: JSON.parse(JSON.stringify(errorBodySchema(codes))) } },
    };
  }
  const parameters = [...(route.params ? dtoParameters(route.params, 'path') : []), ...(route.query ? dtoParameters(route.query, 'query') : [])];
  const op: JsonSchema = {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.auth.map((name) => ({ [name]: [] })),
    ...(parameters.length ? { parameters } : {}),
    responses,
    'x-error-codes': routeErrorCodes(route),
  };
  if (route.body) {
    const name = route.body.name;
    const schema = dtoSchema(route.body, { nullable: true });
    components[name] = schema;
    op.requestBody = {
      required: ((schema.required as string[] | undefined) ?? []).length > 0,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
    };
  }
  return op;
}

function headers(spec: ResponseSpec): JsonSchema {
  return Object.fromEntries(
    Object.entries(spec.headers ?? {}).map(([name, h]) => [name, { description: h.description, schema: JSON.parse(JSON.stringify(h.schema)) }]),
  );
}

/** The OpenAPI 3.1 description of every route and mount of the registry. */
export function openApiDocument(registry: ApiRegistry, version: string): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  hoist(JSON.parse(JSON.stringify(ErrorBody)), schemas);
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of registry.routes.filter((r) => !r.undocumented)) {
    (paths[openApiPath(route.path)] ??= {})[route.method] = operation(route, schemas);
  }
  for (const mount of registry.mounts.filter((m) => m.page)) {
    const page = mount.page!;
    (paths[mount.path] ??= {}).get = {
      operationId: page.operationId,
      summary: mount.summary,
      tags: [page.tag],
      security: mount.auth.map((name) => ({ [name]: [] })),
      responses: {
        200: { description: page.response.description, content: content(page.response, schemas) },
        [HTTP_STATUS[ErrorCode.Unauthorized]]: {
          description: ErrorCode.Unauthorized,
          content: { 'application/json': { schema: JSON.parse(JSON.stringify(errorBodySchema([ErrorCode.Unauthorized]))) } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Kanbu Backup API',
      version,
      description:
        'Every error answers `{"error":{"code","message","details?"}}`; clients match on `code`. Each operation lists its codes (by status, and in `x-error-codes`). Unknown routes answer 404 `ROUTE_NOT_FOUND`.',
    },
    servers: [{ url: '/' }],
    tags: [...new Set(registry.routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: { schemas, securitySchemes: Object.fromEntries(Object.entries(AUTH_SCHEMES).map(([name, scheme]) => [name, scheme.openapi])) },
  };
}
