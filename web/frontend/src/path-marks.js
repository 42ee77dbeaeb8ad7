// The path a run took (a draft's test run, a manager's instance): per element its liveliest
// state, each with a colour, a line style (testrun.css, instance.css) and a symbol, and "3×"
// when it ran more than once (a loop, one vote per member).
import { cannotOpen, markElements, openDiagram } from './marked-viewer.js';

const SYMBOLS = { done: '✓', active: '▶', waiting: '◷', failed: '✕', cancelled: '⊘' };

// ``path``: per element id, { state, count, title }.
export async function showPath({ xml, path }, translate) {
  let viewer;
  try {
    viewer = await openDiagram('#canvas', xml);
  } catch (error) {
    const note = document.getElementById('diagram-error');
    note.textContent = cannotOpen(translate, error);
    note.hidden = false;
    return null;
  }
  const marks = {};
  for (const [id, run] of Object.entries(path)) {
    if (!SYMBOLS[run.state]) continue;
    marks[id] = {
      marker: `run-${run.state}`,
      badgeClass: `run-badge run-badge-${run.state}`,
      symbol: run.count > 1 ? `${SYMBOLS[run.state]} ${run.count}×` : SYMBOLS[run.state],
      title: run.title,
    };
  }
  markElements(viewer, marks);
  return viewer;
}
