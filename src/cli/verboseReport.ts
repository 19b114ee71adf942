import { pathToFileURL } from "node:url";

/** Spark's default spark.redaction.regex: values of matching keys (or matching values) are hidden. */
const REDACT = /secret|password|token|access[.]?key/i;
const REDACTED = "*********(redacted)";

function redact(entries: Array<[string, string]>): Array<[string, string]> {
  return entries.map(([k, v]) => [k, REDACT.test(k) || REDACT.test(v) ? REDACTED : v]);
}

function sorted(record: Record<string, string>): Array<[string, string]> {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface VerboseInput {
  propertiesFile: string | undefined;
  fileProperties: Array<[string, string]>;
  app: string;
  args: string[];
  /** `--conf` and the properties file, filtered: Spark's sparkProperties. */
  properties: Record<string, string>;
  /** What the application receives. */
  conf: Record<string, string>;
  typecheck: boolean;
  logLevel: string | undefined;
  progress: string;
}

/**
 * What `spark-submit --verbose` prints before it starts the application (SparkSubmitArguments'
 * "Using properties file", "Adding default property", "Parsed arguments" and "Spark properties
 * used"; SparkSubmit's "Arguments" and "Spark config"), for the options dstream has.
 */
export function verboseReport(v: VerboseInput): string {
  const lines: string[] = [];
  if (v.propertiesFile !== undefined) {
    lines.push(`Using properties file: ${v.propertiesFile}`);
    for (const [k, val] of redact(v.fileProperties)) lines.push(`Adding default property: ${k}=${val}`);
  }
  const field = (name: string, value: string): string => `  ${name.padEnd(24)}${value}`;
  lines.push(
    "Parsed arguments:",
    field("master", v.conf["spark.master"] ?? "null"),
    field("propertiesFile", v.propertiesFile ?? "null"),
    field("primaryResource", pathToFileURL(v.app).href),
    field("name", v.conf["spark.app.name"] ?? "null"),
    field("childArgs", `[${v.args.join(" ")}]`),
    field("typecheck", String(v.typecheck)),
    field("logLevel", v.logLevel ?? "null"),
    field("progress", v.progress),
    field("verbose", "true"),
    "",
    "Spark properties used, including those specified through",
    ` --conf and those from the properties file ${v.propertiesFile ?? "null"}:`,
    ...redact(sorted(v.properties)).map(([k, val]) => `  (${k},${val})`),
    "",
    "Main module:",
    pathToFileURL(v.app).href,
    "Arguments:",
    ...v.args,
    "Spark config:",
    ...redact(sorted(v.conf)).map(([k, val]) => `(${k},${val})`),
    "",
  );
  return `${lines.join("\n")}\n`;
}
