// A lane is a role: its name is the name of a role in the catalogue.
import { is } from 'bpmn-js/lib/util/ModelUtil';
import { button, select, withCurrent } from './entries.js';

export function laneEntries(element) {
  if (!is(element, 'bpmn:Lane')) return [];
  return [
    select('govflow-role', 'Role', 'Who holds this role does the tasks of this lane.',
      (lane) => lane.businessObject.name || '', setRole, roleOptions),
    button('govflow-new-role', 'New role…', (lane, injector) => injector.get('config.govflow')
      .addRole((role) => injector.get('modeling').updateProperties(lane, { name: role.name }))),
  ];
}

function roleOptions(lane, translate, injector) {
  const govflow = injector.get('config.govflow');
  const current = lane.businessObject.name || '';
  const options = [{ value: '', label: translate('Choose a role') },
    ...govflow.roles.map((role) => ({ value: role.name, label: role.name }))];
  return withCurrent(options, current, translate('Unknown role: {name}', { name: current }));
}

function setRole(lane, value, injector) {
  injector.get('modeling').updateProperties(lane, { name: value || undefined });
}
