// `node --import ./test/helpers/tsRegister.mjs src/….ts`: runs the TypeScript sources (see tsLoader.mjs).
import { register } from 'node:module';

register('./tsLoader.mjs', import.meta.url);
