// The test run of a draft: the run's diagram with the path it took marked per element (done,
// active, waiting for a timer). The page lists the same path in words (its steps and open
// tasks).
import { showPath } from './path-marks.js';
import './testrun.css';
import { translator } from './translate.js';

const TITLES = { done: 'Done', active: 'Active: waits for a person',
  waiting: 'Waits for a timer' };

async function start() {
  const holder = document.getElementById('testrun-data');
  if (!holder) return; // not started yet: the page shows the start form, no diagram
  const data = JSON.parse(holder.textContent);
  const translate = translator(data.language);
  const path = {};
  for (const [id, state] of Object.entries(data.path)) {
    path[id] = { state, count: 1, title: translate(TITLES[state] || state) };
  }
  window.govflowTestRun = await showPath({ xml: data.xml, path }, translate);
}

start();
