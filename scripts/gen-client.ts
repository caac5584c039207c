import { writeFile } from 'node:fs/promises';
import { CLIENT_SCHEMA_FILE, DOCUMENT_FILE, renderClientSchema, renderDocument } from './openapi/generate-contract';

/** `npm run gen:client`: writes the OpenAPI document and the client's types from the route registry. */
async function main(): Promise<void> {
  const document = renderDocument();
  await writeFile(DOCUMENT_FILE, document);
  await writeFile(CLIENT_SCHEMA_FILE, await renderClientSchema(document));
  process.stdout.write(`Wrote ${DOCUMENT_FILE} and ${CLIENT_SCHEMA_FILE}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
