import { Type } from '@sinclair/typebox';
import { API_VERSION } from '../api-version';
import type { ApiRegistry } from '../registry/api-registry';
import { openApiDocument, OpenApiDocument } from '../registry/openapi-document';
import { defineRoute, RouteDefinition } from '../registry/route-definition';

/**
 * GET /api/openapi.json, without auth: the document holds no secret (only
 * routes, shapes and scheme names), and the docs page must load it before a
 * key is entered. Built once, on first request.
 */
export function openApiRoutes(registry: () => ApiRegistry): RouteDefinition[] {
  let document: OpenApiDocument | undefined;
  return [
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      operationId: 'getOpenApiDocument',
      summary: 'This document (OpenAPI 3.1)',
      tag: 'docs',
      auth: [],
      responses: { 200: { description: 'The OpenAPI document', schema: Type.Object({ openapi: Type.String() }) } },
      handler: () => ({ body: (document ??= openApiDocument(registry(), API_VERSION)) }),
    }),
  ];
}
