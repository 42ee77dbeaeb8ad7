// A read-only diagram with some of its elements marked: a CSS marker on each, and on each
// shape a badge with a symbol and a title, so colour is never the only signal (a flow's line
// style says enough). The diff, the test run and the instance page show their diagrams so.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import './viewer.css';
import spiffworkflow from './spiffworkflow.json';
import loopReferences from './loop-references.js';

// Opens ``xml`` in ``container``; throws what bpmn-js throws when it cannot.
export async function openDiagram(container, xml) {
  const viewer = new NavigatedViewer({
    container,
    additionalModules: [loopReferences],
    moddleExtensions: { spiffworkflow },
  });
  await viewer.importXML(xml);
  viewer.get('canvas').zoom('fit-viewport');
  return viewer;
}

// ``marks``: per element id, { marker, badgeClass, symbol, title }. Elements the diagram does
// not draw (a called process's own, a task's form) are left out.
export function markElements(viewer, marks) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');
  for (const [id, mark] of Object.entries(marks)) {
    const element = registry.get(id);
    if (!element) continue;
    canvas.addMarker(id, mark.marker);
    if (element.waypoints) continue;
    const span = document.createElement('span');
    span.className = mark.badgeClass;
    span.textContent = mark.symbol;
    span.title = mark.title;
    overlays.add(id, 'marks', { position: { top: -10, right: 10 }, html: span });
  }
}

export function cannotOpen(translate, error) {
  return translate('The diagram could not be opened: {reason}', { reason: error.message });
}
