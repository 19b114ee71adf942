import { existsSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { dstreamVersion } from "../ui/version.js";
import { UsageError, parseConfPair, submitConf } from "./submitConf.js";
import { PROGRESS_MODES, launchApp, type ProgressMode } from "./launchApp.js";
import { bundledExamples, examplePath } from "./examples.js";
import { closestOption } from "./closestOption.js";
import { readPropertiesFile } from "./propertiesFile.js";
import { verboseReport } from "./verboseReport.js";
import { typecheck } from "./typecheck.js";
import { initProject } from "./init.js";
import { exitQuietlyWhenStdoutCloses } from "./closedStdout.js";

const APP_EXTENSIONS = [".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"];

interface LaunchFlags {
  master?: string;
  name?: string;
  conf?: string[];
  logLevel?: string;
  progress: ProgressMode;
  propertiesFile?: string;
  verbose?: boolean;
  typecheck?: boolean;
}

const SUBMIT_HELP = `
dstream's options go before the application file; everything after it is the application's,
as with spark-submit.

Examples:
  $ dstream submit app.ts
  $ dstream submit --master local[4] app.ts localhost 9999
  $ dstream submit --conf spark.ui.port=4041 --conf spark.streaming.ui.retainedBatches=200 app.ts
  $ dstream submit --properties-file conf/spark-defaults.conf --typecheck app.ts
  $ dstream submit --name nightly-etl jobs/etl.mjs --name-for-the-app x

--master, --name, --conf and the properties file become the application's SparkConf
defaults, as spark-submit's are: a value the application sets in code wins. --conf wins over
the properties file (spark-defaults.conf format: "key value" lines, # comments).`;

const EXAMPLE_HELP = `
Examples:
  $ dstream run-example                     # lists the examples
  $ dstream run-example NetworkWordCount localhost 9999
  $ dstream run-example --conf spark.ui.port=4041 QueueStream --seconds 10`;

const INIT_HELP = `
Writes package.json ("type": "module", dstream as a dependency), tsconfig.json, app.ts (a
streaming word count), wordCounts.ts and app.test.ts (its test on a ManualClock), then
prints the next steps. dstream is not on the npm registry yet: the new project depends on
the copy of dstream this command runs from (its folder, or the tarball or git URL the
current project installed it from), or on --dependency.

Examples:
  $ npx --no-install dstream init my-app
  $ npx --no-install dstream init my-app --dependency file:../dstream-0.1.0.tgz`;

const MAIN_HELP = `
Examples:
  $ dstream init my-app
  $ dstream run-example NetworkWordCount localhost 9999
  $ dstream submit --master local[2] --conf spark.ui.port=4041 app.ts
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
    .option("--properties-file <file>", "extra properties, spark-defaults.conf format; --conf overrides them")
    .option("--typecheck", "type-check the application with tsc --noEmit (its tsconfig.json, or a strict default) before running it")
    .option("-v, --verbose", "print the parsed arguments and configuration, and uncaught errors with every frame")
    .addOption(
      new Option("--progress <mode>", "live status: a one-line status on a terminal (line), log lines (log), or none; auto picks line or log")
        .choices(PROGRESS_MODES)
        .default("auto"),
    )
    // Everything after the application file is the application's, as with spark-submit.
    .passThroughOptions(true)
    .allowUnknownOption(true)
    .allowExcessArguments(true);
}

const LOG_LEVELS = ["fatal", "error", "warn", "warning", "info", "debug", "trace", "all", "off", "silent"];

async function launch(app: string, args: string[], flags: LaunchFlags, defaultName: string): Promise<number> {
  if (flags.logLevel !== undefined && !LOG_LEVELS.includes(flags.logLevel.toLowerCase())) {
    throw new UsageError(`--log-level: unknown level '${flags.logLevel}'. Use one of error, warn, info, debug, trace (or ALL / OFF as in Spark)`);
  }
  const propertiesFile = flags.propertiesFile === undefined ? undefined : resolve(flags.propertiesFile);
  const fileProperties = propertiesFile === undefined ? [] : readPropertiesFile(propertiesFile);
  const { properties, conf } = submitConf(
    { master: flags.master, name: flags.name, defaultName, conf: (flags.conf ?? []).map(parseConfPair), defaults: fileProperties },
    (m) => process.stderr.write(`dstream: warning: ${m}\n`),
  );
  if (flags.verbose) {
    process.stderr.write(
      verboseReport({ propertiesFile, fileProperties, app, args, properties, conf, typecheck: flags.typecheck === true, logLevel: flags.logLevel, progress: flags.progress }),
    );
  }
  if (flags.typecheck && !(await typecheck(app))) return 1;
  return launchApp({ app, args, conf, logLevel: flags.logLevel, progress: flags.progress, verbose: flags.verbose });
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
      exit(await launch(path, rest, flags, basename(path, extname(path))));
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
      exit(await launch(path, rest, flags, name));
    });

  const init = new Command("init")
    .description("write a new dstream project: package.json, tsconfig.json, a word count app and its test")
    .argument("<dir>", "the project's folder (created; must be empty if it exists)")
    .option("--dependency <spec>", "what the project's package.json names as dstream: a path, file:...tgz or git URL")
    .showHelpAfterError("(run 'dstream init --help' for usage)")
    .addHelpText("after", INIT_HELP)
    .action((dir: string, flags: { dependency?: string }) => {
      process.stdout.write(initProject(resolve(dir), flags.dependency));
      exit(0);
    });

  return root.enablePositionalOptions(true).addCommand(submit).addCommand(runExample).addCommand(init);
}

/** Runs the command line; exits the process with the application's exit code. */
export async function main(argv: string[]): Promise<void> {
  exitQuietlyWhenStdoutCloses();
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
