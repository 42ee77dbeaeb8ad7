// The list of fields as a form of its own: each field a fieldset with its label, name, type,
// required, choices, limits and help text, and buttons to move or remove it. Rows of fields
// hold a list of their own, one level deep.
import { TYPES, limitKeys, nameFrom, nameProblem } from './model.js';

let counter = 0;

export function blankField() {
  return { name: '', label: '', type: 'text', required: false, help: '', choices: [],
    min: '', max: '', nameTouched: false, extra: {}, uiExtra: {}, sub: [] };
}

export class FieldList {
  constructor(list, fields, translate, onChange, depth = 0) {
    Object.assign(this, { list, fields, translate, onChange, depth });
  }

  render(focus) {
    this.list.replaceChildren(...this.fields.map((field, i) => this.item(field, i)));
    if (focus) {
      const target = this.list.querySelector(focus);
      if (target) target.focus();
    }
  }

  item(field, index) {
    const t = this.translate;
    const li = el('li', { class: 'field-item' });
    const set = el('fieldset', { class: 'field-card' });
    const legend = el('legend', {}, t('Field {n}: {label}',
      { n: index + 1, label: field.label || t('(no label)') }));
    set.append(legend);
    const id = `f${++counter}`;
    set.append(this.input(id, 'label', t('Label'), field.label, (value) => {
      field.label = value;
      if (!field.nameTouched) {
        field.name = nameFrom(value);
        set.querySelector(`#${id}-name`).value = field.name;
      }
      legend.textContent = t('Field {n}: {label}', { n: index + 1, label: value || t('(no label)') });
    }));
    const name = this.input(id, 'name', t('Name'), field.name, (value) => {
      field.name = value.trim();
      field.nameTouched = true;
      this.showNameProblem(set, id, field);
    }, t('How conditions and scripts read the answer.'));
    set.append(name);
    set.append(this.typeSelect(id, field));
    set.append(checkbox(`${id}-required`, t('Required'), field.required, (on) => {
      field.required = on;
      this.onChange();
    }));
    this.details(set, id, field);
    set.append(this.buttons(field, index));
    li.append(set);
    this.showNameProblem(set, id, field, false);
    return li;
  }

  details(set, id, field) {
    const t = this.translate;
    if (field.type === 'other') {
      set.append(el('p', { class: 'hint' }, t('This kind of field is edited in the JSON view.')));
    }
    if (field.type === 'choice' || field.type === 'multiple') {
      set.append(this.textarea(id, 'choices', t('Choices, one per line'), field.choices.join('\n'),
        (value) => { field.choices = value.split('\n').map((c) => c.trim()).filter(Boolean); }));
    }
    const [low] = limitKeys(field.type);
    if (low) {
      const words = ['number', 'integer', 'amount'].includes(field.type)
        ? [t('Minimum'), t('Maximum')] : field.type === 'text' || field.type === 'longtext'
          ? [t('Minimum length'), t('Maximum length')] : [t('Fewest'), t('Most')];
      const limits = el('div', { class: 'limits' });
      limits.append(this.input(id, 'min', words[0], field.min, (v) => { field.min = v.trim(); },
        null, 'decimal'));
      limits.append(this.input(id, 'max', words[1], field.max, (v) => { field.max = v.trim(); },
        null, 'decimal'));
      set.append(limits);
    }
    set.append(this.textarea(id, 'help', t('Help text'), field.help,
      (value) => { field.help = value; }));
    if (field.type === 'rows' && this.depth === 0) this.rows(set, field);
  }

  rows(set, field) {
    const t = this.translate;
    const box = el('div', { class: 'sub-fields' });
    box.append(el('p', { class: 'hint' }, t('The fields of each row:')));
    const list = el('ol', { class: 'field-list' });
    const sub = new FieldList(list, field.sub, t, this.onChange, this.depth + 1);
    sub.render();
    const add = el('button', { type: 'button', class: 'button secondary' }, t('Add a field to the rows'));
    add.addEventListener('click', () => {
      field.sub.push(blankField());
      sub.render('.field-item:last-child input');
      this.onChange();
    });
    box.append(list, add);
    set.append(box);
  }

  typeSelect(id, field) {
    const t = this.translate;
    const wrap = el('div', { class: 'field' });
    wrap.append(el('label', { for: `${id}-type` }, t('Kind')));
    const select = el('select', { id: `${id}-type` });
    const types = field.type === 'other' ? ['other', ...TYPES] : TYPES;
    for (const type of types.filter((x) => this.depth === 0 || x !== 'rows')) {
      const option = el('option', { value: type }, t(`type:${type}`));
      if (type === field.type) option.selected = true;
      select.append(option);
    }
    select.addEventListener('change', () => {
      field.type = select.value;
      if (field.type !== 'other') field.extra = {};
      this.render(`#${id}-type`);
      this.onChange();
    });
    wrap.append(select);
    return wrap;
  }

  buttons(field, index) {
    const t = this.translate;
    const bar = el('div', { class: 'field-buttons' });
    const label = field.label || field.name || String(index + 1);
    const button = (text, action, disabled) => {
      const b = el('button', { type: 'button', class: 'button secondary small' }, text);
      b.setAttribute('aria-label', `${text}: ${label}`);
      b.disabled = disabled;
      b.addEventListener('click', action);
      bar.append(b);
    };
    button(t('Up'), () => this.move(index, -1), index === 0);
    button(t('Down'), () => this.move(index, 1), index === this.fields.length - 1);
    button(t('Remove'), () => {
      this.fields.splice(index, 1);
      this.render();
      this.onChange();
    }, false);
    return bar;
  }

  move(index, by) {
    const [field] = this.fields.splice(index, 1);
    this.fields.splice(index + by, 0, field);
    this.render(`.field-item:nth-child(${index + by + 1}) .field-buttons button:nth-child(${by < 0 ? 1 : 2})`);
    this.onChange();
  }

  showNameProblem(set, id, field, announce = true) {
    const problem = nameProblem(field, this.fields);
    const input = set.querySelector(`#${id}-name`);
    const message = set.querySelector(`#${id}-name-error`);
    input.setAttribute('aria-invalid', problem ? 'true' : 'false');
    message.textContent = problem ? this.translate(problem) : '';
    if (announce) this.onChange();
  }

  input(id, what, label, value, onInput, hint, inputmode) {
    const wrap = el('div', { class: 'field' });
    wrap.append(el('label', { for: `${id}-${what}` }, label));
    const described = [];
    if (hint) {
      wrap.append(el('p', { class: 'hint', id: `${id}-${what}-hint` }, hint));
      described.push(`${id}-${what}-hint`);
    }
    if (what === 'name') {
      wrap.append(el('p', { class: 'error-message', id: `${id}-name-error` }));
      described.push(`${id}-name-error`);
    }
    const input = el('input', { type: 'text', id: `${id}-${what}`, class: what === 'name' ? 'code' : '' });
    if (inputmode) input.setAttribute('inputmode', inputmode);
    if (described.length) input.setAttribute('aria-describedby', described.join(' '));
    input.value = value;
    input.addEventListener('input', () => { onInput(input.value); if (what !== 'name') this.onChange(); });
    wrap.append(input);
    return wrap;
  }

  textarea(id, what, label, value, onInput) {
    const wrap = el('div', { class: 'field' });
    wrap.append(el('label', { for: `${id}-${what}` }, label));
    const area = el('textarea', { id: `${id}-${what}`, rows: '3' });
    area.value = value;
    area.addEventListener('input', () => { onInput(area.value); this.onChange(); });
    wrap.append(area);
    return wrap;
  }
}

function checkbox(id, label, checked, onToggle) {
  const wrap = el('div', { class: 'choice' });
  const box = el('input', { type: 'checkbox', id });
  box.checked = checked;
  box.addEventListener('change', () => onToggle(box.checked));
  wrap.append(box, el('label', { for: id }, label));
  return wrap;
}

export function el(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== '' && value !== undefined) node.setAttribute(key, value);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}
