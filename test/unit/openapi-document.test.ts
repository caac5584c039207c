import 'reflect-metadata';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { getMetadataStorage } from 'class-validator';
import { createApp } from '../../services/api/app';
import { API_VERSION } from '../../services/api/api-version';
import { parseDto } from '../../services/api/dto/parse-dto';
import { HTTP_STATUS } from '../../services/api/http-status';
import { API_REGISTRY } from '../../services/api/registry/api-registry';
import { openApiDocument, openApiPath, routeErrorCodes } from '../../services/api/registry/openapi-document';
import type { DtoClass } from '../../services/api/registry/route-definition';
import { loadConfig } from '../../shared/config';
import { ErrorCode } from '../../shared/errors';
import type { Runtime } from '../../shared/runtime/runtime';
import { CLIENT_SCHEMA_FILE, DOCUMENT_FILE, renderClientSchema, renderDocument } from '../../scripts/openapi/generate-contract';
import { BASE_ENV } from '../helpers/config';
import { documentAjv, rebase } from '../helpers/openapi';

const document = openApiDocument(API_REGISTRY, API_VERSION);
type Operation = {
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<string, unknown>;
  security: Record<string, unknown>[];
};
const operation = (path: string, method: string) => document.paths[openApiPath(path)]?.[method] as unknown as Operation;

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  rawPath?: string;
  name: string;
}

/** Candidate values a client might send for any field: the schema and the DTO must agree on each. */
const PROBES: unknown[] = [
  null,
  '',
  'x',
  'database',
  'restore-test',
  'https://example.com/hook',
  'ops@example.com',
  0,
  1,
  7,
  -1,
  1.5,
  100_000,
  true,
  false,
  [],
  ['webhook'],
  ['ops@example.com'],
  ['x'],
  '6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
  ['6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b'],
  {},
];

function accepted(dto: DtoClass, body: unknown): boolean {
  try {
    parseDto(dto, body);
    return true;
  } catch {
    return false;
  }
}

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const { Validator } = await import('@seriousme/openapi-schema-validator');
    const result = await new Validator().validate(structuredClone(document));
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
    assert.equal(document.openapi, '3.1.0');
  });

  it('names every error code, auth scheme and operation once', () => {
    const errorSchema = document.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[] } } } } };
    assert.deepEqual(errorSchema.properties.error.properties.code.enum.sort(), Object.values(ErrorCode).sort());
    assert.deepEqual(Object.keys(document.components.securitySchemes).sort(), [
      'adminBasic',
      'adminKey',
      'metricsToken',
      'session',
      'triggerKey',
      'triggerKeyHeader',
    ]);
    const ids = API_REGISTRY.routes.map((r) => r.operationId);
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
  });

  it("lists each route's error codes under the status they answer with, in the error shape", () => {
    for (const route of API_REGISTRY.routes.filter((r) => !r.undocumented)) {
      const op = operation(route.path, route.method);
      for (const code of routeErrorCodes(route)) {
        const response = op.responses[String(HTTP_STATUS[code])] as {
          content: { 'application/json': { schema: { properties: { error: { properties: { code: { enum: string[] } }; required: string[] } } } } };
        };
        const schema = response?.content['application/json'].schema;
        assert.ok(schema?.properties.error.properties.code.enum.includes(code), `${route.method} ${route.path}: ${code}`);
        assert.deepEqual(schema.properties.error.required.sort(), ['code', 'message']);
      }
      if (route.auth.length) assert.ok(op.responses['401'], `${route.method} ${route.path} documents its 401`);
      assert.deepEqual(
        op.security,
        route.auth.map((name) => ({ [name]: [] })),
      );
    }
  });

  it('describes every route Express has mounted, and mounts every route it describes', () => {
    const fakeRuntime = { queues: { all: () => [] }, config: loadConfig(BASE_ENV), audit: {}, redis: {} } as unknown as Runtime;
    const app = createApp(fakeRuntime) as unknown as { router: { stack: Layer[] } };
    const mounted = app.router.stack.filter((l) => l.route).flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m} ${l.route!.path}`));
    const described = API_REGISTRY.routes.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual([...mounted].sort(), [...described].sort());
    const prefixes = app.router.stack.filter((l) => !l.route && l.rawPath !== '/').map((l) => l.rawPath);
    for (const prefix of prefixes)
      assert.ok(
        API_REGISTRY.mounts.some((m) => m.path === prefix),
        `${prefix} is mounted but not described`,
      );
    const global = app.router.stack.filter((l) => !l.route && l.rawPath === '/').map((l) => l.name);
    assert.deepEqual(
      global,
      ['requestLog', 'securityHeaders', 'corsPolicy', 'auditLog', 'notFoundHandler', 'errorHandler'],
      'no middleware outside the registry but these',
    );
    for (const route of API_REGISTRY.routes.filter((r) => !r.undocumented)) assert.ok(operation(route.path, route.method), `${route.method} ${route.path}`);
  });

  it('documents exactly the fields each params and query DTO validates, and which are required', () => {
    for (const route of API_REGISTRY.routes) {
      const parameters = operation(route.path, route.method)?.parameters ?? [];
      for (const [dto, location] of [
        [route.params, 'path'],
        [route.query, 'query'],
      ] as const) {
        if (!dto) continue;
        const validated = new Set(
          getMetadataStorage()
            .getTargetValidationMetadatas(dto, '', true, false)
            .map((m) => m.propertyName),
        );
        const documented = parameters.filter((p) => p.in === location);
        assert.deepEqual(documented.map((p) => p.name).sort(), [...validated].sort(), `${route.method} ${route.path} ${location}`);
        // parseDto of an empty query names exactly the required fields.
        const missing = (() => {
          try {
            parseDto(dto, {});
            return [];
          } catch (err) {
            return ((err as { details?: { field: string }[] }).details ?? []).map((d) => d.field);
          }
        })();
        assert.deepEqual(
          documented
            .filter((p) => p.required)
            .map((p) => p.name)
            .sort(),
          [...new Set(missing)].sort(),
          `${route.method} ${route.path} required ${location}`,
        );
      }
    }
  });

  it('each body schema accepts exactly what its DTO accepts: required fields, types, enums, bounds, null, unknown fields', () => {
    const ajv = documentAjv(document);
    const bodies = new Map(API_REGISTRY.routes.filter((r) => r.body).map((r) => [r.body!.name, r.body!]));
    assert.ok(bodies.size >= 8, 'every body DTO is checked');
    for (const [name, dto] of bodies) {
      const validate = ajv.compile(rebase({ $ref: `#/components/schemas/${name}` }) as object);
      const schema = document.components.schemas[name] as { properties: Record<string, unknown>; required?: string[] };
      // A smallest valid body: each required field set to the first probe its documented schema accepts.
      const base: Record<string, unknown> = {};
      for (const field of schema.required ?? []) {
        const fits = ajv.compile(rebase(schema.properties[field]) as object);
        base[field] = PROBES.find((v) => fits(v));
      }
      assert.equal(accepted(dto, base), true, `${name}: smallest body ${JSON.stringify(base)}`);
      assert.equal(validate(base), true, `${name}: ${JSON.stringify(validate.errors)}`);
      for (const field of schema.required ?? []) {
        const without = { ...base };
        delete without[field];
        assert.equal(accepted(dto, without), false, `${name}: ${field} is required by the DTO`);
        assert.equal(validate(without), false, `${name}: ${field} is required by the document`);
      }
      const unknown = { ...base, surprise: 1 };
      assert.equal(accepted(dto, unknown), false, `${name}: the DTO refuses unknown fields`);
      assert.equal(validate(unknown), false, `${name}: the document refuses unknown fields`);
      for (const field of Object.keys(schema.properties)) {
        for (const value of PROBES) {
          const body = { ...base, [field]: value };
          assert.equal(
            validate(body),
            accepted(dto, body),
            `${name}.${field} = ${JSON.stringify(value)}: document says ${validate(body)}, DTO says ${accepted(dto, body)}`,
          );
        }
      }
    }
  });

  it('the committed docs/openapi.json and the generated client types are up to date (npm run gen:client)', async function () {
    this.timeout(60_000);
    const committed = await readFile(DOCUMENT_FILE, 'utf8');
    const current = renderDocument();
    assert.ok(committed === current, `${DOCUMENT_FILE} is stale: run npm run gen:client`);
    assert.ok((await readFile(CLIENT_SCHEMA_FILE, 'utf8')) === (await renderClientSchema(current)), `${CLIENT_SCHEMA_FILE} is stale: run npm run gen:client`);
  });
});
