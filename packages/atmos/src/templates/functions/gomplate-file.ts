/**
 * gomplate's `file` namespace, read-only and confined to the repository: `file.Read`,
 * `file.Exists`, `file.IsDir`, `file.ReadDir`, `file.Walk`. `file.Write` is refused: rendering a
 * stack must not change files. Paths are relative to the working directory, as in gomplate;
 * the REAL path (symlinks resolved) must stay inside the repository root, so a symlink cannot
 * lead a template to /etc/passwd. Every file read is reported through `CallContext.onRead`, so
 * the caller can count it as an input of what it renders.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TemplateFailure } from './general';
import type { CallContext } from './signature';

type Methods = Record<string, (...args: unknown[]) => unknown>;

export function fileNamespace(ctx: CallContext): Methods {
  const inside = (path: unknown, method: string): string => {
    if (typeof path !== 'string' || path === '') throw new TemplateFailure(`file.${method}: needs a path`);
    const root = ctx.repoRoot;
    if (root === undefined) throw new TemplateFailure(`file.${method}: files can only be read while rendering stack manifests of a repository`);
    const absolute = resolve(root, path);
    if (!existsSync(absolute)) return absolute;
    const real = realpathSync(absolute);
    const rel = relative(realpathSync(root), real);
    if (rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) {
      throw new TemplateFailure(`file.${method} "${path}": resolves outside the repository (${real}); templates may read only files inside it`);
    }
    return real;
  };
  const methods: Methods = Object.create(null) as Methods;
  methods.Exists = (path) => existsSync(inside(path, 'Exists'));
  methods.IsDir = (path) => {
    const file = inside(path, 'IsDir');
    return existsSync(file) && statSync(file).isDirectory();
  };
  methods.Read = (path) => {
    const file = inside(path, 'Read');
    if (!existsSync(file)) throw new TemplateFailure(`file.Read "${String(path)}": no such file`);
    ctx.onRead?.(file);
    return readFileSync(file, 'utf8');
  };
  methods.ReadDir = (path) => {
    const folder = inside(path, 'ReadDir');
    if (!existsSync(folder)) throw new TemplateFailure(`file.ReadDir "${String(path)}": no such directory`);
    ctx.onRead?.(folder);
    return readdirSync(folder).sort();
  };
  methods.Walk = (path) => {
    const top = inside(path, 'Walk');
    ctx.onRead?.(top);
    const found: string[] = [];
    const visit = (folder: string, shown: string): void => {
      found.push(shown);
      if (!statSync(folder).isDirectory()) return;
      for (const entry of readdirSync(folder).sort()) visit(join(folder, entry), join(shown, entry));
    };
    visit(top, String(path));
    return found;
  };
  methods.Write = () => {
    throw new TemplateFailure('file.Write is not available: rendering stack manifests never writes files');
  };
  return Object.freeze(methods);
}
