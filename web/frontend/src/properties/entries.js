// Small builders for the properties panel's entries, so each govflow field reads as one line:
// which value it shows and how a change is written.
// The panel's own preact: hooks work only within the copy that renders the panel.
import { createElement as h } from '@bpmn-io/properties-panel/preact';
import { useCallback } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';
import {
  SelectEntry, TextAreaEntry, TextFieldEntry,
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';

// The panel hands an emptied field over as undefined, and calls back on leaving a field that
// did not change: write only a real change, as a string. A value that validate() refuses
// (it returns the message shown under the field) is not written.
function writer(element, getValue, setValue, injector) {
  return (value, error) => {
    const text = value ?? '';
    if (!error && text !== getValue(element)) setValue(element, text, injector);
  };
}

export function textField(id, label, description, getValue, setValue, validate) {
  function Component({ element }) {
    const translate = useService('translate');
    const injector = useService('injector');
    // The panel validates again whenever this function changes: keep one per element.
    const check = useCallback((value) => validate(element, value ?? '', translate, injector),
      [element, translate, injector]);
    return TextFieldEntry({
      element, id, label: translate(label), description: description && translate(description),
      getValue: () => getValue(element), setValue: writer(element, getValue, setValue, injector),
      debounce: useService('debounceInput'), validate: validate && check,
    });
  }
  return { id, component: Component, isEdited: isTextFieldEntryEdited };
}

export function textArea(id, label, description, getValue, setValue) {
  function Component({ element }) {
    const translate = useService('translate');
    const injector = useService('injector');
    return TextAreaEntry({
      element, id, label: translate(label), description: description && translate(description),
      getValue: () => getValue(element), setValue: writer(element, getValue, setValue, injector),
      debounce: useService('debounceInput'), monospace: true, rows: 4, autoResize: true,
    });
  }
  return { id, component: Component, isEdited: isTextAreaEntryEdited };
}

// getOptions(element, translate) returns [{value, label}].
export function select(id, label, description, getValue, setValue, getOptions) {
  function Component({ element }) {
    const translate = useService('translate');
    const injector = useService('injector');
    return SelectEntry({
      element, id, label: translate(label), description: description && translate(description),
      getValue: () => getValue(element), setValue: writer(element, getValue, setValue, injector),
      getOptions: () => getOptions(element, translate, injector),
    });
  }
  return { id, component: Component, isEdited: isSelectEntryEdited };
}

// The value as an option, also when it is not among the known ones (never hide what is there).
export function withCurrent(options, current, unknownLabel) {
  if (current && !options.some((option) => option.value === current)) {
    return [...options, { value: current, label: unknownLabel }];
  }
  return options;
}

// A button in the panel, e.g. "Nieuwe rol…", for what is not a value of the element.
export function button(id, label, onClick) {
  function Component({ element }) {
    const translate = useService('translate');
    const injector = useService('injector');
    return h('div', { class: 'bio-properties-panel-entry govflow-entry-button' },
      h('button', { type: 'button', class: 'button secondary', 'data-entry-id': id,
        onClick: () => onClick(element, injector) }, translate(label)));
  }
  return { id, component: Component };
}
