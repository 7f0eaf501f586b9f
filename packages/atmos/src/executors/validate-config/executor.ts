import { atmosNxExecutor } from '../atmos-nx-command';

// The instance against its Terraform component: declared and required variables, types, output references, settings.validation schemas.
export default atmosNxExecutor(({ component, stack }) => ['validate', 'component', component, '-s', stack]);
