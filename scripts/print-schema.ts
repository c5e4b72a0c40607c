/** Prints the subgraph SDL for `rover supergraph compose` (npm run schema:print > calls.graphql). */
import { subgraphSdl } from '../src/subgraph-sdl.js';

process.stdout.write(`${subgraphSdl()}\n`);
