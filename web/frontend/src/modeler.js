// The process owner's editor: bpmn-js with the properties panel and govflow's properties,
// bpmnlint and the server's checks as one list of problems, drafts and deploy.
import Modeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';
import lintModule from 'bpmn-js-bpmnlint';

import './modeler.css';
import spiffworkflow from './spiffworkflow.json';
import loopReferences from './loop-references.js';
import govflowProperties from './properties/index.js';
import { lintConfig } from './lint.js';
import { translateModule, translator } from './translate.js';
import { ProblemList } from './problems.js';
import { DraftEditor } from './drafts.js';
import { Checker } from './checker.js';
import { roleDialog } from './roles.js';

// The groups a process owner works in are open when an element is selected.
const OPEN_GROUPS = Object.fromEntries(['general', 'govflow-role', 'govflow-start',
  'govflow-task', 'govflow-script', 'govflow-condition', 'govflow-called', 'govflow-timer',
  'multiInstance'].map((id) => [id, { open: true }]));

// Fit the diagram into the canvas beside the palette, so no element hides under it.
function fitBesidePalette(canvas) {
  canvas.zoom('fit-viewport');
  const container = canvas.getContainer();
  const palette = container.querySelector('.djs-palette');
  const gap = palette
    ? palette.getBoundingClientRect().right - container.getBoundingClientRect().left + 12 : 0;
  const { inner, outer } = canvas.viewbox();
  const scale = Math.min((outer.width - gap) / inner.width, outer.height / inner.height, 1);
  canvas.viewbox({ x: inner.x - gap / scale, y: inner.y - 12 / scale,
    width: outer.width / scale, height: outer.height / scale });
}

// The form editor is another page: the diagram is saved first, so nothing is lost.
let ready;
const opening = new Promise((resolve) => { ready = resolve; });

function formOpener(drafts, data) {
  const open = async (name, task) => {
    if ((drafts.dirty || !drafts.revision) && !(await drafts.save())) return;
    const url = new URL(data.urls.form.replace('__form__', encodeURIComponent(name)),
      window.location.href);
    url.searchParams.set('taak', task);
    window.location.assign(url);
  };
  open.say = (text) => drafts.say(text, true);
  return open;
}

async function start() {
  const data = JSON.parse(document.getElementById('editor-data').textContent);
  const translate = translator(data.language);
  const modeler = new Modeler({
    container: '#canvas',
    propertiesPanel: { parent: '#properties', layout: { groups: OPEN_GROUPS } },
    linting: { bpmnlint: lintConfig, active: true },
    govflow: { key: data.key, roles: data.roles, processes: data.processes, forms: data.forms,
      addRole: roleDialog(data, translate),
      openForm: (name, task) => opening.then((open) => open(name, task)),
      say: (text) => opening.then((open) => open.say(translate(text))) },
    additionalModules: [BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, lintModule,
      loopReferences, govflowProperties, translateModule(data.language)],
    moddleExtensions: { spiffworkflow },
  });
  const problems = new ProblemList(modeler, translate, {
    list: document.getElementById('problems'),
    summary: document.getElementById('problems-summary'),
  });
  try {
    const { warnings } = await modeler.importXML(data.xml);
    problems.showImport(warnings);
  } catch (err) {
    problems.summary.textContent = translate('The diagram could not be opened: {reason}',
      { reason: err.message });
    return;
  }
  fitBesidePalette(modeler.get('canvas'));
  const checker = new Checker(modeler, data, problems);
  const drafts = new DraftEditor(modeler, data, problems, checker, translate);
  ready(formOpener(drafts, data));
  checker.check();
  document.getElementById('save-draft').addEventListener('click', () => drafts.save());
  document.getElementById('download-bpmn').addEventListener('click', () => drafts.download());
  document.getElementById('test-run').addEventListener('click', () => drafts.testRun());
  document.getElementById('deploy-form').addEventListener('submit', (event) => {
    event.preventDefault();
    drafts.deploy(document.getElementById('deploy-note').value);
  });
  window.govflowModeler = modeler;
}

start();
