// A timer's kind (datum, duur, cyclus) and value, with examples that SpiffWorkflow and the
// deploy check accept (the properties panel's own timer fields describe Camunda's).
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';
import { update, run } from '../extensions.js';
import { select, textField } from './entries.js';

const KINDS = { timeDate: 'date', timeDuration: 'duration', timeCycle: 'cycle' };
const EXAMPLES = {
  timeDate: 'A point in time, e.g. 2027-03-01T10:00.',
  timeDuration: 'How long after the timer starts, e.g. P14D (14 days) or PT2H (2 hours).',
  timeCycle: 'Repeats, e.g. R4/2027-01-15T09:00/P3M (four times, every three months from 15 January 2027) or R/2027-01-15T09:00/P1Y (every year).',
};

export function timerOf(element) {
  const definitions = getBusinessObject(element).eventDefinitions || [];
  return definitions.find((d) => is(d, 'bpmn:TimerEventDefinition'));
}

function kindOf(timer) {
  return Object.keys(KINDS).find((kind) => timer.get(kind)) || '';
}

export function timerEntries(element) {
  const timer = timerOf(element);
  if (!timer) return [];
  const entries = [select('govflow-timer-kind', 'Kind', null, (el) => kindOf(timerOf(el)), setKind,
    (el, translate) => [{ value: '', label: translate('<none>') },
      ...Object.entries(KINDS).map(([value, label]) => ({ value, label: translate(label) }))])];
  const kind = kindOf(timer);
  if (kind) {
    entries.push(textField('govflow-timer-value', 'Value', EXAMPLES[kind],
      (el) => (timerOf(el).get(kindOf(timerOf(el))) || {}).body || '', setValue));
  }
  return entries;
}

// A new kind keeps the value that was there; the other kinds are cleared.
function setKind(element, kind, injector) {
  const timer = timerOf(element);
  const old = kindOf(timer);
  const body = old ? timer.get(old).body : '';
  const properties = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
  if (kind) {
    properties[kind] = injector.get('bpmnFactory').create('bpmn:FormalExpression', { body });
  }
  run([update(element, timer, properties)], injector);
}

function setValue(element, value, injector) {
  const timer = timerOf(element);
  run([update(element, timer.get(kindOf(timer)), { body: value })], injector);
}
