/**
 * graphql-codegen's client preset against cdr-gateway, for a frontend project.
 *
 *   1. Get the schema: `npm run schema:print > cdr-gateway.graphql` in this repository (or point `schema`
 *      at a running gateway's URL: introspection is on in demo mode and development).
 *   2. In the frontend: `npm i -D @graphql-codegen/cli @graphql-codegen/client-preset`, copy this file as
 *      `codegen.ts`, and run `npx graphql-codegen`.
 *   3. Write operations with the generated `graphql()` and pass them to Apollo Client, urql or
 *      graphql-request: results and variables are typed.
 */
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: process.env.CDR_SCHEMA ?? './cdr-gateway.graphql',
  documents: ['src/**/*.{ts,tsx}'],
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      config: {
        // Match the gateway's scalars: DateTime is an ISO-8601 string on the wire.
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
  },
};

export default config;
