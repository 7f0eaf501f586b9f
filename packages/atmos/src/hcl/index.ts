/** The HCL adapter's public surface: parse HCL, read a Terraform component's interface. */
export { parseHcl, parseHclFile, expressionText, type HclBody } from './parse';
export {
  readTerraformComponent,
  requiredVariables,
  namedBlocks,
  type TerraformComponent,
  type TerraformVariable,
  type TerraformOutput,
} from './component';
