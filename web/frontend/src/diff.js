// The diff between two versions: the newer diagram with its changes marked (and, when
// something was removed, the older one with the removals marked). The list of changes is the
// page's own; this draws the same changes, with a badge per element so colour is not the
// only signal.
import { cannotOpen, markElements, openDiagram } from './marked-viewer.js';
import './diff.css';
import { translator } from './translate.js';

const BADGES = { added: '+', changed: '~', moved: '↔', removed: '−' };
const TITLES = { added: 'Added', changed: 'Changed', moved: 'Moved on the drawing only',
  removed: 'Removed' };

// A collapsed sub-process draws its content on a plane of its own: the shape on the plane
// above says that something inside changed.
function withContainers(markers, registry, canvas) {
  const all = { ...markers };
  for (const id of Object.keys(markers)) {
    let element = registry.get(id);
    while (element) {
      let root = element;
      while (root.parent) root = root.parent;
      if (root === canvas.getRootElement() || !root.businessObject) break;
      element = registry.get(root.businessObject.id);
      if (element && !all[element.id]) all[element.id] = 'changed';
    }
  }
  return all;
}

function mark(viewer, markers, translate) {
  const all = withContainers(markers, viewer.get('elementRegistry'), viewer.get('canvas'));
  const marks = {};
  for (const [id, kind] of Object.entries(all)) {
    marks[id] = { marker: `diff-${kind}`, badgeClass: `diff-badge diff-badge-${kind}`,
      symbol: BADGES[kind], title: translate(TITLES[kind]) };
  }
  markElements(viewer, marks);
}

async function show(selector, version, translate) {
  const container = document.querySelector(selector);
  let viewer;
  try {
    viewer = await openDiagram(container, version.xml);
  } catch (error) {
    const note = document.createElement('p');
    note.textContent = cannotOpen(translate, error);
    container.replaceChildren(note);
    return null;
  }
  mark(viewer, version.markers, translate);
  return viewer;
}

// Shows one element: on its own plane if it is inside a collapsed sub-process, at full size.
function reveal(viewer, id) {
  const canvas = viewer.get('canvas');
  const element = viewer.get('elementRegistry').get(id);
  let root = element;
  while (root.parent) root = root.parent;
  if (root !== canvas.getRootElement()) canvas.setRootElement(root);
  canvas.zoom(1);
  canvas.scrollToElement(element);
  canvas.getContainer().scrollIntoView({ block: 'nearest' });
}

// Each line of the list whose element is drawn gets a button that shows it.
function linkLines(viewers, translate) {
  for (const item of document.querySelectorAll('.diff-line[data-element]')) {
    const id = item.dataset.element;
    const removed = item.classList.contains('diff-removed');
    const viewer = removed ? viewers.old : viewers.new;
    if (!viewer || !viewer.get('elementRegistry').get(id)) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link-button diff-show';
    button.textContent = translate('Show on the diagram');
    button.addEventListener('click', () => reveal(viewer, id));
    item.append(' ', button);
  }
}

async function start() {
  const data = JSON.parse(document.getElementById('diff-data').textContent);
  const translate = translator(data.language);
  const viewers = { new: await show('#canvas', data.new, translate) };
  if (data.old) viewers.old = await show('#canvas-old', data.old, translate);
  linkLines(viewers, translate);
  window.govflowDiff = viewers;
}

start();
