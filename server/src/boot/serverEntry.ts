/**
 * dist/server.js: starts the language server bundle (dist/server-core.js) through the code cache (codeCache.ts).
 * The server writes the cache after its first review (session.ts calls `markWarm`).
 */
import * as path from 'node:path';
import { installSaveHook, loadCached } from './codeCache';
import { serverV8Flags, setV8Flags } from './v8Flags';

setV8Flags(serverV8Flags);
installSaveHook(loadCached(path.join(__dirname, 'server-core.js')));
