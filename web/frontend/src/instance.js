// One instance for a manager: its version's diagram with the path it actually took (done,
// active, waiting for a timer, failed, cancelled; how often each element ran). The badges'
// titles come from the server in the reader's language: state, who and by when, the timer,
// the error. The page says the same in words.
import { showPath } from './path-marks.js';
import './testrun.css';
import './instance.css';
import { translator } from './translate.js';

async function start() {
  const holder = document.getElementById('instance-data');
  if (!holder) return;
  const data = JSON.parse(holder.textContent);
  window.govflowInstance = await showPath(data, translator(data.language));
}

start();
