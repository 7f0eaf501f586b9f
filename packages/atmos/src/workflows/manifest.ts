/**
 * Workflow manifests, Atmos's format: YAML files under `workflows.base_path`, each with a
 * top-level `workflows:` map of `<name>: { description, stack, env, steps: [{ name, command,
 * type: atmos|shell, stack, env }] }`. Unnamed steps become step1, step2, ... (Atmos's rule).
 * Every mistake names the file and line.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, isAbsolute, join, relative } from 'node:path';
import { globFiles } from '../glob-files';
import { posixPath } from '../posix-path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { AtmosUserError, type SourceLocation } from '../errors/user-error';

export type StepType = 'atmos' | 'shell';

export interface WorkflowStep {
  name: string;
  command: string;
  type: StepType;
  stack?: string;
  env: Record<string, string>;
  location: SourceLocation;
}

export interface Workflow {
  name: string;
  description?: string;
  stack?: string;
  env: Record<string, string>;
  steps: WorkflowStep[];
  /** The manifest file (absolute) and its name relative to the base path without extension (Atmos's `-f` value). */
  file: string;
  fileName: string;
}

const WORKFLOW_KEYS = new Set(['description', 'stack', 'env', 'steps']);
const STEP_KEYS = new Set(['name', 'command', 'type', 'stack', 'env']);

/** Every workflow manifest under the base path (`.yaml`/`.yml`, any depth), sorted. */
export function workflowFiles(basePath: string): string[] {
  if (!existsSync(basePath) || !statSync(basePath).isDirectory()) return [];
  return globFiles('**/*.{yaml,yml}', { cwd: basePath, onlyFiles: true }).sort();
}

/** `-f` as Atmos reads it: relative to the base path, the extension optional. */
export function resolveWorkflowFile(basePath: string, file: string): string {
  const path = isAbsolute(file) ? file : join(basePath, file);
  if (extname(path) === '') {
    for (const ext of ['.yaml', '.yml']) if (existsSync(path + ext)) return path + ext;
    return path + '.yaml';
  }
  return path;
}

/** The workflow named `name` in `file`, or (without a file) in the one manifest that defines it. */
export function findWorkflow(basePath: string, name: string, file?: string): Workflow {
  if (file !== undefined) {
    const path = resolveWorkflowFile(basePath, file);
    if (!existsSync(path)) {
      throw new AtmosUserError('CONFIG_INVALID', `workflow manifest ${file} does not exist (looked for ${path})`, undefined,
        `the manifests under ${basePath}: ${workflowFiles(basePath).map((f) => fileNameOf(basePath, f)).join(', ') || 'none'}`);
    }
    const workflows = readWorkflowManifest(basePath, path);
    const found = workflows.find((w) => w.name === name);
    if (!found) throw unknownWorkflow(name, workflows, `in ${relative(basePath, path)}`);
    return found;
  }
  const files = workflowFiles(basePath);
  const all = files.flatMap((f) => readWorkflowManifest(basePath, f));
  const matches = all.filter((w) => w.name === name);
  if (matches.length === 0) throw unknownWorkflow(name, all, `under ${basePath}`);
  if (matches.length > 1) {
    throw new AtmosUserError('USAGE', `workflow "${name}" is defined in ${matches.length} manifests: ${matches.map((m) => m.fileName).join(', ')}`, undefined,
      `choose one with --file, e.g. atmos-nx workflow ${name} --file ${matches[0].fileName}`);
  }
  return matches[0];
}

function unknownWorkflow(name: string, known: Workflow[], where: string): AtmosUserError {
  const names = [...new Set(known.map((w) => w.name))].sort();
  return new AtmosUserError('USAGE', `unknown workflow "${name}" ${where}; available: ${names.join(', ') || 'none'}`);
}

function fileNameOf(basePath: string, file: string): string {
  const rel = posixPath(relative(basePath, file));
  return rel.slice(0, rel.length - extname(rel).length);
}

/** Reads and checks one manifest; every workflow in it. */
export function readWorkflowManifest(basePath: string, file: string): Workflow[] {
  const lines = new LineCounter();
  const document = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined): SourceLocation => {
    const offset = node?.range?.[0];
    if (offset === undefined) return { file };
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const { line, col } = lines.linePos(error.pos[0]);
    throw new AtmosUserError('YAML_SYNTAX', `invalid YAML: ${error.message.split('\n')[0]}`, { file, line, column: col }, 'fix the workflow manifest');
  }
  const root = document.contents;
  const workflowsNode = isMap(root) ? root.get('workflows', true) : undefined;
  if (!isMap(workflowsNode)) {
    throw new AtmosUserError('INVALID_MANIFEST', 'a workflow manifest needs a top-level `workflows:` map', at(root), 'add `workflows: { <name>: { steps: [...] } }`');
  }
  const fileName = fileNameOf(basePath, file);
  const workflows: Workflow[] = [];
  for (const pair of workflowsNode.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const node = pair.value as Node | null;
    if (!isMap(node)) throw new AtmosUserError('INVALID_MANIFEST', `workflow "${name}" must be a map with steps`, at(pair.key as Node), 'give it `steps: [...]`');
    for (const item of node.items) {
      const key = isScalar(item.key) ? String(item.key.value) : '';
      if (!WORKFLOW_KEYS.has(key)) throw new AtmosUserError('INVALID_MANIFEST', `workflow "${name}": unknown key "${key}"`, at(item.key as Node), `a workflow takes ${[...WORKFLOW_KEYS].join(', ')}`);
    }
    const stepsNode = node.get('steps', true);
    if (!isSeq(stepsNode) || stepsNode.items.length === 0) {
      throw new AtmosUserError('INVALID_MANIFEST', `workflow "${name}" has no steps`, at(stepsNode ?? node), 'add `steps: [{ command: ... }]`');
    }
    const steps = stepsNode.items.map((stepNode, index) => readStep(stepNode as Node, index, name, at));
    const seen = new Set<string>();
    for (const step of steps) {
      if (seen.has(step.name)) throw new AtmosUserError('INVALID_MANIFEST', `workflow "${name}": two steps are named "${step.name}"`, step.location, 'step names must be unique (--from-step names one)');
      seen.add(step.name);
    }
    workflows.push({
      name,
      description: optionalString(node.get('description', true), `workflow "${name}": description`, at),
      stack: optionalString(node.get('stack', true), `workflow "${name}": stack`, at)?.trim() || undefined,
      env: readEnv(node.get('env', true), `workflow "${name}": env`, at),
      steps,
      file,
      fileName,
    });
  }
  return workflows;
}

function readStep(node: Node, index: number, workflow: string, at: (node: Node | null | undefined) => SourceLocation): WorkflowStep {
  const where = `workflow "${workflow}", step ${index + 1}`;
  if (!isMap(node)) throw new AtmosUserError('INVALID_MANIFEST', `${where} must be a map with a command`, at(node), 'write `- command: terraform plan vpc`');
  for (const item of node.items) {
    const key = isScalar(item.key) ? String(item.key.value) : '';
    if (!STEP_KEYS.has(key)) throw new AtmosUserError('INVALID_MANIFEST', `${where}: unknown key "${key}"`, at(item.key as Node), `a step takes ${[...STEP_KEYS].join(', ')}`);
  }
  const command = optionalString(node.get('command', true), `${where}: command`, at)?.trim();
  if (!command) throw new AtmosUserError('INVALID_MANIFEST', `${where} has no command`, at(node), 'give the step a `command:`');
  const type = optionalString(node.get('type', true), `${where}: type`, at)?.trim() || 'atmos';
  if (type !== 'atmos' && type !== 'shell') {
    throw new AtmosUserError('INVALID_MANIFEST', `${where}: type "${type}" is not supported`, at(node.get('type', true) as Node), 'a step type is atmos (the default) or shell');
  }
  const name = optionalString(node.get('name', true), `${where}: name`, at)?.trim() || `step${index + 1}`;
  return {
    name,
    command,
    type,
    stack: optionalString(node.get('stack', true), `${where}: stack`, at)?.trim() || undefined,
    env: readEnv(node.get('env', true), `${where}: env`, at),
    location: at(node),
  };
}

function optionalString(node: unknown, what: string, at: (node: Node | null | undefined) => SourceLocation): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (isScalar(node) && (node.value === null || node.value === undefined)) return undefined;
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  throw new AtmosUserError('WRONG_TYPE', `${what} must be a string`, at(node as Node), 'quote the value');
}

function readEnv(node: unknown, what: string, at: (node: Node | null | undefined) => SourceLocation): Record<string, string> {
  if (node === undefined || node === null) return {};
  if (!isMap(node)) throw new AtmosUserError('WRONG_TYPE', `${what} must be a map of NAME: value`, at(node as Node), 'write `env: { NAME: value }`');
  const env: Record<string, string> = {};
  for (const item of node.items) {
    const key = isScalar(item.key) ? String(item.key.value) : '';
    const value = item.value;
    if (!isScalar(value) || value.value === null || typeof value.value === 'object') {
      throw new AtmosUserError('WRONG_TYPE', `${what}.${key} must be a string, number or boolean`, at((value ?? item.key) as Node), 'quote the value');
    }
    env[key] = String(value.value);
  }
  return env;
}
