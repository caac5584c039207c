import { version } from '../../package.json';

/** The release, as package.json names it: the document's info.version and GET /api/system's. */
export const API_VERSION: string = version;
