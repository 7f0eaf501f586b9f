/**
 * `atmos.Component "<component>" "<stack>"` in the static phase. Atmos's template function
 * (internal/exec/template_funcs_component.go componentFunc) describes the other instance and
 * reads its terraform outputs; the static phase never reads state, so without a run-time answer
 * (functions/runtime/component-template.ts) the call renders an empty section with empty
 * `outputs` (what Atmos returns for a disabled enclosing component, emptyComponentSections).
 */
import type { TemplateFunction } from '../templates';
import type { PlainMap } from './values';

/** The instance whose templates call the function: what an answer may depend on. */
export interface TemplateConsumer {
  component: string;
  stack: string;
  /** metadata.enabled is not false (Atmos answers a disabled component without reading state). */
  enabled: boolean;
  /** Its settings (mock_outputs for plans), before templates render. */
  settings: PlainMap;
}

const PLACEHOLDER: Record<string, TemplateFunction> = {
  atmos: () => ({ Component: componentPlaceholder }),
};

let handedOut = 0;

/**
 * What `atmos.Component` renders while the real answer is not known (the static phase, or the
 * first round at run time). A template that fails on it (`index` of the empty outputs) is left
 * unrendered rather than being an error: the engine compares placeholdersHandedOut() around it.
 */
export function componentPlaceholder(): PlainMap {
  handedOut++;
  return { outputs: {} };
}

export function placeholdersHandedOut(): number {
  return handedOut;
}

export function placeholderComponentFunctions(): Record<string, TemplateFunction> {
  return PLACEHOLDER;
}
