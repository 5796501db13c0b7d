// Commands that failed: what was tried, the API's status, and its reason (the server's words).
export default {
  failed: '{what} failed ({status}): {error}',
  failedUnknown: '{what} failed ({status}): {error}; the outcome is unknown: it may still be applied',
  dismiss: 'Dismiss',
  lostInFlight: 'the connection was lost ({reason}); the outcome is unknown',
  /** What each command of main/shared/contract.ts was, in words (nested by the dots in its name). */
  command: {
    cluster: { get: 'Reading the cluster' },
    node: { crash: 'Crash', restart: 'Restart', pause: 'Freeze', resume: 'Thaw' },
    link: { set: 'Changing the connection', fault: 'Changing the connection' },
    partition: 'Partition',
    heal: 'Heal',
    kv: 'The register',
    decide: 'The decision',
    member: { add: 'Adding a member', remove: 'Removing the member', promote: 'Promotion' },
    leader: { transfer: 'Handing over the chair' },
    settings: { set: 'Changing the settings' },
  },
};
