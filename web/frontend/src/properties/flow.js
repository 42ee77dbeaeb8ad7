// Sequence flow conditions, the process a call activity calls, and the collections of a
// multi-instance task.
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { variableReference } from '../loop-references.js';
import { select, textArea, textField, withCurrent } from './entries.js';

export function conditionEntries(element) {
  if (!is(element, 'bpmn:SequenceFlow')) return [];
  const flow = getBusinessObject(element);
  if (!flow.conditionExpression &&
      !isAny(flow.sourceRef, ['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway'])) return [];
  return [textArea('govflow-condition', 'Condition',
    'A Python expression on the data; this path is taken when it is true.',
    (el) => (getBusinessObject(el).conditionExpression || {}).body || '', setCondition)];
}

function setCondition(element, value, injector) {
  const expression = value.trim()
    ? injector.get('bpmnFactory').create('bpmn:FormalExpression', { body: value }) : undefined;
  injector.get('modeling').updateProperties(element, { conditionExpression: expression });
}

export function calledProcessEntries(element) {
  if (!is(element, 'bpmn:CallActivity')) return [];
  return [select('govflow-called-element', 'Called process', null,
    (el) => getBusinessObject(el).calledElement || '',
    (el, value, injector) => injector.get('modeling').updateProperties(el, {
      calledElement: value || undefined,
    }),
    (el, translate, injector) => {
      const current = getBusinessObject(el).calledElement || '';
      const processes = injector.get('config.govflow').processes;
      return withCurrent([{ value: '', label: translate('Choose a process') },
        ...processes.map((p) => ({ value: p.key, label: `${p.name} (${p.key})` }))],
      current, translate('Not in the catalogue: {name}', { name: current }));
    })];
}

export function multiInstanceEntries(element) {
  const loop = getBusinessObject(element).loopCharacteristics;
  if (!is(loop, 'bpmn:MultiInstanceLoopCharacteristics')) return [];
  const reference = (id, label, description, property) => textField(id, label, description,
    (el) => (loopOf(el)[property] || {}).id || '',
    (el, value, injector) => updateLoop(el, {
      [property]: value.trim() ? variableReference(injector.get('moddle'), value.trim()) : undefined,
    }, injector));
  // SpiffWorkflow reads an item's id as the variable's name, so the name must be a free id.
  const item = (id, label, description, property, type) => textField(id, label, description,
    (el) => { const data = loopOf(el)[property]; return data ? data.name || data.id : ''; },
    (el, value, injector) => setItem(el, property, type, value.trim(), injector),
    (el, value, translate, injector) => {
      const owner = value.trim() && injector.get('moddle').ids.assigned(value.trim());
      return owner && owner !== loopOf(el)[property]
        ? translate('{name} is already the id of another element; choose another name',
          { name: value.trim() }) : null;
    });
  return [
    reference('govflow-collection', 'Collection',
      'The list in the data that has one instance per item, e.g. leden.', 'loopDataInputRef'),
    item('govflow-element-variable', 'Element variable',
      'The name under which each instance sees its item, e.g. lid.', 'inputDataItem', 'bpmn:DataInput'),
    reference('govflow-output-collection', 'Output collection',
      'The list that collects what each instance returns.', 'loopDataOutputRef'),
    item('govflow-output-variable', 'Output variable',
      'The name of what each instance returns.', 'outputDataItem', 'bpmn:DataOutput'),
  ];
}

function loopOf(element) {
  return getBusinessObject(element).loopCharacteristics;
}

function setItem(element, property, type, name, injector) {
  const ids = injector.get('moddle').ids;
  const old = loopOf(element)[property];
  if (old && old.id) ids.unclaim(old.id);
  const created = name ? injector.get('moddle').create(type, { id: name, name }) : undefined;
  if (created) ids.claim(name, created);
  updateLoop(element, { [property]: created }, injector);
}

function updateLoop(element, properties, injector) {
  injector.get('commandStack').execute('element.updateModdleProperties', {
    element, moddleElement: loopOf(element), properties,
  });
}
