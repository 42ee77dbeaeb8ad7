// govflow's properties: what the engine executes, in the words process owners use. Runs after
// bpmn-js-properties-panel's own BPMN provider and adjusts its groups.
import { Group } from '@bpmn-io/properties-panel';
import { is } from 'bpmn-js/lib/util/ModelUtil';

import { laneEntries } from './lanes.js';
import { taskEntries, startEntries, scriptTaskEntries, scriptEntries } from './tasks.js';
import { conditionEntries, calledProcessEntries, multiInstanceEntries } from './flow.js';
import { timerEntries } from './timers.js';

const LOW_PRIORITY = 500;

export default class GovflowPropertiesProvider {
  constructor(propertiesPanel, translate) {
    this.translate = translate;
    propertiesPanel.registerProvider(LOW_PRIORITY, this);
  }

  getGroups(element) {
    return (groups) => adjusted(element, groups, this.translate);
  }
}
GovflowPropertiesProvider.$inject = ['propertiesPanel', 'translate'];

function adjusted(element, groups, translate) {
  const group = (id, label, entries) => entries.length
    ? { id, label: translate(label), entries, component: Group } : null;
  const general = groups.find((g) => g.id === 'general');
  if (general && is(element, 'bpmn:Lane')) {
    general.entries = general.entries.filter((entry) => entry.id !== 'name');
  }
  const multiInstance = groups.find((g) => g.id === 'multiInstance');
  if (multiInstance) multiInstance.entries.unshift(...multiInstanceEntries(element));
  const kept = groups.filter((g) => g.id !== 'timer');
  const added = [
    group('govflow-role', 'Role', laneEntries(element)),
    group('govflow-start', 'Start', startEntries(element)),
    group('govflow-task', 'Task', taskEntries(element)),
    group('govflow-script', 'Script', scriptTaskEntries(element)),
    group('govflow-condition', 'Condition', conditionEntries(element)),
    group('govflow-called', 'Called process', calledProcessEntries(element)),
    group('govflow-timer', 'Timer', timerEntries(element)),
    group('govflow-scripts', 'Scripts', scriptEntries(element)),
  ].filter(Boolean);
  const at = kept.indexOf(general) + 1;
  return [...kept.slice(0, at), ...added, ...kept.slice(at)];
}

