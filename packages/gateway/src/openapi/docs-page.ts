// A readable, self-contained HTML rendering of the OpenAPI document for `/docs`: no scripts, no CDN,
// one request. Endpoints are grouped by tag with their schemas in collapsible blocks.

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Op {
  summary?: string;
  tags?: string[];
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  'x-scope'?: string;
}

export function docsPage(doc: {
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, unknown>>;
  'x-error-codes': { code: string; status: number; message: string }[];
}): string {
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, raw] of Object.entries(ops)) {
      const op = raw as Op;
      const tag = op.tags?.[0] ?? 'other';
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<li><code>${esc(p.name)}</code> (${p.in}${p.required ? ', required' : ''}): <code>${esc(JSON.stringify(p.schema))}</code></li>`,
        )
        .join('');
      const body = op.requestBody
        ? `<details><summary>Request body schema</summary><pre>${esc(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2))}</pre></details>`
        : '';
      const html =
        `<section class="op"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code>` +
        ` <small>${esc(op['x-scope'] ?? '')}</small></h3><p>${esc(op.summary ?? '')}</p>` +
        (params ? `<ul>${params}</ul>` : '') +
        body +
        '</section>';
      const list = byTag.get(tag) ?? [];
      list.push(html);
      byTag.set(tag, list);
    }
  }
  const sections = [...byTag]
    .map(([tag, ops]) => `<h2 id="${esc(tag)}">${esc(tag)}</h2>${ops.join('')}`)
    .join('');
  const errors = doc['x-error-codes']
    .map(
      (e) =>
        `<tr><td><code>${esc(e.code)}</code></td><td>${e.status}</td><td>${esc(e.message)}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f5f7;padding:.75rem;overflow:auto}
.op{border-top:1px solid #e3e5ea;padding:.25rem 0}.m{display:inline-block;min-width:4.5em;font-size:12px;
color:#fff;padding:2px 6px;border-radius:3px;background:#57606f}.get{background:#2f7d32}.post{background:#1565c0}
.delete{background:#c62828}.patch{background:#8e24aa}small{color:#777}table{border-collapse:collapse}
td{border-bottom:1px solid #eee;padding:2px 8px}</style></head><body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1><p>${esc(doc.info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>${sections}
<h2 id="errors">Error codes</h2><p>Every error body is <code>{"error":{"code","message"}}</code>.</p>
<table>${errors}</table></body></html>`;
}
