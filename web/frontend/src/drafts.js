// Saving the draft, deploying it, the status line and the warning before leaving with changes
// that are not saved. One save or deploy at a time; a change made while one runs stays unsaved.
import { post, refusal } from './server.js';

export class DraftEditor {
  constructor(modeler, data, problems, checker, translate) {
    Object.assign(this, { modeler, data, problems, checker, translate });
    this.revision = data.revision;
    this.changes = 0;  // counts every change; saved is the count the last save wrote
    this.saved = 0;
    this.busy = null;
    this.status = document.getElementById('save-status');
    this.buttons = ['save-draft', 'deploy', 'test-run'].map((id) => document.getElementById(id));
    modeler.on('commandStack.changed', () => this.changed());
    window.addEventListener('beforeunload', (event) => {
      if (!this.dirty) return;
      event.preventDefault();
      event.returnValue = '';
    });
  }

  get dirty() {
    return this.changes !== this.saved;
  }

  changed() {
    const wasDirty = this.dirty;
    this.changes += 1;
    if (!wasDirty) this.say(this.translate('Not saved: there are changes since the last save.'));
  }

  say(text, isError = false) {
    this.status.textContent = text;
    this.status.classList.toggle('error-message', isError);
  }

  // Run one save or deploy; a click while one runs waits for it instead of racing it.
  async exclusively(action) {
    if (this.busy) await this.busy;
    this.buttons.forEach((b) => { b.disabled = true; });
    this.busy = action().finally(() => {
      this.busy = null;
      this.buttons.forEach((b) => { b.disabled = false; });
    });
    return this.busy;
  }

  save() {
    return this.exclusively(() => this.write());
  }

  deploy(note) {
    return this.exclusively(() => this.publish(note));
  }

  async write() {
    this.say(this.translate('Saving…'));
    const writing = this.changes;
    let xml;
    try {
      ({ xml } = await this.modeler.saveXML({ format: true }));
    } catch (err) {
      this.say(this.translate('The diagram could not be written: {reason}',
        { reason: err.message }), true);
      return false;
    }
    this.checker.overtaken();
    const { ok, status, data } = await post(this.data.urls.save,
      { xml, revision: this.revision }, this.data.csrfToken);
    if (!ok) return this.refused(status, data);
    this.revision = data.revision;
    this.saved = writing;
    this.problems.showServer(data.problems);
    this.say(this.translate('Draft saved at {when} by {who}.',
      { when: data.savedAt, who: data.savedBy }));
    if (this.dirty) this.checker.schedule();  // changed while saving: check what is drawn now
    return true;
  }

  async publish(note) {
    if (!note.trim()) {
      this.say(this.translate('Write a change note first: what changed, and why.'), true);
      return false;
    }
    // Saving first answers with the server's checks of what is drawn now.
    if ((this.dirty || !this.revision) && !(await this.write())) return false;
    if (this.problems.errors.length) {
      this.say(this.translate('Solve the errors in the list of problems first.'), true);
      return false;
    }
    this.say(this.translate('Deploying…'));
    const { ok, status, data } = await post(this.data.urls.deploy,
      { revision: this.revision, note }, this.data.csrfToken);
    if (!ok) return this.refused(status, data);
    if (this.dirty) {  // changed while deploying: the version is out, the change is not
      this.say(this.translate('Not saved: there are changes since the last save.'));
      return true;
    }
    window.location.assign(data.url);
    return true;
  }

  // A test run runs the saved draft: save first, then open the run in this tab.
  testRun() {
    return this.exclusively(async () => {
      if ((this.dirty || !this.revision) && !(await this.write())) return false;
      const { ok, status, data } = await post(this.data.urls.testRun, {}, this.data.csrfToken);
      if (!ok) return this.refused(status, data);
      window.location.assign(data.url);
      return true;
    });
  }

  refused(status, data) {
    if (data.problems) this.problems.showServer(data.problems);
    this.say(refusal(status, data, this.translate), true);
    return false;
  }

  async download() {
    const { xml } = await this.modeler.saveXML({ format: true });
    const blob = new Blob([xml], { type: 'application/xml' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${this.data.key}.bpmn`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
}
