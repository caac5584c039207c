import { Type } from '@sinclair/typebox';
import express, { NextFunction, Request, Response } from 'express';
import { dirname } from 'node:path';
import { defineRoute, MountDefinition, Reply, RouteDefinition } from '../registry/route-definition';

/** Swagger UI files the page loads, served from node_modules: the docs work offline and load nothing from a CDN. */
const ASSETS = new Set(['/swagger-ui.css', '/swagger-ui-bundle.js', '/favicon-32x32.png']);

// No inline script, so the page runs under `script-src 'self'`; the document URL is relative, so a base path works.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Kanbu Backup API</title>
<link rel="stylesheet" href="assets/swagger-ui.css">
<link rel="icon" type="image/png" href="assets/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="assets/swagger-ui-bundle.js"></script>
<script src="init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({ url: new URL('../openapi.json', window.location.href).href, dom_id: '#swagger-ui', deepLinking: true });
`;

export const docsRoutes: RouteDefinition[] = [
  defineRoute({
    method: 'get',
    path: '/api/docs',
    operationId: 'getDocs',
    summary: 'Interactive API reference (Swagger UI, bundled)',
    description:
      "Needs a content security policy of at least: default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'.",
    tag: 'docs',
    auth: [],
    responses: {
      200: { description: 'The page', contentType: 'text/html', schema: Type.String() },
      301: { description: 'To `/api/docs/`, so the page finds its assets by relative URLs', contentType: 'text/plain' },
    },
    handler: ({ req }): Reply => {
      if (!req.path.endsWith('/')) return { status: 301, headers: { Location: 'docs/' }, body: 'Moved to docs/' };
      return { body: PAGE, headers: { 'Cache-Control': 'no-cache' } };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/docs/init.js',
    operationId: 'getDocsScript',
    summary: "Starts Swagger UI on this API's document",
    tag: 'docs',
    auth: [],
    undocumented: true,
    responses: { 200: { description: 'Script', contentType: 'text/javascript', schema: Type.String() } },
    handler: () => ({ body: INIT }),
  }),
];

export const docsMount: MountDefinition = {
  path: '/api/docs/assets',
  summary: 'Swagger UI assets from swagger-ui-dist',
  auth: [],
  router: () => {
    const serve = express.static(dirname(require.resolve('swagger-ui-dist/swagger-ui-bundle.js')), { index: false, maxAge: '1d' });
    return (req: Request, res: Response, next: NextFunction) => (ASSETS.has(req.path) ? serve(req, res, next) : next());
  },
};
