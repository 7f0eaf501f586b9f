// Mermaid's own parser on the diagrams read from stdin (a JSON list of texts: one start-up of
// mermaid for many diagrams), in plain Node: jsdom supplies the DOM that mermaid's sanitiser
// needs, nothing is rendered (no browser). Prints, as a JSON list, what Mermaid understood of
// each (vertices with their label and classes, edges, subgraphs, class definitions), or
// `{"error": "..."}` for one it does not accept (and exits 1).
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

async function understand(text) {
  try {
    await mermaid.parse(text);
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    return {
      type: diagram.type,
      vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text), classes: v.classes })),
      edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: decode(e.text), stroke: e.stroke })),
      subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decode(s.title), nodes: s.nodes })),
      classes: [...db.getClasses().keys()],
    };
  } catch (error) {
    process.exitCode = 1;
    return { error: String(error?.message ?? error) };
  }
}

const summaries = [];
for (const text of JSON.parse(readFileSync(0, 'utf8'))) summaries.push(await understand(text));
process.stdout.write(JSON.stringify(summaries) + '\n');
