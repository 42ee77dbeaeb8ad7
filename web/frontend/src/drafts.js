// Saving the draft, deploying it, the status line and the warning before leaving with changes
// that are not saved.
import { post, refusal } from './server.js';

export class DraftEditor {
  constructor(modeler, data, problems, translate) {
    Object.assign(this, { modeler, data, problems, translate });
    this.revision = data.revision;
    this.dirty = false;
    this.status = document.getElementById('save-status');
    modeler.on('commandStack.changed', () => this.changed());
    window.addEventListener('beforeunload', (event) => {
      if (!this.dirty) return;
      event.preventDefault();
      event.returnValue = '';
    });
  }

  changed() {
    this.dirty = true;
    this.say(this.translate('Not saved: there are changes since the last save.'));
  }

  say(text, isError = false) {
    this.status.textContent = text;
    this.status.classList.toggle('error-message', isError);
  }

  async xml() {
    const { xml } = await this.modeler.saveXML({ format: true });
    return xml;
  }

  async save() {
    this.say(this.translate('Saving…'));
    let xml;
    try {
      xml = await this.xml();
    } catch (err) {
      this.say(this.translate('The diagram could not be written: {reason}',
        { reason: err.message }), true);
      return false;
    }
    const { ok, status, data } = await post(this.data.urls.save,
      { xml, revision: this.revision }, this.data.csrfToken);
    if (!ok) return this.refused(status, data);
    this.revision = data.revision;
    this.dirty = false;
    this.problems.showServer(data.problems);
    this.say(this.translate('Draft saved at {when} by {who}.',
      { when: data.savedAt, who: data.savedBy }));
    return true;
  }

  async deploy(note) {
    if (!note.trim()) {
      this.say(this.translate('Write a change note first: what changed, and why.'), true);
      return false;
    }
    if (this.problems.errors.length) {
      this.say(this.translate('Solve the errors in the list of problems first.'), true);
      return false;
    }
    if ((this.dirty || !this.revision) && !(await this.save())) return false;
    this.say(this.translate('Deploying…'));
    const { ok, status, data } = await post(this.data.urls.deploy,
      { revision: this.revision, note }, this.data.csrfToken);
    if (!ok) return this.refused(status, data);
    this.dirty = false;
    window.location.assign(data.url);
    return true;
  }

  refused(status, data) {
    if (data.problems) this.problems.showServer(data.problems);
    this.say(refusal(status, data, this.translate), true);
    return false;
  }

  async download() {
    const blob = new Blob([await this.xml()], { type: 'application/xml' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${this.data.key}.bpmn`;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }
}
