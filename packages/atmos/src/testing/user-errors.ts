/** For specs: the AtmosUserError a function throws (any other error, or none, fails the test). */
import { AtmosUserError } from '../errors/user-error';

export function userError(fn: () => unknown): AtmosUserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AtmosUserError) return error;
    throw error;
  }
  throw new Error('expected an AtmosUserError');
}

/** For specs: the AtmosUserError a promise rejects with (any other error, or none, fails the test). */
export async function userRejection(promise: Promise<unknown>): Promise<AtmosUserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AtmosUserError) return error;
    throw error;
  }
  throw new Error('expected an AtmosUserError');
}
