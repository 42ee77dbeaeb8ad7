// English → Dutch for the test run of a draft.
export default {
  'Done': 'Gedaan',
  'Active: waits for a person': 'Actief: wacht op iemand',
  'Waits for a timer': 'Wacht op een timer',
};
