// orval turns Tollgate's OpenAPI document into a fetch client; every call goes through the mutator (tollgate-fetch.ts).
import { defineConfig } from 'orval';

export default defineConfig({
  tollgate: {
    input: { target: process.env.TOLLGATE_OPENAPI ?? './openapi.json' },
    output: {
      target: './generated/tollgate.ts',
      client: 'fetch',
      mode: 'single',
      override: {
        mutator: { path: './tollgate-fetch.ts', name: 'tollgateFetch' },
      },
    },
  },
});
