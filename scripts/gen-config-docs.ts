import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderEnvExample, withConfigTable } from '../shared/config/env-docs';

/** `npm run docs:config`: rewrites .env.example and the README's configuration table from shared/config/env.ts. */
const root = join(__dirname, '..', '..');
writeFileSync(join(root, '.env.example'), renderEnvExample());
const readmePath = join(root, 'README.md');
writeFileSync(readmePath, withConfigTable(readFileSync(readmePath, 'utf8')));
process.stdout.write('Updated .env.example and the README configuration table\n');
