// JSON calls to the editor's endpoints. A refusal comes back as {error, problems?} in the
// page's language. A network failure, or a page instead of JSON (the session lapsed and the
// server sent the sign-in page), comes back in the same shape, so callers have one case.
export async function post(url, body, csrfToken) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrfToken },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    return { ok: false, status: 0, data: {} };
  }
  if (!(response.headers.get('Content-Type') || '').includes('application/json')) {
    return { ok: false, status: response.redirected ? 401 : response.status, data: {} };
  }
  let data = {};
  try {
    data = await response.json();
  } catch {
    return { ok: false, status: response.status, data: {} };
  }
  return { ok: response.ok, status: response.status, data };
}

// What to tell the owner when a call was refused or did not arrive.
export function refusal(status, data, translate) {
  if (data.error) return data.error;
  if (status === 401) {
    return translate('You are signed out. Nothing was lost in this page: sign in again in another tab, then try again.');
  }
  return translate('The server could not be reached. Nothing was lost in this page: try again.');
}
