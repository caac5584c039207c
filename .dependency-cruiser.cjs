// Dependency rules for `npm run lint` (layering from DESIGN.md "Layering"):
//
//   services/*  →  shared/runtime (wiring only)  →  shared/{jobs, notify, monitoring}
//     →  shared/{engine, catalog, queue, domain}  →  shared/{errors, logging, util, config}
//
// A module may import its own layer or any lower one, never a higher one. Import cycles
// between folders of shared/ (which these module rules cannot see) are found by
// scripts/lint/check-dependencies.mjs, which runs this config and then checks folder cycles.

const USE_CASES = '^shared/(jobs|notify|monitoring)/';
const ADAPTERS = '^shared/(engine|catalog|queue|domain)/';
const BASE = '^shared/(errors|logging|util|config)/';

// shared/domain is pure: no I/O, no HTTP, no database. Besides itself it may use only
// these, all of which compute without touching the outside world.
const DOMAIN_ALLOWED = [
  '^shared/domain/',
  '^shared/errors/', // AppError and ErrorCode: plain classes
  '(^|/)node_modules/luxon/', // date arithmetic
  '(^|/)node_modules/cron-parser/', // cron expressions
  '^(node:)?path$', // path.posix string manipulation of backup names
  '^(node:)?crypto$', // key derivation and hashing are computations
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles between modules.',
      from: {},
      // A type-only cycle (TypeORM's two-sided relations) has no load-order effect.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'shared-not-services',
      severity: 'error',
      comment: 'Nothing in shared/ imports services/.',
      from: { path: '^shared/' },
      to: { path: '^services/' },
    },
    {
      name: 'scripts-not-test',
      severity: 'error',
      comment: 'scripts/ never import test/ (shared helpers live in scripts/lib/).',
      from: { path: '^scripts/' },
      to: { path: '^test/' },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'shared/domain has no I/O; see DOMAIN_ALLOWED.',
      from: { path: '^shared/domain/' },
      to: { pathNot: DOMAIN_ALLOWED },
    },
    {
      name: 'runtime-is-top-of-shared',
      severity: 'error',
      comment: 'Only services/ (and scripts/, test/) use the wiring in shared/runtime.',
      from: { path: '^shared/', pathNot: '^shared/runtime/' },
      to: { path: '^shared/runtime/' },
    },
    {
      name: 'adapters-below-use-cases',
      severity: 'error',
      comment: 'engine, catalog, queue and domain do not import jobs, notify or monitoring.',
      from: { path: [ADAPTERS, BASE] },
      to: { path: USE_CASES },
    },
    {
      name: 'base-below-adapters',
      severity: 'error',
      // config may use the pure domain (cron and retention validation); domain never imports
      // config back, which the folder-cycle check enforces.
      comment: 'errors, logging, util and config do not import engine, catalog or queue.',
      from: { path: BASE },
      to: { path: '^shared/(engine|catalog|queue)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
