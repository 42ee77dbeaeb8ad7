// The server's deploy checks as the owner draws: the diagram goes to the server a moment after
// the last change; an answer that a later change has overtaken is dropped.
import { post } from './server.js';

const PAUSE_MS = 700;

export function checkAsYouDraw(modeler, data, problems) {
  let timer = null;
  let asked = 0;
  async function check() {
    const question = ++asked;
    const { xml } = await modeler.saveXML();
    const { ok, data: answer } = await post(data.urls.check, { xml }, data.csrfToken);
    if (ok && question === asked) problems.showServer(answer.problems);
  }
  modeler.on('commandStack.changed', () => {
    clearTimeout(timer);
    timer = setTimeout(check, PAUSE_MS);
  });
  return check;
}
