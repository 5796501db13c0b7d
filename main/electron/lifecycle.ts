// Quitting stops the cluster first. Electron's `will-quit` is synchronous, so the first one is
// held (preventDefault), the members are stopped, and the app is asked to quit again; that second
// `will-quit` goes through. A stop that hangs does not keep the app open: after `graceMs` it quits
// anyway (members also exit by themselves when the app's IPC channel to them closes).

export interface QuitGate {
  /** The `will-quit` listener. */
  readonly onWillQuit: (event: { preventDefault(): void }) => void;
  /** Resolves once the stop has run (or timed out). */
  readonly stopped: Promise<void>;
}

export function quitGate(stop: () => Promise<void>, quit: () => void, graceMs = 5000): QuitGate {
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  let markStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));
  const finish = (): void => {
    if (state === 'stopped') return;
    state = 'stopped';
    markStopped();
    quit();
  };
  return {
    stopped,
    onWillQuit(event) {
      if (state === 'stopped') return;
      event.preventDefault();
      if (state === 'stopping') return;
      state = 'stopping';
      const timer = setTimeout(finish, graceMs);
      stop()
        .catch((e: unknown) => {
          process.stderr.write(
            `Raft Society: while stopping the cluster: ${e instanceof Error ? e.message : String(e)}\n`,
          );
        })
        .finally(() => {
          clearTimeout(timer);
          finish();
        });
    },
  };
}
