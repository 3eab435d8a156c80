// Validates rendered Kubernetes objects (multi-document YAML on stdin, as `kubectl kustomize` prints them) against
// the Kubernetes API schemas and prints them as one JSON array for the C# tests. Exit code 1 and one line per
// problem on stderr when an object is invalid.
//
// Two checks on the same generated models (kubernetes-models, built from Kubernetes' OpenAPI document):
// 1. the models' JSON-schema validators: types, required fields, enums, formats;
// 2. TypeScript's excess property check against the models' interfaces: an unknown or misspelt field (which the
//    schema validators let through, and which `kubectl apply` refuses) is an error.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

// Loaded as CommonJS: an ESM import would first scan the whole 9 MB compiler for its export names.
const ts = createRequire(import.meta.url)("typescript");

const here = path.dirname(fileURLToPath(import.meta.url));

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function describe(object) {
  return `${object?.kind ?? "?"}/${object?.metadata?.name ?? "?"}`;
}

// "apps/v1" + "Deployment" -> kubernetes-models/apps/v1/Deployment; "v1" + "Service" -> kubernetes-models/v1/Service.
function modelPath(object) {
  return `kubernetes-models/${object.apiVersion}/${object.kind}`;
}

async function validateWithSchemas(objects, problems) {
  for (const object of objects) {
    if (typeof object?.apiVersion !== "string" || typeof object?.kind !== "string") {
      problems.push(`${describe(object)}: apiVersion and kind are required`);
      continue;
    }
    let model;
    try {
      model = (await import(modelPath(object)))[object.kind];
    } catch {
      problems.push(`${describe(object)}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new model(object).validate();
    } catch (error) {
      problems.push(`${describe(object)}: ${error.message}`);
    }
  }
}

function validateFieldNames(objects, problems) {
  // One typed constant per object, each starting on a known line so that diagnostics map back to it.
  const lines = objects.map((object, i) => `import type { I${object.kind} as T${i} } from "${modelPath(object)}";`);
  const startLines = [];
  objects.forEach((object, i) => {
    startLines.push(lines.length);
    lines.push(...`export const o${i}: T${i} = ${JSON.stringify(object, null, 1)};`.split("\n"));
  });
  const source = lines.join("\n");
  const file = path.join(here, "rendered-objects.ts");
  const options = {
    noEmit: true,
    strict: true,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es2022.d.ts"], // no DOM: the biggest part of a default program
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? source : readFile(name));
  host.fileExists = (name) => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
    if (!diagnostic.file || path.resolve(diagnostic.file.fileName) !== file) {
      problems.push(`type check: ${message}`);
      continue;
    }
    const line = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
    const index = startLines.findLastIndex((start) => start <= line);
    problems.push(`${index >= 0 ? describe(objects[index]) : "import"}: ${message}`);
  }
}

// kustomize wraps long base64 values over several lines; the API server's decoder (Go's base64) skips line breaks,
// the schema's "byte" format does not, so they are removed before validating.
function withUnwrappedSecretData(object) {
  if (object.kind !== "Secret" || object.data === null || typeof object.data !== "object") {
    return object;
  }
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, typeof value === "string" ? value.replace(/[\r\n]/g, "") : value]));
  return { ...object, data };
}

const documents = parseAllDocuments(await readStdin());
const problems = [];
const objects = [];
for (const document of documents) {
  if (document.errors.length > 0) {
    problems.push(...document.errors.map((error) => `YAML: ${error.message}`));
    continue;
  }
  const object = document.toJS();
  if (object !== null) {
    objects.push(withUnwrappedSecretData(object));
  }
}
if (objects.length === 0) {
  problems.push("no objects on stdin");
}
await validateWithSchemas(objects, problems);
if (objects.length > 0) {
  validateFieldNames(objects, problems);
}
if (problems.length > 0) {
  process.stderr.write(problems.join("\n") + "\n");
  process.exit(1);
}
process.stdout.write(JSON.stringify(objects));
