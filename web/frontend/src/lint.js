// bpmnlint's recommended rules, packed for the browser (build.mjs writes the rule imports), with
// the changes SpiffWorkflow's semantics ask for:
//
// - fake-join is off. SpiffWorkflow starts a task once for each token that reaches it, so a
//   task with several incoming flows is how the catalogue draws a revision loop ("terug naar
//   opstellen"); no parallel join is meant, and a merge gateway would only add a shape.
import { rules, resolver } from 'govflow:lint-rules';

export const ADJUSTED = {
  'fake-join': 'off',
};

export const lintConfig = {
  config: { rules: { ...rules, ...ADJUSTED } },
  resolver,
};
