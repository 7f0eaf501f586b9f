'use strict';
/**
 * Minimal TypeScript require hook for harness child processes
 * (`node -r ./ts-register.js some-entry.ts`). Jest transpiles the test process
 * itself through ts-jest; child processes need their own loader and the
 * workspace has no ts-node/tsx. This only strips types (transpileModule, no
 * type checking), which is all the harness sources need.
 */
const fs = require('fs');
const ts = require('typescript');

if (!require.extensions['.ts']) {
  require.extensions['.ts'] = function compileTs(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: filename,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        inlineSourceMap: true,
        inlineSources: true,
      },
    });
    module._compile(outputText, filename);
  };
}
