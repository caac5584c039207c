import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from '../../services/api/registry/openapi-document';

/** Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1) that resolves `#/components/schemas/…` in the document. */
export function documentAjv(document: OpenApiDocument): Ajv2020 {
  const ajv = new Ajv2020({ strict: true, allErrors: true, strictTuples: false });
  addFormats(ajv);
  ajv.addSchema(rebase({ $id: 'openapi', $defs: document.components.schemas }) as object);
  return ajv;
}

/** A response schema of the document, with `#/components` refs pointing into it. */
export function responseSchema(document: OpenApiDocument, path: string, method: string, status: number, media = 'application/json') {
  const operation = document.paths[path]?.[method] as { responses: Record<string, { content: Record<string, { schema: unknown }> }> } | undefined;
  const schema = operation?.responses[String(status)]?.content[media]?.schema;
  if (!schema) throw new Error(`The document has no ${status} ${media} response for ${method.toUpperCase()} ${path}`);
  return rebase(schema);
}

/** `#/components/schemas/x` → `openapi#/$defs/x`, so the schema compiles on its own. */
export function rebase(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', '"openapi#/$defs/'));
}
