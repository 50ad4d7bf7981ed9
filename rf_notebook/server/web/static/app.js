// The example web app: call the legacy route as any client would, show the answer, and keep
// the code panel in step with the form. The API key stays in its input: it is never put in
// the page's URL, the snippets, storage or the console.

const $ = (id) => document.getElementById(id);
const snippets = { languages: [], current: "curl" };

// ---- The form ---------------------------------------------------------------------------

function formValues() {
  const file = $("file").files[0];
  return {
    model: $("model").value.trim(),
    version: $("version").value.trim(),
    image_file: file ? file.name : "",
    image_url: $("image-url").value.trim(),
    confidence: $("confidence").value,
    overlap: $("overlap").value,
    classes: $("classes").value,
    format: $("format").value,
    stroke: $("stroke").value,
    labels: $("labels").checked ? "true" : "",
  };
}

// "project/version" typed or picked in the model box fills both boxes.
function splitModelId() {
  const match = /^(.+)\/([^/]+)$/.exec($("model").value.trim());
  if (match) {
    $("model").value = match[1];
    $("version").value = match[2];
  }
}

// The query string of the legacy route, in the snippets' order.
function legacyQuery(values, format) {
  const query = new URLSearchParams();
  const key = $("api-key").value;
  if (key) query.set("api_key", key);
  for (const name of ["confidence", "overlap", "classes"]) {
    if (values[name].trim()) query.set(name, values[name].trim());
  }
  query.set("format", format);
  if (values.stroke) query.set("stroke", values.stroke);
  if (values.labels) query.set("labels", "true");
  if (values.image_url) query.set("image", values.image_url);
  return query;
}

// ---- Talking to the server --------------------------------------------------------------

async function messageOf(response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return body.message ?? JSON.stringify(body);
  } catch {
    return text || response.statusText;
  }
}

async function request(url, init = {}) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    throw new Error(`Could not reach the server (${error.message}).`);
  }
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await messageOf(response)}`);
  return response;
}

function readBase64(file) {
  if (!file) return Promise.resolve(""); // the server says what is missing
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result.slice(reader.result.indexOf(",") + 1));
    reader.onerror = () => reject(new Error(`Could not read ${file.name}.`));
    reader.readAsDataURL(file);
  });
}

// One call of POST /{project}/{version}: base64 text in the body, or image=<url>.
async function infer(values, format, body) {
  const path = `/${encodeURIComponent(values.model)}/${encodeURIComponent(values.version)}`;
  const init = { method: "POST" };
  if (body !== null) {
    init.headers = { "Content-Type": "application/x-www-form-urlencoded" };
    init.body = body;
  }
  const response = await request(`${path}?${legacyQuery(values, format)}`, init);
  if (format === "image") return { picture: URL.createObjectURL(await response.blob()) };
  const json = await response.json();
  const picture = json.visualization ? `data:image/jpeg;base64,${json.visualization}` : null;
  return { json, picture };
}

async function loadRegistry() {
  const key = $("api-key").value;
  try {
    const response = await request("/model/registry", {
      headers: key ? { Authorization: `Bearer ${key}` } : {},
    });
    const registry = await response.json();
    const ids = [...new Set([...registry.models.map((m) => m.model_id), ...registry.available])];
    ids.sort();
    $("models").replaceChildren(...ids.map((id) => new Option(id, id)));
    $("registry").textContent = ids.length
      ? `${ids.length} model${ids.length === 1 ? "" : "s"} on this server; pick one or type any id.`
      : "No models on this server yet; type a model id.";
    if (!$("model").value && ids.length) {
      $("model").value = ids.includes("shapes-detect/1") ? "shapes-detect/1" : ids[0];
      splitModelId();
      updateSnippets();
    }
  } catch (error) {
    $("registry").textContent = `Could not list the models: ${error.message}`;
  }
}

// ---- Showing the answer -----------------------------------------------------------------

function showStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function summary(json, elapsed) {
  const parts = [`${elapsed.toFixed(0)} ms round trip`];
  if (json && typeof json.time === "number") {
    parts.push(`${(json.time * 1000).toFixed(1)} ms in the model`);
  }
  if (json && json.predictions) {
    const count = Object.keys(json.predictions).length;
    parts.push(`${count} prediction${count === 1 ? "" : "s"}`);
  }
  return parts.join(" · ");
}

function showJson(json) {
  const shown = { ...json };
  if (typeof shown.visualization === "string") {
    shown.visualization = `<base64 JPEG, ${shown.visualization.length} characters, shown above>`;
  }
  $("result-json").textContent = JSON.stringify(shown, null, 2);
  $("result-json").hidden = false;
}

function showPicture(src) {
  const img = $("result-image");
  if (img.src.startsWith("blob:")) URL.revokeObjectURL(img.src);
  img.src = src;
  img.hidden = false;
}

function clearResult() {
  $("result-image").hidden = true;
  $("result-json").hidden = true;
  $("result-json").textContent = "";
}

async function run(event) {
  event.preventDefault();
  splitModelId();
  const values = formValues();
  $("run").disabled = true;
  clearResult();
  showStatus("Running…");
  try {
    const body = values.image_url ? null : await readBase64($("file").files[0]);
    const started = performance.now();
    const answer = await infer(values, values.format, body);
    const elapsed = performance.now() - started;
    // Always show both: ask for the picture (or the JSON) too when the format leaves it out.
    let note = "";
    try {
      if (!answer.picture) answer.picture = (await infer(values, "image", body)).picture;
      if (!answer.json) answer.json = (await infer(values, "json", body)).json;
    } catch (error) {
      note = ` (the ${answer.json ? "picture" : "JSON"} could not be fetched: ${error.message})`;
    }
    if (answer.picture) showPicture(answer.picture);
    if (answer.json) showJson(answer.json);
    showStatus(summary(answer.json, elapsed) + note, !!note);
  } catch (error) {
    showStatus(error.message, true);
  } finally {
    $("run").disabled = false;
  }
}

// ---- The code panel ---------------------------------------------------------------------

function showSnippet() {
  const chosen = snippets.languages.find((l) => l.id === snippets.current);
  $("snippet").firstElementChild.textContent = chosen ? chosen.code : "";
  for (const tab of $("languages").children) {
    tab.setAttribute("aria-selected", String(tab.dataset.id === snippets.current));
  }
}

function showTabs() {
  if ($("languages").children.length) return;
  $("languages").replaceChildren(
    ...snippets.languages.map((language) => {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.setAttribute("role", "tab");
      tab.dataset.id = language.id;
      tab.textContent = language.label;
      tab.addEventListener("click", () => {
        snippets.current = language.id;
        showSnippet();
      });
      return tab;
    }),
  );
}

let snippetTimer;
function updateSnippets() {
  clearTimeout(snippetTimer);
  $("snippet").setAttribute("aria-busy", "true");
  snippetTimer = setTimeout(async () => {
    try {
      const response = await request(`/snippets?${new URLSearchParams(formValues())}`);
      snippets.languages = (await response.json()).languages;
      showTabs();
      showSnippet();
    } catch (error) {
      $("snippet").firstElementChild.textContent = `// ${error.message}`;
    }
    $("snippet").setAttribute("aria-busy", "false");
  }, 120);
}

async function copySnippet() {
  const text = $("snippet").textContent;
  try {
    await navigator.clipboard.writeText(text);
    $("copy").textContent = "Copied";
  } catch {
    getSelection().selectAllChildren($("snippet")); // no clipboard access: select it instead
    $("copy").textContent = "Press Ctrl+C";
  }
  setTimeout(() => ($("copy").textContent = "Copy"), 1500);
}

// ---- Wiring -----------------------------------------------------------------------------

$("form").addEventListener("submit", run);
$("form").addEventListener("input", (event) => {
  if (event.target.id === "api-key") return; // the key never reaches the code panel
  const picked = [...$("models").options].some((o) => o.value === $("model").value);
  if (event.target.id === "model" && picked) splitModelId(); // chosen from the list
  updateSnippets();
});
$("model").addEventListener("change", () => {
  splitModelId();
  updateSnippets();
});
$("file").addEventListener("change", () => {
  if ($("file").files.length) $("image-url").value = "";
  updateSnippets();
});
$("image-url").addEventListener("input", () => {
  if ($("image-url").value) $("file").value = "";
});
$("api-key").addEventListener("change", loadRegistry);
$("copy").addEventListener("click", copySnippet);

updateSnippets();
loadRegistry();
