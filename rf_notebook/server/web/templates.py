"""One template per language for the legacy call the web app makes.

A template is the snippet's text with ``{{field}}`` blanks and ``{{#flag}}...{{/flag}}``
sections; :mod:`.snippets` fills them. Fields: ``endpoint``,
``query`` and ``api_url`` are URL-safe text to put inside double quotes; ``file``, ``source``
and ``model_id`` arrive already quoted for the language; ``key`` is the placeholder.
Flags: ``file`` / ``url`` (where the image comes from), ``json`` / ``image`` (what comes back).
"""

from __future__ import annotations

__all__ = ["TEMPLATES"]

CURL = """\
{{#file}}
base64 < {{file}} | curl -sS -d @- \\
  -H "Content-Type: application/x-www-form-urlencoded" \\
  "{{endpoint}}?api_key={{key}}&{{query}}"{{#image}} \\
  -o prediction.jpg{{/image}}
{{/file}}
{{#url}}
curl -sS -X POST "{{endpoint}}?api_key={{key}}&{{query}}"{{#image}} -o prediction.jpg{{/image}}
{{/url}}
"""

PYTHON_REQUESTS = """\
{{#file}}
import base64
{{/file}}
{{#json}}
import json
{{/json}}

import requests

API_KEY = "{{key}}"
URL = "{{endpoint}}?{{query}}"

{{#file}}
with open({{file}}, "rb") as f:
    image = base64.b64encode(f.read()).decode("ascii")

response = requests.post(
    URL,
    params={"api_key": API_KEY},
    data=image,
    headers={"Content-Type": "application/x-www-form-urlencoded"},
    timeout=60,
)
{{/file}}
{{#url}}
response = requests.post(URL, params={"api_key": API_KEY}, timeout=60)
{{/url}}
if not response.ok:
    raise SystemExit(f"HTTP {response.status_code}: {response.text}")
{{#json}}
print(json.dumps(response.json(), indent=2))
{{/json}}
{{#image}}
with open("prediction.jpg", "wb") as f:
    f.write(response.content)
print("saved prediction.jpg")
{{/image}}
"""

PYTHON_RF_NOTEBOOK = """\
{{#json}}
import json

{{/json}}
import rf_notebook as rf

{{#json}}
result = rf.predict(
    {{source}},
    model={{model_id}},
    api_key="{{key}}",
    api_url="{{api_url}}",
{{options}})
print(json.dumps(result.json(), indent=2))
{{/json}}
{{#image}}
client = rf.Client(api_key="{{key}}", api_url="{{api_url}}")
picture = client.predict_image(
    {{source}},
    {{model_id}},
{{options}})
picture.save("prediction.jpg")
print("saved prediction.jpg")
{{/image}}
"""

JAVASCRIPT_FETCH = """\
// In a web page served by this server (another origin needs CORS on the server).
const API_KEY = "{{key}}";

async function infer({{#file}}file{{/file}}) {
  const url = new URL("{{endpoint}}?{{query}}");
  url.searchParams.set("api_key", API_KEY);
{{#file}}
  const dataUrl = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: dataUrl.slice(dataUrl.indexOf(",") + 1), // the base64 part
  });
{{/file}}
{{#url}}
  const response = await fetch(url, { method: "POST" });
{{/url}}
  if (!response.ok) {
    throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  }
  return response.{{#json}}json(){{/json}}{{#image}}blob(){{/image}};
}

infer({{#file}}document.querySelector("input[type=file]").files[0]{{/file}})
{{#json}}
  .then((result) => console.log(result))
{{/json}}
{{#image}}
  .then((blob) => {
    document.querySelector("img").src = URL.createObjectURL(blob);
  })
{{/image}}
  .catch((error) => console.error(error.message));
"""

NODE_AXIOS = """\
// npm install axios
const axios = require("axios");
const fs = require("fs");

axios({
  method: "POST",
  url: "{{endpoint}}?{{query}}",
  params: { api_key: "{{key}}" },
{{#file}}
  data: fs.readFileSync({{file}}, { encoding: "base64" }),
  headers: { "Content-Type": "application/x-www-form-urlencoded" },
{{/file}}
{{#image}}
  responseType: "arraybuffer",
{{/image}}
})
  .then((response) => {
{{#json}}
    console.log(JSON.stringify(response.data, null, 2));
{{/json}}
{{#image}}
    fs.writeFileSync("prediction.jpg", response.data);
    console.log("saved prediction.jpg");
{{/image}}
  })
  .catch((error) => {
    const answer = error.response;
{{#json}}
    console.error(answer ? `HTTP ${answer.status}: ${JSON.stringify(answer.data)}` : error.message);
{{/json}}
{{#image}}
    console.error(answer ? `HTTP ${answer.status}: ${Buffer.from(answer.data)}` : error.message);
{{/image}}
    process.exitCode = 1;
  });
"""

JAVA = """\
// Java 11+: save as Inference.java, then run `java Inference.java`
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
{{#file}}
import java.util.Base64;
{{/file}}

public class Inference {
    public static void main(String[] args) throws Exception {
        String apiKey = "{{key}}";
        String url = "{{endpoint}}?api_key=" + apiKey + "&{{query}}";
{{#file}}
        String image = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of({{file}})));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(image))
                .build();
{{/file}}
{{#url}}
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
{{/url}}
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> response =
                client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            String message = new String(response.body(), StandardCharsets.UTF_8);
            System.err.println("HTTP " + response.statusCode() + ": " + message);
            System.exit(1);
        }
{{#json}}
        System.out.println(new String(response.body(), StandardCharsets.UTF_8));
{{/json}}
{{#image}}
        Files.write(Path.of("prediction.jpg"), response.body());
        System.out.println("saved prediction.jpg");
{{/image}}
    }
}
"""

GO = """\
package main

import (
{{#file}}
    "encoding/base64"
{{/file}}
    "fmt"
    "io"
    "net/http"
    "os"
{{#file}}
    "strings"
{{/file}}
)

func main() {
    apiKey := "{{key}}"
    url := "{{endpoint}}?api_key=" + apiKey + "&{{query}}"
{{#file}}
    content, err := os.ReadFile({{file}})
    if err != nil {
        panic(err)
    }
    body := strings.NewReader(base64.StdEncoding.EncodeToString(content))
    resp, err := http.Post(url, "application/x-www-form-urlencoded", body)
{{/file}}
{{#url}}
    resp, err := http.Post(url, "application/x-www-form-urlencoded", nil)
{{/url}}
    if err != nil {
        panic(err)
    }
    defer resp.Body.Close()
    data, err := io.ReadAll(resp.Body)
    if err != nil {
        panic(err)
    }
    if resp.StatusCode != http.StatusOK {
        fmt.Fprintf(os.Stderr, "HTTP %d: %s\\n", resp.StatusCode, data)
        os.Exit(1)
    }
{{#json}}
    fmt.Println(string(data))
{{/json}}
{{#image}}
    if err := os.WriteFile("prediction.jpg", data, 0o644); err != nil {
        panic(err)
    }
    fmt.Println("saved prediction.jpg")
{{/image}}
}
"""

RUBY = """\
require "net/http"

api_key = "{{key}}"
uri = URI("{{endpoint}}?api_key=#{api_key}&{{query}}")
{{#file}}
image = [File.binread({{file}})].pack("m0") # base64 without line breaks
{{/file}}
response = Net::HTTP.post(
  uri,
  {{#file}}image{{/file}}{{#url}}""{{/url}},
  "Content-Type" => "application/x-www-form-urlencoded"
)
abort "HTTP #{response.code}: #{response.body}" unless response.is_a?(Net::HTTPSuccess)
{{#json}}
puts response.body
{{/json}}
{{#image}}
File.binwrite("prediction.jpg", response.body)
puts "saved prediction.jpg"
{{/image}}
"""

PHP = """\
<?php
$api_key = '{{key}}';
$url = '{{endpoint}}?api_key=' . $api_key . '&{{query}}';
{{#file}}
$image = base64_encode(file_get_contents({{file}}));
{{/file}}

$context = stream_context_create([
    'http' => [
        'method' => 'POST',
        'header' => "Content-Type: application/x-www-form-urlencoded\\r\\n",
{{#file}}
        'content' => $image,
{{/file}}
        'ignore_errors' => true, // read the server's message on errors too
    ],
]);
$response = file_get_contents($url, false, $context);
$status = $http_response_header[0]; // e.g. "HTTP/1.1 200 OK"
if (strpos($status, ' 200 ') === false) {
    fwrite(STDERR, $status . ': ' . $response . "\\n");
    exit(1);
}
{{#json}}
echo $response, "\\n";
{{/json}}
{{#image}}
file_put_contents('prediction.jpg', $response);
echo "saved prediction.jpg\\n";
{{/image}}
"""

#: Language id → template, in the order the page shows them.
TEMPLATES: dict[str, str] = {
    "curl": CURL,
    "python": PYTHON_REQUESTS,
    "python-rf": PYTHON_RF_NOTEBOOK,
    "javascript": JAVASCRIPT_FETCH,
    "node": NODE_AXIOS,
    "java": JAVA,
    "go": GO,
    "ruby": RUBY,
    "php": PHP,
}
