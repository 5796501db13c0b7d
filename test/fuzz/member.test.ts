// The fuzzers of a member process's boundaries: its socket (frames, messages, the engine behind
// them) and its control channel. One test process for both, so they share its start-up.

import { controlProtocolFuzzers } from './control-protocol.ts';
import { nodeSocketFuzzers } from './node-socket.ts';

nodeSocketFuzzers();
controlProtocolFuzzers();
