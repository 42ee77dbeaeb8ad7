// One list of problems: bpmnlint's as the owner draws and the server's deploy checks. Each is a
// line in plain Dutch, marked on its element; its button selects the element.
const MARKER = 'govflow-problem';

// bpmnlint messages that carry a name: matched to a template that translate() knows.
const LINT_PATTERNS = [
  [/^Link (catch|throw) event with link name <(.*)> missing in scope$/,
    (m) => [`Link ${m[1]} event with link name {name} missing in scope`, { name: m[2] }]],
  [/^Duplicate link catch event with link name <(.*)> in scope$/,
    (m) => ['Duplicate link catch event with link name {name} in scope', { name: m[1] }]],
  [/^Element type <(.*)> is discouraged$/,
    (m) => ['Element type {type} is discouraged', { type: m[1] }]],
];

export class ProblemList {
  constructor(modeler, translate, { list, summary }) {
    this.modeler = modeler;
    this.translate = translate;
    this.list = list;
    this.summary = summary;
    this.lint = [];
    this.server = [];
    this.reading = [];
    this.marked = [];
    this.shown = '';
    modeler.on('linting.completed', ({ issues }) => this.showLint(issues));
  }

  get errors() {
    return this.all().filter((p) => p.category === 'error');
  }

  all() {
    return [...this.reading, ...this.server, ...this.lint];
  }

  // What bpmn-js could not read as it opened the diagram (a duplicate id, say): it is left
  // out of what the editor saves, so the owner is told once, as a warning.
  showImport(warnings) {
    this.reading = (warnings || []).map((warning) => ({
      element: warning.element && warning.element.id, category: 'warning', translated: true,
      message: this.translate('When it was opened: {message}', { message: warning.message }),
    }));
    this.render();
  }

  showLint(issues) {
    this.lint = Object.values(issues || {}).flat()
      .filter((issue) => issue.category === 'error' || issue.category === 'warn')
      .map((issue) => ({ element: issue.actualElementId || issue.id, message: this.said(issue),
        category: issue.category === 'error' ? 'error' : 'warning', translated: false }));
    this.render();
  }

  // A lane's name is its role, so a lane without one lacks a role, not a label.
  said(issue) {
    const shape = this.registry().get(issue.actualElementId || issue.id);
    if (issue.rule === 'label-required' && shape && shape.type === 'bpmn:Lane') {
      return ['Lane has no role: choose one under Role'];
    }
    for (const [pattern, template] of LINT_PATTERNS) {
      const match = pattern.exec(issue.message);
      if (match) return template(match);
    }
    return [issue.message];
  }

  showServer(problems) {
    this.server = (problems || []).map((p) => ({ element: p.element, message: p.message,
      category: 'error', translated: true }));
    this.render();
  }

  render() {
    const all = this.all();
    this.mark(all);
    // Lint runs on every change; rebuilding an unchanged list would drop the keyboard focus.
    const shown = JSON.stringify(all.map((p) => [p.element, p.message, p.category]));
    if (shown === this.shown) return;
    this.shown = shown;
    const errors = all.filter((p) => p.category === 'error').length;
    this.summary.textContent = all.length ? `${this.count(errors, 'error')}, ${
      this.count(all.length - errors, 'warning')}` : this.translate('No problems');
    this.list.replaceChildren(...all.map((problem) => this.item(problem)));
  }

  count(n, what) {
    return n === 1 ? this.translate(`1 ${what}`) : this.translate(`{n} ${what}s`, { n });
  }

  item(problem) {
    const li = document.createElement('li');
    li.className = `problem ${problem.category}`;
    const kind = document.createElement('span');
    kind.className = 'problem-kind';
    kind.textContent = this.translate(problem.category === 'error' ? 'Error' : 'Warning');
    li.append(kind, ' ');
    const shape = problem.element && this.registry().get(problem.element);
    if (shape) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'link-button';
      const name = shape.businessObject.name || problem.element;
      button.textContent = name;
      button.setAttribute('aria-label', this.translate('Select {name}', { name }));
      button.addEventListener('click', () => this.select(shape));
      li.append(button, ': ');
    } else if (problem.element) {
      li.append(`${problem.element}: `);
    }
    li.append(problem.translated ? problem.message : this.translate(...problem.message));
    return li;
  }

  select(shape) {
    const canvas = this.modeler.get('canvas');
    const root = canvas.findRoot(shape);
    if (root && root !== canvas.getRootElement()) canvas.setRootElement(root);
    if (!shape.waypoints && shape !== root) canvas.scrollToElement(shape);
    this.modeler.get('selection').select(shape);
    canvas.focus();  // the keyboard now works on the selected element
  }

  mark(problems) {
    const canvas = this.modeler.get('canvas');
    for (const id of this.marked) {
      if (this.registry().get(id)) canvas.removeMarker(id, MARKER);
    }
    this.marked = [...new Set(problems.map((p) => p.element).filter((id) => this.registry().get(id)))];
    for (const id of this.marked) canvas.addMarker(id, MARKER);
  }

  registry() {
    return this.modeler.get('elementRegistry');
  }
}
