/**
 * Worker thread behind `parseHclSync`: HashiCorp's parser runs as Go compiled to WebAssembly,
 * which only answers asynchronously; synckit blocks the caller until this worker replies.
 */
import { parse } from '@cdktf/hcl2json';
import { runAsWorker } from 'synckit';

// The body travels as JSON text, parsed by the caller: a structured-cloned object is built in
// the receiving thread's main realm, whose Object.prototype is not the one of a vm context
// (jest's), so the engine's plain-map check would reject a whole section read from HCL there.
runAsWorker(async (fileName: string, text: string) => JSON.stringify(await parse(fileName, text)));
