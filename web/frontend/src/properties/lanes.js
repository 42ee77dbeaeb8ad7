// A lane is a role: its name is the name of a role in the catalogue.
import { is } from 'bpmn-js/lib/util/ModelUtil';
import { select, withCurrent } from './entries.js';

const NEW_ROLE = '__new_role__';

export function laneEntries(element) {
  if (!is(element, 'bpmn:Lane')) return [];
  return [select('govflow-role', 'Role', 'Who holds this role does the tasks of this lane.',
    (lane) => lane.businessObject.name || '', setRole, roleOptions)];
}

function roleOptions(lane, translate, injector) {
  const govflow = injector.get('config.govflow');
  const current = lane.businessObject.name || '';
  const options = [{ value: '', label: translate('Choose a role') },
    ...govflow.roles.map((role) => ({ value: role.name, label: role.name }))];
  const all = withCurrent(options, current, translate('Unknown role: {name}', { name: current }));
  return govflow.canAddRoles ? [...all, { value: NEW_ROLE, label: translate('New role…') }] : all;
}

function setRole(lane, value, injector) {
  const modeling = injector.get('modeling');
  if (value === NEW_ROLE) {
    injector.get('config.govflow').addRole((role) => modeling.updateProperties(lane, { name: role.name }));
  } else {
    modeling.updateProperties(lane, { name: value || undefined });
  }
}
