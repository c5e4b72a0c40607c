import { describe, expect, it } from '@jest/globals';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type OperationDefinitionNode } from 'graphql';
import { COMPILE_AFTER_RUNS, compiledExecution } from '../../src/execution.js';
import { resolvers } from '../../src/resolvers.js';
import { loadTypeDefs } from '../../src/server.js';

const build = () => buildSubgraphSchema([{ typeDefs: loadTypeDefs(), resolvers: resolvers as never }]);

async function executorOf() {
  const gateway = compiledExecution(build);
  gateway.onSchemaLoadOrUpdate(() => {});
  const { executor } = await gateway.load({ apollo: {} as never });
  return executor!;
}

/** graphql-js builds result objects without a prototype; graphql-jit's compiled code builds plain objects. */
const engineOf = (data: unknown) => (Object.getPrototypeOf(data) === null ? 'graphql-js' : 'compiled');

function run(executor: Awaited<ReturnType<typeof executorOf>>, query: string, context: object = {}) {
  const document = parse(query);
  const operation = document.definitions[0] as OperationDefinitionNode;
  return (source: typeof document = document) =>
    executor({ document: source, operation, operationName: null, context, request: { variables: {} } } as never);
}

describe('compiled execution', () => {
  it(`runs a document on graphql-js ${COMPILE_AFTER_RUNS} times, then compiled, with the same result`, async () => {
    const exec = run(await executorOf(), '{ _service { sdl } }');
    const results = [];
    for (let i = 0; i <= COMPILE_AFTER_RUNS + 1; i++) results.push(await exec());
    expect(results.map((r) => engineOf(r.data))).toEqual([
      ...Array(COMPILE_AFTER_RUNS).fill('graphql-js'),
      'compiled',
      'compiled',
    ]);
    expect(JSON.stringify(results.at(-1))).toBe(JSON.stringify(results[0]));
  });

  it('never compiles a document seen once (a query with its ids written inline)', async () => {
    const executor = await executorOf();
    for (let i = 0; i < 5; i++) {
      const result = await run(executor, `{ _service { sdl } a${i}: __typename }`)();
      expect(engineOf(result.data)).toBe('graphql-js');
    }
  });

  it('keeps graphql-js for a request that asked for per-field hooks (an inline trace)', async () => {
    // How Apollo marks such a request's context (see requestPipeline.ts in @apollo/server).
    const context = {};
    Object.defineProperty(context, Symbol('apolloServerExecutionDispatcherWillResolveField'), { value: () => {} });
    const exec = run(await executorOf(), '{ _service { sdl } }', context);
    for (let i = 0; i <= COMPILE_AFTER_RUNS + 2; i++) expect(engineOf((await exec()).data)).toBe('graphql-js');
  });
});
