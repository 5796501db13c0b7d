// The society's business: decisions for the minutes, and the society register (key-value store).
export default {
  region: 'Society business',
  decisionTitle: 'Propose a decision',
  decisionRaft: 'client command',
  decisionPlaceholder: 'Approve painting contract for ₹2 lakhs',
  decide: 'Propose',
  decided: 'Decision {n} committed as entry {index}.',
  kvTitle: 'Society register',
  kvRaft: 'key-value store',
  key: 'Key',
  value: 'Value',
  set: 'Set',
  get: 'Get',
  wasSet: '{key} = {value} (committed as entry {index})',
  got: '{key} = {value} (linearizable read)',
  notSet: '{key} is not set (linearizable read)',
};
