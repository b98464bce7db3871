import { TerraformStack } from 'cdktf';

/**
 * cdktf records a full stack trace for every token it creates (cdktf/lib/tokens/private/intrinsic),
 * kept only to explain a token that later fails to resolve. At thousands of resources that is most
 * of synth's time, and more again with source maps on (tsx turns them on). Synth turns both off:
 * the output is the same, only such an error message loses its creation trace. cdktf 0.21.0 is
 * cdktf's final release and is pinned exactly, so this private module will not move.
 */
process.setSourceMapsEnabled(false);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
stackTrace.captureStackTrace = () => [];

/**
 * Before synthesizing a stack, cdktf resolves every element once more only to discover automatic
 * cross-stack references, which add outputs and remote-state reads. This app never uses them:
 * stacks share values through explicitly named outputs and remote state. So synth keeps the
 * backend check and skips that pass, a third of synth's time for large clusters. A token leaked
 * across stacks would then stay a dangling reference; stack-references.ts refuses it after synth.
 */
TerraformStack.prototype.prepareStack = function prepareStack(this: TerraformStack): void {
  this.ensureBackendExists();
};
