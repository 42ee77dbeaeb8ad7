// Small builders for the properties panel's entries, so each govflow field reads as one line:
// which value it shows and how a change is written.
import { useService } from 'bpmn-js-properties-panel';
import {
  SelectEntry, TextAreaEntry, TextFieldEntry,
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited,
} from '@bpmn-io/properties-panel';

export function textField(id, label, description, getValue, setValue) {
  function Component({ element }) {
    const translate = useService('translate');
    const injector = useService('injector');
    return TextFieldEntry({
      element, id, label: translate(label), description: description && translate(description),
      getValue: () => getValue(element), setValue: (value) => setValue(element, value, injector),
      debounce: useService('debounceInput'),
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
      getValue: () => getValue(element), setValue: (value) => setValue(element, value, injector),
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
      getValue: () => getValue(element), setValue: (value) => setValue(element, value, injector),
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
