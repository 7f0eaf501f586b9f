// Mermaid's own parser on the text read from stdin, in plain Node: jsdom supplies the DOM that
// mermaid's sanitiser needs, nothing is rendered (no browser). Prints what Mermaid understood
// (vertices with their label and classes, edges, subgraphs, class definitions) as JSON, or
// `{"error": "..."}` and exit 1 when it does not accept the text.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

// The parser keeps `#34;`-style entities in an encoded form that the renderer decodes as HTML;
// decode them the same way, so the labels read as a person sees them.
const decode = (text) => {
  const html = String(text).replace(/ﬂ°°/g, '&#').replace(/ﬂ°/g, '&').replace(/¶ß/g, ';');
  const area = document.createElement('textarea');
  area.innerHTML = html;
  return area.value;
};

const text = readFileSync(0, 'utf8');
try {
  await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db;
  const summary = {
    type: diagram.type,
    vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text), classes: v.classes })),
    edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: decode(e.text), stroke: e.stroke })),
    subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decode(s.title), nodes: s.nodes })),
    classes: [...db.getClasses().keys()],
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.message ?? error) }) + '\n');
  process.exitCode = 1;
}
