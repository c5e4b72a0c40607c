import { buildSubgraphSchema } from '@apollo/subgraph';
import { graphqlSync } from 'graphql';
import { loadTypeDefs } from './server.js';

/** This subgraph's SDL exactly as it answers `_service { sdl }` (what a router or `rover` composes). */
export function subgraphSdl(): string {
  const result = graphqlSync({
    schema: buildSubgraphSchema([{ typeDefs: loadTypeDefs() }]),
    source: '{ _service { sdl } }',
  });
  const sdl = (result.data?._service as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error('the subgraph schema has no _service.sdl');
  return sdl;
}
