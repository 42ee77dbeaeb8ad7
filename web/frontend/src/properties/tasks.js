// User tasks and start events: the form, who does it, by when, four eyes; scripts.
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';
import { propertyOf, scriptOf, setProperties, setScript } from '../extensions.js';
import { button, select, textArea, textField, withCurrent } from './entries.js';

const SCHEMA = 'formJsonSchemaFilename';
const UI_SCHEMA = 'formUiSchemaFilename';

export function taskEntries(element) {
  if (!is(element, 'bpmn:UserTask')) return [];
  return [
    formEntry(),
    ...formButtons(),
    property('govflow-assignee', 'Assigned to', 'assignee',
      'An expression that names one person, e.g. voorzitter. Empty: everyone who holds the role of the lane.'),
    property('govflow-due-date', 'Due date', 'dueDate',
      'An expression that gives the date by which the task is due, e.g. vergaderdatum.'),
    property('govflow-separate-from', 'Not by the same person as', 'separateFrom',
      'Four eyes: the id of an earlier task whose performer may not do this one.'),
  ];
}

export function startEntries(element) {
  if (!is(element, 'bpmn:StartEvent') || !isTopLevel(element)) return [];
  return [
    formEntry(),
    ...formButtons(),
    property('govflow-scope', 'Scope', 'scope',
      'The body or sub-region this start belongs to, e.g. stamtafel.'),
    property('govflow-scope-field', 'Scope from the start form', 'scopeField',
      'The field of the start form that names the body, e.g. orgaan.'),
    property('govflow-instance-title', 'Instance title', 'instanceTitle',
      'An expression over the start data that names each cycle in the overviews, e.g. "Begroting " + str(jaar). Empty: the name given at the start, or the date.'),
    property('govflow-instance-date', 'Date of the cycle', 'instanceDate',
      'The data fields that hold the day the cycle is about, the first that is filled in wins, e.g. vergaderdatum, occurrence.'),
  ];
}

export function scriptTaskEntries(element) {
  if (!is(element, 'bpmn:ScriptTask')) return [];
  return [textArea('govflow-script', 'Script',
    'Python that runs when the task runs; it reads and sets the data of the process.',
    (task) => getBusinessObject(task).script || '',
    (task, value, injector) => injector.get('modeling').updateProperties(task, {
      script: value || undefined, scriptFormat: getBusinessObject(task).scriptFormat || 'python',
    }))];
}

export function scriptEntries(element) {
  if (!isAny(element, ['bpmn:Activity', 'bpmn:StartEvent', 'bpmn:IntermediateThrowEvent',
    'bpmn:IntermediateCatchEvent', 'bpmn:EndEvent', 'bpmn:BoundaryEvent'])) return [];
  const script = (id, label, type) => textArea(id, label, null,
    (el) => scriptOf(el, type), (el, value, injector) => setScript(el, type, value, injector));
  return [script('govflow-pre-script', 'Script before', 'spiffworkflow:PreScript'),
    script('govflow-post-script', 'Script after', 'spiffworkflow:PostScript')];
}

function property(id, label, name, description) {
  return textField(id, label, description, (el) => propertyOf(el, name),
    (el, value, injector) => setProperties(el, { [name]: value.trim() }, injector));
}

// The form is a JSON Schema among the version's resources; its UI schema, when the version
// has one of the same name, goes with it.
function formEntry() {
  return select('govflow-form', 'Form', null, (el) => propertyOf(el, SCHEMA), setForm, formOptions);
}

// The form editor opens on the task's form, or on a new form named after the task.
function formButtons() {
  return [
    button('govflow-edit-form', 'Edit form', (element, injector) => {
      const name = propertyOf(element, SCHEMA);
      const govflow = injector.get('config.govflow');
      if (name) govflow.openForm(name, element.id);
      else govflow.say('Choose a form first, or make a new one.');
    }),
    button('govflow-new-form', 'New form', (element, injector) => {
      const govflow = injector.get('config.govflow');
      const name = `${govflow.key}-${element.id}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '-')
        .replace(/^-+/, '').slice(0, 150) + '-schema.json';
      setProperties(element, { [SCHEMA]: name, [UI_SCHEMA]: '' }, injector);
      govflow.openForm(name, element.id);
    }),
  ];
}

function formOptions(element, translate, injector) {
  const forms = injector.get('config.govflow').forms.filter(isSchema);
  const current = propertyOf(element, SCHEMA);
  return withCurrent([{ value: '', label: translate('No form') },
    ...forms.map((name) => ({ value: name, label: name }))],
  current, translate('Form not in this version: {name}', { name: current }));
}

function setForm(element, value, injector) {
  const forms = injector.get('config.govflow').forms;
  const uiSchema = value.replace(/-schema\.json$/, '-uischema.json');
  setProperties(element, {
    [SCHEMA]: value, [UI_SCHEMA]: value && forms.includes(uiSchema) ? uiSchema : '',
  }, injector);
}

function isSchema(name) {
  return name.endsWith('.json') && !name.endsWith('-uischema.json');
}

function isTopLevel(element) {
  return is(getBusinessObject(element).$parent, 'bpmn:Process');
}
