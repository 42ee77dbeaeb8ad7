// The catalogue's multi-instance collections name a data variable (loopDataInputRef "leden"),
// not an element, as SpiffWorkflow reads them. bpmn-moddle cannot resolve such a name and
// bpmn-js would drop it on save; this module keeps each as a stand-in that writes the same name
// back, so the XML stays as SpiffArena's editor and Camunda Modeler read it.
const LOOP_REFERENCES = ['bpmn:loopDataInputRef', 'bpmn:loopDataOutputRef'];

export function variableReference(moddle, name) {
  return moddle.create('bpmn:ItemAwareElement', { id: name });
}

function LoopReferences(eventBus, moddle) {
  eventBus.on('import.parse.complete', ({ references, warnings }) => {
    for (const reference of references || []) {
      if (!LOOP_REFERENCES.includes(reference.property)) continue;
      const owner = reference.element;
      const property = reference.property.slice('bpmn:'.length);
      if (owner.get(property)) continue;
      owner.set(property, variableReference(moddle, reference.id));
      const index = (warnings || []).findIndex((warning) =>
        warning.element === owner && warning.property === reference.property);
      if (index >= 0) warnings.splice(index, 1);
    }
  });
}
LoopReferences.$inject = ['eventBus', 'moddle'];

export default {
  __init__: ['loopReferences'],
  loopReferences: ['type', LoopReferences],
};
