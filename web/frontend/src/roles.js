// The "Nieuwe rol" dialog: a process owner adds a role to the catalogue from the editor.
import { post, refusal } from './server.js';

export function roleDialog(data, translate) {
  const dialog = document.getElementById('role-dialog');
  const form = document.getElementById('role-form');
  const error = document.getElementById('role-error');
  let done = null;
  document.getElementById('role-cancel').addEventListener('click', () => dialog.close());
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { name: form.elements.name.value.trim(),
      description: form.elements.description.value.trim() };
    const { ok, status, data: answer } = await post(data.urls.addRole, body, data.csrfToken);
    if (!ok) {
      error.textContent = refusal(status, answer, translate);
      return;
    }
    data.roles.push(answer);
    data.roles.sort((a, b) => a.name.localeCompare(b.name));
    dialog.close();
    if (done) done(answer);
  });
  return function addRole(callback) {
    done = callback;
    form.reset();
    error.textContent = '';
    dialog.showModal();
  };
}
