/** The flags of a command with its own parser (workflow, bootstrap, onboard): a mistake is a usage error naming the command. */
import { parseArgs } from 'node:util';
import { AtmosUserError } from '../errors/user-error';

type Flags = Record<string, { type: 'string' | 'boolean'; short?: string }>;
export type FlagValues<T extends Flags> = { [K in keyof T]?: T[K]['type'] extends 'string' ? string : boolean } & { help?: boolean };

export function parseSubcommand<T extends Flags>(argv: string[], command: string, usage: string, flags: T): { values: FlagValues<T>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...flags, help: { type: 'boolean', short: 'h' } } });
    return { values: values as FlagValues<T>, positionals };
  } catch (error) {
    throw new AtmosUserError('USAGE', `${(error as Error).message.split('. ')[0]} (in "${command}")`, undefined, `usage: ${usage}`);
  }
}
