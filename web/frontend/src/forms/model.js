// A form as a list of fields, and back: the JSON Schema and UI schema that the inbox renders.
// What the list does not manage (formatMinimum, defaults, choices from the task data, ...)
// is kept as it was, so editing a form through the list loses nothing.

export const TYPES = ['text', 'longtext', 'number', 'integer', 'amount', 'date', 'choice', 'multiple',
  'yesno', 'list', 'rows'];
// Keys of a property that the list writes; every other key is kept untouched.
const MANAGED = ['type', 'title', 'description', 'enum', 'items', 'format', 'minimum',
  'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'uniqueItems'];
const MANAGED_UI = ['ui:widget'];

export function fieldsOf(schema, uiSchema) {
  const properties = schema.properties || {};
  const order = (uiSchema['ui:order'] || []).filter((n) => n in properties);
  const names = [...order, ...Object.keys(properties).filter((n) => !order.includes(n))];
  const required = new Set(schema.required || []);
  return names.map((name) => fieldOf(name, properties[name], uiSchema[name] || {},
    required.has(name)));
}

function fieldOf(name, prop, ui, required) {
  const type = typeOf(prop, ui);
  const [min, max] = limitsOf(type, prop);
  const field = {
    name, label: prop.title || '', type, required, help: prop.description || '',
    choices: type === 'choice' ? prop.enum.map(String)
      : type === 'multiple' ? prop.items.enum.map(String) : [],
    min, max, nameTouched: true,
    extra: type === 'other' ? { ...prop } : without(prop, MANAGED),
    uiExtra: type === 'other' ? { ...ui } : without(ui, MANAGED_UI),
    sub: [],
  };
  if (type === 'rows') field.sub = fieldsOf(prop.items, ui.items || {});
  return field;
}

export function typeOf(prop, ui) {
  const widget = ui['ui:widget'];
  if (prop.type === 'array') {
    const items = prop.items || {};
    if (items.type === 'object') return 'rows';
    if (Array.isArray(items.enum)) return 'multiple';
    return items.type === 'string' && !items.anyOf && !items.oneOf ? 'list' : 'other';
  }
  if (prop.anyOf || prop.oneOf || prop.const !== undefined) return 'other';
  if (Array.isArray(prop.enum)) return 'choice';
  if (prop.type === 'boolean') return 'yesno';
  if (prop.type === 'number' || prop.type === 'integer') {
    if (prop.type === 'integer') return 'integer';
    return widget === 'amount' ? 'amount' : 'number';
  }
  if (prop.type === 'string') {
    if (prop.format === 'date') return 'date';
    if (prop.format) return 'other';
    return widget === 'textarea' || (prop.maxLength || 0) > 300 ? 'longtext' : 'text';
  }
  return 'other';
}

function limitsOf(type, prop) {
  const [low, high] = limitKeys(type);
  return [prop[low] ?? '', prop[high] ?? ''].map((v) => (v === '' ? '' : String(v)));
}

// What "minimum" and "maximum" mean for each kind of field.
export function limitKeys(type) {
  if (['number', 'integer', 'amount'].includes(type)) return ['minimum', 'maximum'];
  if (type === 'text' || type === 'longtext') return ['minLength', 'maxLength'];
  if (type === 'multiple' || type === 'list' || type === 'rows') return ['minItems', 'maxItems'];
  return [null, null];
}

export function schemaOf(form, fields) {
  const schema = { ...form.extra, type: 'object', properties: {} };
  if (form.title) schema.title = form.title; else delete schema.title;
  if (form.description) schema.description = form.description; else delete schema.description;
  const ui = { ...form.uiExtra, 'ui:order': fields.map((f) => f.name) };
  const required = [];
  for (const field of fields) {
    const [prop, fieldUi] = propertyOf(field);
    schema.properties[field.name] = prop;
    if (Object.keys(fieldUi).length) ui[field.name] = fieldUi; else delete ui[field.name];
    if (field.required) required.push(field.name);
  }
  if (required.length) schema.required = required; else delete schema.required;
  return { schema, uiSchema: ui };
}

function propertyOf(field) {
  if (field.type === 'other') return [{ ...field.extra, ...titled(field) }, { ...field.uiExtra }];
  const prop = { ...field.extra, ...typed(field), ...titled(field) };
  const [low, high] = limitKeys(field.type);
  for (const [key, value] of [[low, field.min], [high, field.max]]) {
    if (key && value !== '' && value !== undefined && !Number.isNaN(Number(value))) {
      prop[key] = Number(value);
    }
  }
  const ui = { ...field.uiExtra };
  if (field.type === 'longtext') ui['ui:widget'] = 'textarea';
  if (field.type === 'amount') ui['ui:widget'] = 'amount';
  if (field.type === 'rows') {
    const rows = schemaOf({ extra: {}, uiExtra: {} }, field.sub);
    prop.items = { ...rows.schema };
    delete rows.uiSchema['ui:order'];
    if (field.sub.length) ui.items = { ...rows.uiSchema, 'ui:order': field.sub.map((f) => f.name) };
  }
  return [prop, ui];
}

function typed(field) {
  switch (field.type) {
    case 'longtext': case 'text': return { type: 'string' };
    case 'number': return { type: 'number' };
    case 'integer': return { type: 'integer' };
    case 'amount': return { type: 'number', minimum: 0 };
    case 'date': return { type: 'string', format: 'date' };
    case 'choice': return { type: 'string', enum: field.choices };
    case 'multiple': return { type: 'array', items: { type: 'string', enum: field.choices },
      uniqueItems: true };
    case 'yesno': return { type: 'boolean' };
    case 'list': return { type: 'array', items: { type: 'string' } };
    case 'rows': return { type: 'array', items: { type: 'object', properties: {} } };
    default: return {};
  }
}

function titled(field) {
  const out = {};
  if (field.label) out.title = field.label;
  if (field.help) out.description = field.help;
  return out;
}

function without(object, keys) {
  return Object.fromEntries(Object.entries(object || {}).filter(([k]) => !keys.includes(k)));
}

export function formOf(schema, uiSchema) {
  return {
    title: schema.title || '', description: schema.description || '',
    extra: without(schema, ['type', 'properties', 'required', 'title', 'description']),
    uiExtra: without(uiSchema, ['ui:order', ...Object.keys(schema.properties || {})]),
  };
}

// A field name from its label: "Toelichting op de kosten" → toelichting_op_de_kosten.
export function nameFrom(label) {
  const plain = label.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60);
  return /^[a-z_]/.test(plain) ? plain : `veld_${plain}`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await',
  'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for',
  'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass',
  'raise', 'return', 'try', 'while', 'with', 'yield']);

// What is wrong with a field's name among its neighbours (English key for translate).
export function nameProblem(field, fields) {
  if (!field.name) return 'A field needs a name.';
  if (!NAME.test(field.name) || KEYWORDS.has(field.name)) {
    return 'Start the name with a letter, then letters, digits or _ (no spaces).';
  }
  if (fields.filter((f) => f.name === field.name).length > 1) {
    return 'Another field has this name.';
  }
  return null;
}
