import { existsSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { dstreamVersion } from "../ui/version.js";
import { UsageError, parseConfPair, submitConf } from "./submitConf.js";
import { PROGRESS_MODES, launchApp, type ProgressMode } from "./launchApp.js";
import { bundledExamples, examplePath } from "./examples.js";
import { closestOption } from "./closestOption.js";

const APP_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

interface LaunchFlags {
  master?: string;
  name?: string;
  conf?: string[];
  logLevel?: string;
  progress: ProgressMode;
}

const SUBMIT_HELP = `
Options go before or after the application; everything else after it is passed to the
application. Put application flags that look like dstream's own after "--".

Examples:
  $ dstream submit app.ts
  $ dstream submit app.ts localhost 9999 --master local[4]
  $ dstream submit app.ts --conf spark.ui.port=4041 --conf spark.streaming.ui.retainedBatches=200
  $ dstream submit jobs/etl.mjs --name nightly-etl -- --name-for-the-app x

--master, --name and --conf become the application's SparkConf defaults, as spark-submit's
are: a value the application sets in code wins.`;

const EXAMPLE_HELP = `
Examples:
  $ dstream run-example                     # lists the examples
  $ dstream run-example NetworkWordCount localhost 9999
  $ dstream run-example QueueStream --seconds 10 --conf spark.ui.port=4041`;

const MAIN_HELP = `
Examples:
  $ dstream run-example NetworkWordCount localhost 9999
  $ dstream submit app.ts --master local[2] --conf spark.ui.port=4041
  $ dstream submit --help

The running application serves its web UI and REST API on http://127.0.0.1:4040
(or the next free port); see docs/ui.md.`;

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The options `submit` and `run-example` share: spark-submit's, where they apply. */
function withLaunchOptions(cmd: Command): Command {
  return cmd
    .option("--master <url>", "where to run: local, local[N], local[*] or local[N,F] (default: local[*])")
    .option("--name <name>", "application name (default: the file name)")
    .option("--conf <key=value>", "a configuration property; repeat for more", collect)
    .option("--log-level <level>", "log level: error, warn, info, debug, trace (default: warn)")
    .addOption(
      new Option("--progress <mode>", "live status: a one-line status on a terminal (line), log lines (log), or none; auto picks line or log")
        .choices(PROGRESS_MODES)
        .default("auto"),
    )
    .allowUnknownOption(true)
    .allowExcessArguments(true);
}

/** The application's arguments, refusing what is probably a misspelt dstream option. */
function appArguments(cmd: Command, args: string[]): string[] {
  const known = cmd.options.map((o) => o.long).filter((l): l is string => l !== undefined);
  for (const a of args) {
    if (a === "--") break;
    if (!a.startsWith("--")) continue;
    const flag = a.split("=")[0]!;
    const near = closestOption(flag, known);
    if (near !== undefined) {
      throw new UsageError(`unknown option '${flag}' (Did you mean ${near}?) To pass '${flag}' to the application, put it after "--".`);
    }
  }
  const i = args.indexOf("--");
  return i >= 0 ? [...args.slice(0, i), ...args.slice(i + 1)] : args;
}

const LOG_LEVELS = ["fatal", "error", "warn", "warning", "info", "debug", "trace", "all", "off", "silent"];

async function launch(cmd: Command, app: string, rest: string[], flags: LaunchFlags, defaultName: string): Promise<number> {
  if (flags.logLevel !== undefined && !LOG_LEVELS.includes(flags.logLevel.toLowerCase())) {
    throw new UsageError(`--log-level: unknown level '${flags.logLevel}'. Use one of error, warn, info, debug, trace (or ALL / OFF as in Spark)`);
  }
  const conf = submitConf(
    { master: flags.master, name: flags.name, defaultName, conf: (flags.conf ?? []).map(parseConfPair) },
    (m) => process.stderr.write(`dstream: warning: ${m}\n`),
  );
  return launchApp({ app, args: appArguments(cmd, rest), conf, logLevel: flags.logLevel, progress: flags.progress });
}

function unknownOption(cmd: Command, arg: string): UsageError {
  const flag = arg.split("=")[0]!;
  const near = closestOption(flag, cmd.options.map((o) => o.long).filter((l): l is string => l !== undefined));
  return new UsageError(`unknown option '${flag}'${near ? ` (Did you mean ${near}?)` : ""}`);
}

function resolveApp(cmd: Command, file: string): string {
  if (file.startsWith("-")) throw unknownOption(cmd, file);
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`application file not found: ${file}`);
  if (!APP_EXTENSIONS.includes(extname(path))) {
    throw new UsageError(`cannot run '${file}': the application must be a TypeScript or JavaScript file (${APP_EXTENSIONS.join(", ")})`);
  }
  return path;
}

export function program(exit: (code: number) => void): Command {
  const root = new Command("dstream")
    .description("Run Spark Streaming applications written in TypeScript")
    .version(dstreamVersion(), "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .showSuggestionAfterError(true)
    .addHelpText("after", MAIN_HELP);

  const submit = withLaunchOptions(new Command("submit"))
    .description("run a TypeScript or JavaScript application, with no build step")
    .argument("<app>", "the application's entry file (.ts, .mts, .js, .mjs, ...)")
    .argument("[args...]", "arguments for the application")
    .showHelpAfterError("(run 'dstream submit --help' for usage)")
    .addHelpText("after", SUBMIT_HELP)
    .action(async (app: string, rest: string[], flags: LaunchFlags, cmd: Command) => {
      const path = resolveApp(cmd, app);
      exit(await launch(cmd, path, rest, flags, basename(path, extname(path))));
    });

  const runExample = withLaunchOptions(new Command("run-example"))
    .description("run one of the bundled examples (lists them without a name)")
    .argument("[name]", "the example, e.g. NetworkWordCount")
    .argument("[args...]", "arguments for the example")
    .showHelpAfterError("(run 'dstream run-example --help' for usage)")
    .addHelpText("after", EXAMPLE_HELP)
    .action(async (name: string | undefined, rest: string[], flags: LaunchFlags, cmd: Command) => {
      const names = bundledExamples();
      if (name === undefined) {
        process.stdout.write(`Bundled examples (dstream run-example <name> [args]):\n${names.map((n) => `  ${n}\n`).join("")}`);
        exit(0);
        return;
      }
      if (name.startsWith("-")) throw unknownOption(cmd, name);
      const path = examplePath(name);
      if (path === undefined) {
        const near = closestOption(name, names, 3);
        throw new UsageError(`unknown example '${name}'.${near ? ` Did you mean ${near}?` : ""} Available examples: ${names.join(", ")}`);
      }
      exit(await launch(cmd, path, rest, flags, name));
    });

  return root.addCommand(submit).addCommand(runExample);
}

/** Runs the command line; exits the process with the application's exit code. */
export async function main(argv: string[]): Promise<void> {
  let code = 0;
  const cmd = program((c) => (code = c));
  cmd.exitOverride();
  for (const sub of cmd.commands) sub.exitOverride();
  try {
    await cmd.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has printed its message (and help, for --help) already.
      code = e.exitCode;
    } else if (e instanceof UsageError) {
      const sub = cmd.commands.find((c) => c.name() === argv[2]);
      process.stderr.write(`error: ${e.message}\n(run 'dstream ${sub ? `${sub.name()} ` : ""}--help' for usage)\n`);
      code = 2;
    } else throw e;
  }
  process.exitCode = code;
}
