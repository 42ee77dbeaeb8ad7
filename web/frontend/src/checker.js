// The server's deploy checks as the owner draws: the diagram goes to the server a moment after
// the last change; an answer that a later change or a save has overtaken is dropped.
import { post } from './server.js';

const PAUSE_MS = 700;

export class Checker {
  constructor(modeler, data, problems) {
    Object.assign(this, { modeler, data, problems });
    this.timer = null;
    this.asked = 0;
    modeler.on('commandStack.changed', () => this.schedule());
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), PAUSE_MS);
  }

  // A save answers with the same checks: nothing asked before it may overwrite them.
  overtaken() {
    clearTimeout(this.timer);
    this.asked += 1;
  }

  async check() {
    const question = ++this.asked;
    const { xml } = await this.modeler.saveXML();
    const { ok, data: answer } = await post(this.data.urls.check, { xml }, this.data.csrfToken);
    if (ok && question === this.asked) this.problems.showServer(answer.problems);
  }
}
