// `npm run web` runs us under `sh -c`, and npm forwards SIGTERM to that shell only: the shell dies
// and we are re-parented, with nobody left to stop us. So, like the member processes, we treat
// losing our parent as being told to stop. (Windows keeps the ppid; there Ctrl+C reaches us.)

/** Call `stop` once if this process's parent goes away; returns the function that stops watching. */
export function onOrphaned(stop: () => void, intervalMs = 200): () => void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid !== parent) {
      clearInterval(timer);
      stop();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
