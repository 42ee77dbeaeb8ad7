// A version, read-only: the diagram to look at, pan and zoom.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import './viewer.css';
import spiffworkflow from './spiffworkflow.json';
import loopReferences from './loop-references.js';

async function start() {
  const data = JSON.parse(document.getElementById('viewer-data').textContent);
  const viewer = new NavigatedViewer({
    container: '#canvas',
    additionalModules: [loopReferences],
    moddleExtensions: { spiffworkflow },
  });
  await viewer.importXML(data.xml);
  viewer.get('canvas').zoom('fit-viewport');
  window.govflowViewer = viewer;
}

start();
