/** The HCL adapter's public surface: parse HCL, read a Terraform component's interface. */
export { parseHcl, parseHclFile } from './parse';
export { expressionText, hclValues, type HclBody } from './values';
export { hclSyntaxError } from './errors';
export { parseHclSync } from './sync';
export {
  readTerraformComponent,
  readTerraformComponentTexts,
  isTerraformFile,
  requiredVariables,
  namedBlocks,
  type TerraformComponent,
  type TerraformVariable,
  type TerraformOutput,
} from './component';
