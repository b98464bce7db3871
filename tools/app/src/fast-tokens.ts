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
