/**
 * Input variables a Terraform component declares `sensitive = true`: their values are secrets
 * wherever we print them (describe, logs), even when they were written in a manifest.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const VARIABLE_BLOCK = /variable\s+"([^"]+)"\s*\{/g;

export function sensitiveVariables(componentPath: string): Set<string> {
  const names = new Set<string>();
  if (!existsSync(componentPath)) return names;
  for (const entry of readdirSync(componentPath)) {
    if (!entry.endsWith('.tf')) continue;
    const text = readFileSync(join(componentPath, entry), 'utf8');
    for (const match of text.matchAll(VARIABLE_BLOCK)) {
      const body = blockBody(text, (match.index ?? 0) + match[0].length);
      if (/^\s*sensitive\s*=\s*true\b/m.test(body)) names.add(match[1]);
    }
  }
  return names;
}

/** The text up to the brace that closes the block starting at `start` (strings and comments are rare enough in variable blocks to ignore). */
function blockBody(text: string, start: number): string {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(start, i);
  }
  return text.slice(start);
}
