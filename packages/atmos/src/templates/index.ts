/**
 * Go text/template for Atmos stack manifests: Go's template language with the Sprig and
 * Gomplate functions Atmos repositories use, implemented in TypeScript.
 *
 *   renderTemplate('{{ .vars.stage }}-{{ .vars.region }}', data, { fileName, startLine })
 *
 * Templates are parsed once and cached (see parseTemplate); errors are TemplateErrors whose
 * message starts with `file:line:column:`.
 */
export type { TemplateFunction } from './functions/signature';
export { TemplateError } from './errors';
export {
  clearTemplateCache,
  hasTemplate,
  parseTemplate,
  renderTemplate,
  Template,
  type RenderOptions,
} from './template';
export { BUILTIN_FUNCTIONS } from './functions';
