/**
 * The terraform arguments of one executor run, exactly as the user typed them.
 *
 * Nx parses whatever follows the target with yargs, even after `--`: `-json` becomes the options
 * j, s, o and n, and `force-unlock -force <ID>` loses `-force <ID>` (they become f, o, r, c and
 * e=<ID>). Nx also hands an executor the words as typed, in a schema property whose `$default`
 * is `{ "$source": "unparsed" }` (ours is `__unparsed__`, as in nx:run-commands): everything
 * after `--`, or, without `--`, everything after the target. Our own options in it
 * (`--autoApprove`, `--lockTimeout=5m`, ...) are the executor's (Nx has already parsed them into
 * the options); every other word goes to terraform unchanged and in order. A second `--` ends
 * our options: what follows it is terraform's even when it looks like one of ours.
 */

/** The instance executors' own options (schema.json), with how yargs reads a value after them. */
const OWN_OPTIONS = new Set(['component', 'stack', 'manifest', 'autoApprove', 'migrateState', 'lockTimeout', 'failOnDrift', 'verifyPlan', 'args', 'address', 'id']);

export interface ArgumentOptions {
  /** `--args` (repeatable) or `options.args` of the target's configuration. */
  args?: string[] | string;
  /** The words after the target as typed (Nx fills it from the command line). */
  __unparsed__?: string[];
  /** yargs' positionals: only used when Nx did not hand over the unparsed words (older callers). */
  _?: Array<string | number>;
}

export function terraformArguments(options: ArgumentOptions): string[] {
  const configured = typeof options.args === 'string' ? options.args.split(/\s+/).filter(Boolean) : (options.args ?? []).map(String);
  const typed = options.__unparsed__ ? withoutOwnOptions(options.__unparsed__) : (options._ ?? []).map(String);
  return [...configured, ...typed];
}

function withoutOwnOptions(words: string[]): string[] {
  const terraform: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word === '--') {
      terraform.push(...words.slice(i + 1));
      break;
    }
    const own = /^--(no-)?([A-Za-z][\w-]*)(=.*)?$/s.exec(word);
    if (own && OWN_OPTIONS.has(camelCase(own[2]))) {
      // yargs (without types) takes the next word as the value unless it looks like a flag.
      if (own[3] === undefined && own[1] === undefined && i + 1 < words.length && !words[i + 1].startsWith('-')) i++;
      continue;
    }
    terraform.push(word);
  }
  return terraform;
}

/** Nx accepts `--auto-approve` for `autoApprove`. */
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
