/**
 * Where in the manifests a component instance's var is set, so a contract error can name the
 * file and line to edit. The merged instance no longer knows which layer a scalar came from, so
 * this looks the key up in the stack manifest and its imports in Atmos's precedence order:
 * overrides, then the component and its bases (`metadata.inherits`), then `terraform.vars` and
 * global `vars`; within each layer the stack manifest first, then the imports last-to-first
 * (a later import wins a merge). Positions come from the `yaml` package's parser; a manifest it
 * cannot read (a Go template that is not YAML before rendering) is skipped.
 */
import { readFileSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { yamlLib } from '../yaml-lib';
import type { SourceLocation } from '../errors/user-error';
import type { ComponentInstance } from '../stacks/types';

type KeyPath = string[];

interface ParsedManifest {
  document: Document;
  lines: LineCounter;
}

export class ManifestPositions {
  private readonly parsed = new Map<string, ParsedManifest | null>();

  constructor(private readonly read: (file: string) => string = (file) => readFileSync(file, 'utf8')) {}

  /** 1-based line and column of the key at `path`; a key written as a template (`lambda/{{ .name }}`) matches any name. */
  find(file: string, path: KeyPath): { line: number; column: number } | undefined {
    const manifest = this.manifest(file);
    if (!manifest) return undefined;
    let node: unknown = manifest.document.contents;
    let keyOffset: number | undefined;
    const { isMap, isScalar } = yamlLib();
    for (const segment of path) {
      if (!isMap(node)) return undefined;
      const pair = node.items.find((item) => isScalar(item.key) && keyMatches(String(item.key.value), segment));
      if (!pair || !isScalar(pair.key)) return undefined;
      keyOffset = pair.key.range?.[0];
      node = pair.value;
    }
    if (keyOffset === undefined) return undefined;
    const { line, col } = manifest.lines.linePos(keyOffset);
    return { line, column: col };
  }

  private manifest(file: string): ParsedManifest | null {
    let manifest = this.parsed.get(file);
    if (manifest === undefined) {
      manifest = null;
      try {
        const { LineCounter, parseDocument } = yamlLib();
        const lines = new LineCounter();
        // Atmos tags (!terraform.state, !env, ...) are unknown to `yaml`: it warns and keeps the node.
        const document = parseDocument(this.read(file), { lineCounter: lines, uniqueKeys: false, logLevel: 'silent' });
        if (document.errors.length === 0) manifest = { document, lines };
      } catch {
        manifest = null;
      }
      this.parsed.set(file, manifest);
    }
    return manifest;
  }
}

function keyMatches(written: string, wanted: string): boolean {
  if (written === wanted) return true;
  if (!written.includes('{{')) return false;
  const pattern = written.split(/\{\{.*?\}\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+');
  return new RegExp(`^${pattern}$`).test(wanted);
}

/** The manifests of an instance, most specific first: the stack manifest, then its imports last-to-first. */
function manifestsOf(instance: ComponentInstance): string[] {
  return [instance.manifestFile, ...[...instance.imports].reverse()];
}

/**
 * Where `<section>.<keys...>` of the instance is set (`vars.vpc_id`, `settings.validation.x`);
 * the stack manifest (no line) when no layer names it.
 */
export function locateSetting(instance: ComponentInstance, section: 'vars' | 'settings', keys: string[], positions: ManifestPositions): SourceLocation {
  const components = [instance.component, ...instance.inheritance];
  const layers: KeyPath[] = [
    ['terraform', 'overrides', section, ...keys],
    ['overrides', section, ...keys],
    ...components.map((component) => ['components', 'terraform', component, section, ...keys]),
    ['terraform', section, ...keys],
    [section, ...keys],
  ];
  for (const path of layers) {
    for (const file of manifestsOf(instance)) {
      const position = positions.find(file, path);
      if (position) return { file, ...position };
    }
  }
  return { file: instance.manifestFile };
}

export function locateVar(instance: ComponentInstance, name: string, positions: ManifestPositions): SourceLocation {
  return locateSetting(instance, 'vars', [name], positions);
}

/** Where the instance's component is configured: its entry in the stack manifest, else the nearest import defining it. */
export function locateComponent(instance: ComponentInstance, positions: ManifestPositions): SourceLocation {
  for (const component of [instance.component, ...instance.inheritance]) {
    for (const file of manifestsOf(instance)) {
      const position = positions.find(file, ['components', 'terraform', component]);
      if (position) return { file, ...position };
    }
  }
  return { file: instance.manifestFile };
}
