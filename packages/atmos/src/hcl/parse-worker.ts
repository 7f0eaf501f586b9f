/**
 * Worker thread behind `parseHclSync`: HashiCorp's parser runs as Go compiled to WebAssembly,
 * which only answers asynchronously; synckit blocks the caller until this worker replies.
 */
import { parse } from '@cdktf/hcl2json';
import { runAsWorker } from 'synckit';

runAsWorker(async (fileName: string, text: string) => parse(fileName, text));
