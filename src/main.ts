/*
 * Entry point. graphql-js (and express) pick their production code paths from NODE_ENV when first imported; with
 * it unset graphql-js adds cross-realm checks that cost ~30% of a list query's CPU (docs/performance.md). The
 * gateway's own safety defaults never depend on NODE_ENV (config.ts), so it defaults to production here, before
 * anything else loads. `npm run dev` sets development.
 */
process.env.NODE_ENV ??= 'production';
await import('./boot.js');
export {};
