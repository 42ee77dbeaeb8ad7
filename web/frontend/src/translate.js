// Dutch for bpmn-js, its properties panel, bpmnlint and govflow's own editor texts. The key is
// the English text (bpmn-js's convention); what has no Dutch here stays English.
import dutch from './dutch.js';

export function translator(language) {
  const words = language === 'nl' ? dutch : {};
  return function translate(template, replacements) {
    const text = words[template] || template;
    return text.replace(/{([^}]+)}/g, (all, key) =>
      (replacements && key in replacements) ? String(replacements[key]) : all);
  };
}

// A bpmn-js module that replaces the default (English) translate service.
export function translateModule(language) {
  return { translate: ['value', translator(language)] };
}
