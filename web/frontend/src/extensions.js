// Reading and changing the spiffworkflow: extensions of an element (properties, pre- and
// post-scripts) as one undoable step of the command stack.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export function extensionsOf(element, type) {
  const extensions = getBusinessObject(element).get('extensionElements');
  return extensions ? extensions.get('values').filter((value) => is(value, type)) : [];
}

export function propertyOf(element, name) {
  const [properties] = extensionsOf(element, 'spiffworkflow:Properties');
  const found = properties && properties.get('properties').find((p) => p.name === name);
  return (found && found.value) || '';
}

export function scriptOf(element, type) {
  const [script] = extensionsOf(element, type);
  return (script && script.value) || '';
}

// Set spiffworkflow properties ({name: value}; an empty value removes the property).
export function setProperties(element, changes, injector) {
  const bpmnFactory = injector.get('bpmnFactory');
  const { commands, extensions } = withExtensions(element, bpmnFactory);
  let [properties] = extensions.get('values').filter((v) => is(v, 'spiffworkflow:Properties'));
  if (!properties) {
    properties = bpmnFactory.create('spiffworkflow:Properties', { properties: [] });
    properties.$parent = extensions;
    commands.push(update(element, extensions, { values: [...extensions.get('values'), properties] }));
  }
  let list = [...properties.get('properties')];
  for (const [name, value] of Object.entries(changes)) {
    const existing = list.find((p) => p.name === name);
    if (!value) {
      list = list.filter((p) => p !== existing);
    } else if (existing) {
      commands.push(update(element, existing, { value }));
    } else {
      const created = bpmnFactory.create('spiffworkflow:Property', { name, value });
      created.$parent = properties;
      list.push(created);
    }
  }
  commands.push(update(element, properties, { properties: list }));
  run(commands, injector);
}

// Set a pre- or post-script (type spiffworkflow:PreScript or spiffworkflow:PostScript).
export function setScript(element, type, text, injector) {
  const bpmnFactory = injector.get('bpmnFactory');
  const { commands, extensions } = withExtensions(element, bpmnFactory);
  const values = extensions.get('values');
  const [script] = values.filter((v) => is(v, type));
  if (!text) {
    commands.push(update(element, extensions, { values: values.filter((v) => v !== script) }));
  } else if (script) {
    commands.push(update(element, script, { value: text }));
  } else {
    const created = bpmnFactory.create(type, { value: text });
    created.$parent = extensions;
    commands.push(update(element, extensions, { values: [...values, created] }));
  }
  run(commands, injector);
}

function withExtensions(element, bpmnFactory) {
  const businessObject = getBusinessObject(element);
  let extensions = businessObject.get('extensionElements');
  const commands = [];
  if (!extensions) {
    extensions = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
    extensions.$parent = businessObject;
    commands.push(update(element, businessObject, { extensionElements: extensions }));
  }
  return { commands, extensions };
}

export function update(element, moddleElement, properties) {
  return { cmd: 'element.updateModdleProperties', context: { element, moddleElement, properties } };
}

export function run(commands, injector) {
  injector.get('commandStack').execute('properties-panel.multi-command-executor', commands);
}
