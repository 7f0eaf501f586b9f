/**
 * Questions a generator asks only in some workspaces (x-prompt in schema.json asks always, so
 * it cannot say "only when there is more than one tenant"). Asked in a terminal only: in CI or
 * with stdin/stdout not a TTY the caller gets undefined and reports the missing option instead.
 */
import { createInterface } from 'node:readline/promises';

/** Asks a question; `choices` empty: any non-empty answer. Undefined when there is no terminal to ask in. */
export type AskChoice = (question: string, choices: string[]) => Promise<string | undefined>;

export const askInTerminal: AskChoice = async (question, choices) => {
  if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI === 'true' || process.env.CI === '1') return undefined;
  const readline = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const answer = (await readline.question(choices.length > 0 ? `? ${question} (${choices.join(', ')}) ` : `? ${question} `)).trim();
      if (choices.length === 0 ? answer !== '' : choices.includes(answer)) return answer;
      process.stdout.write(`  "${answer}" is not one of ${choices.join(', ')}\n`);
    }
  } finally {
    readline.close();
  }
};
