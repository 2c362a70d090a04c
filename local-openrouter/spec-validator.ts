/**
 * Test helper: validates JSON against the schemas of OpenRouter's published OpenAPI description
 * (spec/openapi.yaml, OpenAPI 3.1) with ajv's JSON Schema 2020-12 validator.
 *
 * Conversion: `#/components/schemas/X` refs become `#/$defs/X` of one root schema so ajv
 * resolves them; the OpenAPI-only annotation keywords (`example`, `discriminator`, `x-*`) are
 * registered as annotations (every `discriminator` in the spec sits next to a `oneOf` whose
 * branches are told apart by an `enum`, so `oneOf` alone enforces it); `format`s that neither
 * ajv-formats nor JSON Schema define (`pdf`, `mp3`, ... used as labels in the spec) are
 * accepted as annotations. Nothing else is changed: types, required fields, enums and
 * `additionalProperties: false` are enforced as published.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const SPEC_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), "spec", "openapi.yaml");
const ROOT_ID = "https://openrouter.local/openapi.json";

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * OpenAPI → JSON Schema 2020-12: component refs to `$defs`, and the few OpenAPI 3.0 leftovers
 * turned into their 3.1 equivalents (`exclusiveMinimum: true` + `minimum: n` → `exclusiveMinimum: n`,
 * likewise for maximum; `nullable: true` → `null` added to `type`).
 */
function toJsonSchema(v: unknown, isNameMap = false, refPrefix = "#/$defs/"): unknown {
  if (Array.isArray(v)) return v.map((x) => toJsonSchema(x, false, refPrefix));
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, val] of Object.entries(v)) {
    if (!isNameMap && k === "$ref" && typeof val === "string" && val.startsWith("#/components/schemas/")) {
      out[k] = `${refPrefix}${val.slice("#/components/schemas/".length)}`;
    } else {
      // `properties`, `$defs` etc. map names to schemas: their keys are names, not keywords.
      const nameMap = !isNameMap && (k === "properties" || k === "patternProperties" || k === "$defs" || k === "dependentSchemas");
      out[k] = toJsonSchema(val, nameMap, refPrefix);
    }
  }
  if (isNameMap) return out;
  for (const [ex, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (typeof out[ex] === "boolean") {
      if (out[ex] === true && typeof out[bound] === "number") {
        out[ex] = out[bound];
        delete out[bound];
      } else {
        delete out[ex];
      }
    }
  }
  if (out.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (Array.isArray(out.type) && !out.type.includes("null")) out.type = [...out.type, "null"];
  }
  if ("nullable" in out) delete out.nullable;
  return out;
}

function collect(v: unknown, keys: Set<string>, formats: Set<string>): void {
  if (Array.isArray(v)) {
    for (const x of v) collect(x, keys, formats);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith("x-")) keys.add(k);
    if (k === "format" && typeof val === "string") formats.add(val);
    if (k === "properties" && isObject(val)) {
      for (const p of Object.values(val)) collect(p, keys, formats);
    } else {
      collect(val, keys, formats);
    }
  }
}

export interface SpecValidator {
  /** The parsed OpenAPI document. */
  doc: JsonObject;
  /** Validates `value` against `#/components/schemas/<name>`; returns ajv errors (empty when valid). */
  errors(name: string, value: unknown): ErrorObject[];
  /** Throws with a readable message when `value` does not match `#/components/schemas/<name>`. */
  assert(name: string, value: unknown, what?: string): void;
  /**
   * Validates a response body against the schema the spec gives for `method path` → `status`
   * with `contentType` (e.g. '/chat/completions', 'post', 200, 'text/event-stream' → ChatStreamingResponse).
   */
  responseErrors(pathKey: string, method: string, status: number, value: unknown, contentType?: string): ErrorObject[];
  /** Throwing form of {@link SpecValidator.responseErrors}. */
  assertResponse(pathKey: string, method: string, status: number, value: unknown, contentType?: string): void;
  /** Names of all component schemas. */
  schemaNames: string[];
}

function describe(errs: ErrorObject[]): string {
  return errs
    .slice(0, 8)
    .map((e) => `${e.instancePath || "(root)"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("\n  ");
}

let cached: SpecValidator | null = null;

export function loadSpecValidator(): SpecValidator {
  if (cached) return cached;
  const doc = parse(readFileSync(SPEC_PATH, "utf8")) as JsonObject;
  const components = doc.components as JsonObject;
  const schemas = components.schemas as JsonObject;
  const defs = toJsonSchema(schemas, true) as JsonObject;
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true, strictRequired: false, strictTypes: false, validateFormats: true });
  addFormats(ajv);
  const extraKeys = new Set<string>();
  const formats = new Set<string>();
  collect(defs, extraKeys, formats);
  ajv.addVocabulary(["example", "discriminator", ...extraKeys]);
  for (const f of formats) {
    if (!ajv.formats[f]) ajv.addFormat(f, true);
  }
  ajv.addSchema({ $id: ROOT_ID, $defs: defs });
  const compiled = new Map<string, ValidateFunction>();
  const get = (name: string): ValidateFunction => {
    let v = compiled.get(name);
    if (!v) {
      if (!(name in schemas)) throw new Error(`no schema ${name} in the OpenAPI description`);
      const found = ajv.getSchema(`${ROOT_ID}#/$defs/${name}`);
      if (!found) throw new Error(`ajv could not compile ${name}`);
      v = found;
      compiled.set(name, v);
    }
    return v;
  };
  const paths = doc.paths as Record<string, Record<string, JsonObject>>;
  const responseValidators = new Map<string, ValidateFunction>();
  const getResponse = (pathKey: string, method: string, status: number, contentType: string): ValidateFunction => {
    const key = `${method} ${pathKey} ${status} ${contentType}`;
    let v = responseValidators.get(key);
    if (v) return v;
    const op = paths[pathKey]?.[method.toLowerCase()];
    if (!op) throw new Error(`the spec has no ${method.toUpperCase()} ${pathKey}`);
    const responses = op.responses as Record<string, JsonObject>;
    const resp = responses[String(status)];
    if (!resp) throw new Error(`the spec lists no ${status} response for ${method.toUpperCase()} ${pathKey}`);
    const content = resp.content as Record<string, JsonObject> | undefined;
    const schema = content?.[contentType]?.schema;
    if (!schema) throw new Error(`the spec has no ${contentType} schema for ${status} of ${method.toUpperCase()} ${pathKey}`);
    v = ajv.compile(toJsonSchema(schema, false, `${ROOT_ID}#/$defs/`) as JsonObject);
    responseValidators.set(key, v);
    return v;
  };
  cached = {
    doc,
    schemaNames: Object.keys(schemas),
    errors(name, value) {
      const v = get(name);
      return v(value) ? [] : [...(v.errors ?? [])];
    },
    assert(name, value, what) {
      const errs = this.errors(name, value);
      if (errs.length > 0) {
        throw new Error(`${what ?? "value"} does not match ${name}:\n  ${describe(errs)}\nvalue: ${JSON.stringify(value).slice(0, 1500)}`);
      }
    },
    responseErrors(pathKey, method, status, value, contentType = "application/json") {
      const v = getResponse(pathKey, method, status, contentType);
      return v(value) ? [] : [...(v.errors ?? [])];
    },
    assertResponse(pathKey, method, status, value, contentType = "application/json") {
      const errs = this.responseErrors(pathKey, method, status, value, contentType);
      if (errs.length > 0) {
        throw new Error(
          `${method.toUpperCase()} ${pathKey} ${status} (${contentType}) body does not match the spec:\n  ${describe(errs)}\nvalue: ${JSON.stringify(value).slice(0, 1500)}`,
        );
      }
    },
  };
  return cached;
}
