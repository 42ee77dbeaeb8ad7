// The test run of a draft: the run's diagram with the path it took marked per element (done,
// active, waiting for a timer), with a badge per element so colour is not the only signal.
// The page lists the same path in words (its steps and open tasks).
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import './viewer.css';
import './testrun.css';
import spiffworkflow from './spiffworkflow.json';
import loopReferences from './loop-references.js';
import { translator } from './translate.js';

const BADGES = { done: '✓', active: '▶', waiting: '◷' };
const TITLES = { done: 'Done', active: 'Active: waits for a person',
  waiting: 'Waits for a timer' };

function badge(state, translate) {
  const span = document.createElement('span');
  span.className = `run-badge run-badge-${state}`;
  span.textContent = BADGES[state];
  span.title = translate(TITLES[state]);
  return span;
}

function markPath(viewer, path, translate) {
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');
  for (const [id, state] of Object.entries(path)) {
    if (!registry.get(id) || !BADGES[state]) continue; // not drawn (a called process's own)
    canvas.addMarker(id, `run-${state}`);
    overlays.add(id, 'run', { position: { top: -10, right: 10 }, html: badge(state, translate) });
  }
}

async function start() {
  const holder = document.getElementById('testrun-data');
  if (!holder) return; // not started yet: the page shows the start form, no diagram
  const data = JSON.parse(holder.textContent);
  const translate = translator(data.language);
  const viewer = new NavigatedViewer({
    container: '#canvas',
    additionalModules: [loopReferences],
    moddleExtensions: { spiffworkflow },
  });
  try {
    await viewer.importXML(data.xml);
  } catch (error) {
    const note = document.getElementById('diagram-error');
    note.textContent = translate('The diagram could not be opened: {reason}',
      { reason: error.message });
    note.hidden = false;
    return;
  }
  viewer.get('canvas').zoom('fit-viewport');
  markPath(viewer, data.path, translate);
  window.govflowTestRun = viewer;
}

start();
