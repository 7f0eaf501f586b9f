import { instanceExecutor } from '../run-instance';

export default instanceExecutor('import');
