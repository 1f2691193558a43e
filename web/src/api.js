// The JSON API the page is made from: every number shown comes from one of these calls.
const BASE = new URL("api/", document.baseURI);

export class ApiError extends Error {}

export async function get(path, params = {}, { signal } = {}) {
  const url = new URL(path, BASE);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  return handle(await fetch(url, { signal }));
}

export async function post(path, body, { signal } = {}) {
  const res = await fetch(new URL(path, BASE), {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal,
  });
  return handle(res);
}

async function handle(res) {
  let data;
  try { data = await res.json(); } catch { data = null; }
  if (!res.ok) throw new ApiError((data && data.error) || `${res.status} ${res.statusText}`);
  return data;
}
