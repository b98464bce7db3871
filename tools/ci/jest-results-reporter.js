// Writes each project's test counts to .gen/test-results/<package>.json. The Nx `test` target
// declares that file as an output, so a cached run restores it, and tools/ci/summary.mjs can
// print one closing line for the whole repository.
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { basename, join } = require('node:path');

class ResultsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const name =
      process.env.NX_TASK_TARGET_PROJECT ?? basename(JSON.parse(readFileSync(join(this.rootDir, 'package.json'), 'utf8')).name);
    const dir = join(__dirname, '..', '..', '.gen', 'test-results');
    mkdirSync(dir, { recursive: true });
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
    };
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(counts)}\n`);
  }
}

module.exports = ResultsReporter;
