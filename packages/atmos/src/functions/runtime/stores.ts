/**
 * `!store` and `!store.get` against the stores of atmos.yaml. Only SSM Parameter Store
 * (`kind: aws/ssm`, or the legacy `type: aws-ssm-parameter-store`) is supported. Keys follow Atmos's layout:
 * `<prefix>/<stack split on stack_delimiter>/<component>/<key>`; values written by Atmos
 * are JSON, so a value that parses as JSON is returned parsed.
 */
import type { StoreConfig } from '../../config/types';
import { AtmosUserError, type SourceLocation } from '../../errors/user-error';
import { YamlFunction } from '../../stacks/values';
import { leadingArgs, splitArgs } from '../yaml-references';

export interface StoreRead {
  store: string;
  /** The parameter name in the store. */
  parameter: string;
  region: string;
  defaultValue?: string;
  query?: string;
}

export function parseStoreFunction(fn: YamlFunction, stack: string, stores: Record<string, StoreConfig>, fallbackRegion: string): StoreRead {
  const location: SourceLocation | undefined = fn.location;
  const [head, ...pipes] = fn.args.split('|');
  const args = splitArgs(head);
  let defaultValue: string | undefined;
  let query: string | undefined;
  for (const pipe of pipes) {
    const { args: [word], rest } = leadingArgs(pipe, 1);
    if (word === 'default') defaultValue = rest;
    else if (word === 'query') query = rest;
    else throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag}: unknown option "| ${word}"`, location, 'use `| default <value>` or `| query <.path>`');
  }
  const storeName = args[0];
  const store = storeName ? stores[storeName] : undefined;
  if (!store) {
    throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag}: store "${storeName ?? ''}" is not defined in atmos.yaml`, location,
      `define it under stores: in atmos.yaml (known: ${Object.keys(stores).join(', ') || 'none'})`);
  }
  if (store.kind !== 'aws/ssm') {
    throw new AtmosUserError('FUNCTION_ERROR', `${fn.tag}: store "${storeName}" is of kind ${store.kind}; only aws/ssm (aws-ssm-parameter-store) is supported`, location);
  }
  const prefix = typeof store.options.prefix === 'string' ? store.options.prefix : '';
  const region = typeof store.options.region === 'string' ? store.options.region : fallbackRegion;
  if (fn.tag === '!store.get') {
    if (args.length !== 2) throw usage(fn, '!store.get <store> <key>');
    return { store: storeName, parameter: joinKey([prefix, args[1]]), region, defaultValue, query };
  }
  if (args.length !== 4 && args.length !== 3) throw usage(fn, '!store <store> [<stack>] <component> <key>');
  const [targetStack, component, key] = args.length === 4 ? [args[1], args[2], args[3]] : [stack, args[1], args[2]];
  const delimiter = typeof store.options.stack_delimiter === 'string' ? store.options.stack_delimiter : '-';
  return { store: storeName, parameter: joinKey([prefix, ...targetStack.split(delimiter), ...component.split('/'), key]), region, defaultValue, query };
}

function joinKey(parts: string[]): string {
  return ('/' + parts.filter((part) => part !== '').join('/')).replace(/\/+/g, '/');
}

function usage(fn: YamlFunction, syntax: string): AtmosUserError {
  return new AtmosUserError('FUNCTION_ERROR', `${fn.tag} ${fn.args}: expected ${syntax}`, fn.location);
}

export function decodeStoreValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
