/**
 * The `${{ … }}` expression language of stack manifests (pure: no I/O).
 *
 *   vpc_id: ${{ output.vpc.vpc_id }}                          # keeps its type
 *   cluster_name: "eks-${{ vars.stage }}-${{ env:TEAM }}"     # interpolates
 *   literal: "$${{ not evaluated }}"                          # renders "${{ not evaluated }}"
 *
 * Callers scan values for references (`scanReferences`), prefetch component outputs and SSM
 * parameters, then evaluate synchronously with an `ExpressionContext` (`evaluateValue`).
 */
export {
  evaluateExpression,
  evaluateString,
  evaluateValue,
  hasExpression,
  needsEvaluation,
  type ExpressionContext,
  type SourceOption,
} from './expression/evaluate';
export { scanReferences, type Reference } from './expression/scan';
export type { PathSegment } from './expression/ast';
export { parseExpression } from './expression/parser';
export { parseTemplate, type TemplatePart } from './expression/template-string';
export { FUNCTIONS, functionNames } from './expression/functions';
export { cidrhost, cidrnetmask, cidrsubnet, cidrsubnets, type NumberLike } from './cidr';
