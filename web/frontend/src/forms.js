// The form editor page: the list of fields and the JSON view kept in step, a live preview by
// the server's renderer, and saving into the draft.
import './forms.css';
import { translator } from './translate.js';
import { post, refusal } from './server.js';
import { fieldsOf, formOf, schemaOf, nameProblem } from './forms/model.js';
import { FieldList, blankField, el } from './forms/field-list.js';

const PREVIEW_PAUSE_MS = 500;

class FormEditor {
  constructor(data) {
    this.data = data;
    this.t = translator(data.language);
    this.revision = data.revision;
    this.dirty = false;
    const schema = data.schema ? JSON.parse(data.schema)
      : { type: 'object', title: '', properties: {} };
    const uiSchema = data.uiSchema ? JSON.parse(data.uiSchema) : {};
    this.form = formOf(schema, uiSchema);
    this.fields = fieldsOf(schema, uiSchema);
    this.status = document.getElementById('form-status');
    this.refusal = document.getElementById('form-refusal');
    this.jsonSchema = document.getElementById('json-schema');
    this.jsonUi = document.getElementById('json-ui-schema');
    this.list = new FieldList(document.getElementById('field-list'), this.fields, this.t,
      () => this.changed());
  }

  start() {
    this.meta();
    this.list.render();
    this.writeJson();
    this.preview(true);
    document.getElementById('add-field').addEventListener('click', () => {
      this.fields.push(blankField());
      this.list.render('.field-item:last-child input');
      this.changed();
    });
    for (const area of [this.jsonSchema, this.jsonUi]) {
      area.addEventListener('input', () => this.readJson());
    }
    document.getElementById('preview-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.preview(false, event.submitter);
    });
    document.getElementById('save-form').addEventListener('click', () => this.save(false));
    window.addEventListener('beforeunload', (event) => {
      if (!this.dirty) return;
      event.preventDefault();
      event.returnValue = '';
    });
  }

  meta() {
    const box = document.getElementById('form-meta');
    const field = (id, label, value, onInput, multi) => {
      const wrap = el('div', { class: 'field' });
      wrap.append(el('label', { for: id }, label));
      const input = el(multi ? 'textarea' : 'input', multi ? { id, rows: '2' } : { id, type: 'text' });
      input.value = value;
      input.addEventListener('input', () => { onInput(input.value); this.changed(); });
      wrap.append(input);
      return wrap;
    };
    box.replaceChildren(
      field('form-title', this.t('Title of the form'), this.form.title, (v) => { this.form.title = v; }),
      field('form-description', this.t('Explanation above the form'), this.form.description,
        (v) => { this.form.description = v; }, true));
  }

  changed(fromJson = false) {
    if (!this.dirty) this.say(this.t('Not saved: there are changes since the last save.'));
    this.dirty = true;
    if (!fromJson) this.writeJson();
    clearTimeout(this.pending);
    this.pending = setTimeout(() => this.preview(true), PREVIEW_PAUSE_MS);
  }

  built() {
    return schemaOf(this.form, this.fields);
  }

  writeJson() {
    const { schema, uiSchema } = this.built();
    this.jsonSchema.value = JSON.stringify(schema, null, 2);
    this.jsonUi.value = JSON.stringify(uiSchema, null, 2);
    document.getElementById('json-schema-error').textContent = '';
  }

  // A change in the JSON view shows in the list as soon as it is valid JSON of a form.
  readJson() {
    const error = document.getElementById('json-schema-error');
    try {
      const schema = JSON.parse(this.jsonSchema.value);
      const uiSchema = this.jsonUi.value.trim() ? JSON.parse(this.jsonUi.value) : {};
      if (!schema || schema.type !== 'object') throw new Error(this.t('a form is an object schema'));
      this.form = formOf(schema, uiSchema);
      this.fields.splice(0, this.fields.length, ...fieldsOf(schema, uiSchema));
      error.textContent = '';
      this.meta();
      this.list.render();
      this.changed(true);
    } catch (err) {
      error.textContent = this.t('The JSON is not valid: {reason}', { reason: err.message });
    }
  }

  async preview(fresh, submitter) {
    const { schema, uiSchema } = this.built();
    const form = document.getElementById('preview-form');
    const body = new URLSearchParams(fresh ? [] : new FormData(form, submitter));
    body.set('_schema', JSON.stringify(schema));
    body.set('_ui_schema', JSON.stringify(uiSchema));
    body.set('csrf_token', this.data.csrfToken);
    if (fresh) body.set('_fresh', '1');
    let response;
    try {
      response = await fetch(this.data.urls.preview, { method: 'POST', body,
        credentials: 'same-origin' });
    } catch {
      return;
    }
    const html = await response.text();
    if (response.ok && !response.redirected) {
      // The server's own rendering, escaped by its templates.
      document.getElementById('preview').innerHTML = html;
    }
  }

  problemsInNames() {
    const all = [...this.fields, ...this.fields.flatMap((f) => f.sub || [])];
    return all.some((field) => nameProblem(field,
      this.fields.includes(field) ? this.fields : this.fields.find((f) => f.sub.includes(field)).sub));
  }

  async save(confirm) {
    this.refusal.hidden = true;
    if (this.problemsInNames()) {
      this.say(this.t('Give every field a valid name of its own first.'), true);
      return;
    }
    const { schema, uiSchema } = this.built();
    this.say(this.t('Saving…'));
    const { ok, status, data } = await post(this.data.urls.save, {
      schema: JSON.stringify(schema), uiSchema: JSON.stringify(uiSchema),
      revision: this.revision, confirm }, this.data.csrfToken);
    if (!ok) {
      this.say(refusal(status, data, this.t), true);
      if (data.readers) this.showReaders(data);
      return;
    }
    this.revision = data.revision;
    this.dirty = false;
    this.say(this.t('Form saved at {when}.', { when: data.savedAt }));
    if (data.problems && data.problems.length) this.showProblems(data.problems);
  }

  showReaders(data) {
    const items = data.readers.map((r) => el('li', {}, this.t('{field}: read by the {what} of “{name}”',
      { field: r.field, what: r.what, name: r.name })));
    const again = el('button', { type: 'button', class: 'button secondary' }, this.t('Save anyway'));
    again.addEventListener('click', () => this.save(true));
    this.refusal.replaceChildren(el('h2', {}, data.error), el('ul', {}), again);
    this.refusal.querySelector('ul').append(...items);
    this.refusal.hidden = false;
    again.focus();
  }

  showProblems(problems) {
    const items = problems.map((p) => el('li', {}, p.name ? `${p.name}: ${p.message}` : p.message));
    this.refusal.replaceChildren(el('h2', {}, this.t('Saved; the diagram check found:')), el('ul', {}));
    this.refusal.querySelector('ul').append(...items);
    this.refusal.hidden = false;
  }

  say(text, isError = false) {
    this.status.textContent = text;
    this.status.classList.toggle('error-message', isError);
  }
}

const data = JSON.parse(document.getElementById('form-data').textContent);
new FormEditor(data).start();
