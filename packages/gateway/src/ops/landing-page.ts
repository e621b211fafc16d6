// The page at `/` until the web UI is served from the same process: what this is and where to go.

export function landingPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bourse</title>
<style>body{font:16px/1.6 system-ui,sans-serif;max-width:640px;margin:4rem auto;padding:0 1rem}</style>
</head><body><h1>Bourse</h1><p>The exchange is running. The web UI is coming; until then use the API.</p>
<ul><li><a href="/docs">API documentation</a> (<a href="/openapi.json">OpenAPI</a>)</li>
<li><a href="/api/v1/markets">Markets (JSON)</a></li><li><a href="/metrics">Metrics</a>,
<a href="/healthz">health</a>, <a href="/readyz">readiness</a></li></ul></body></html>`;
}
