/**
 * Fenced code blocks of a Markdown file, with the line each block's code starts on, and a
 * type-checker for TypeScript blocks: each block becomes a module under test-output/docs/, with
 * `dstream` and `dstream/kafka` mapped to the sources, and one strict `tsc --noEmit` run checks
 * them all. Errors are reported as `docs/<file>.md:<line>`.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { promisify } from "node:util";
import { PROJECT_COMPILER_OPTIONS } from "../../src/cli/init.js";

export interface DocBlock {
  lang: string;
  code: string;
  /** 1-based line in the Markdown file of the block's first code line. */
  line: number;
}

export function docBlocks(markdown: string): DocBlock[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1]!,
    code: m[2]!,
    line: markdown.slice(0, m.index).split("\n").length + 1,
  }));
}

export function readDocBlocks(root: string, doc: string): DocBlock[] {
  return docBlocks(readFileSync(join(root, doc), "utf8"));
}

/** Type-checks every ```ts block of `docs` (paths relative to `root`); returns tsc's errors, mapped to the Markdown lines. */
export async function typecheckDocBlocks(root: string, docs: string[]): Promise<{ checked: number; errors: string[] }> {
  const dir = join(root, "test-output", "docs");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const origin = new Map<string, { doc: string; line: number }>();
  const files: string[] = [];
  for (const doc of docs) {
    const name = basename(doc, ".md");
    for (const [i, b] of readDocBlocks(root, doc).filter((x) => x.lang === "ts").entries()) {
      const file = join(dir, `${name}-${i}.ts`);
      // `export {}` keeps each block a module of its own, even one without imports.
      writeFileSync(file, `${b.code}\nexport {};\n`);
      origin.set(relative(root, file), { doc, line: b.line });
      files.push(file);
    }
  }
  const tsconfig = join(dir, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify(
      {
        compilerOptions: {
          ...PROJECT_COMPILER_OPTIONS,
          paths: {
            dstream: [join(root, "src/index.ts")],
            "dstream/kafka": [join(root, "src/connectors/kafka/index.ts")],
            "dstream/flume": [join(root, "src/connectors/flume/index.ts")],
            "dstream/hdfs": [join(root, "src/connectors/hdfs/index.ts")],
            "dstream/zeromq": [join(root, "src/connectors/zeromq/index.ts")],
            "dstream/twitter": [join(root, "src/connectors/twitter/index.ts")],
            "dstream/postgres": [join(root, "src/connectors/postgres/index.ts")],
            "dstream/redis": [join(root, "src/connectors/redis/index.ts")],
            "dstream/mqtt": [join(root, "src/connectors/mqtt/index.ts")],
            "dstream/rabbitmq": [join(root, "src/connectors/rabbitmq/index.ts")],
            "dstream/nats": [join(root, "src/connectors/nats/index.ts")],
            "dstream/kafka-scaleout": [join(root, "src/connectors/kafka-scaleout/index.ts")],
          },
        },
        files,
      },
      null,
      2,
    ),
  );
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const errors: string[] = [];
  try {
    await promisify(execFile)(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", tsconfig], { cwd: root, maxBuffer: 1 << 26 });
  } catch (e) {
    const out = String((e as { stdout?: string }).stdout ?? e);
    for (const l of out.split("\n").filter((x) => x.trim() !== "")) {
      const m = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(l);
      const o = m ? origin.get(m[1]!) : undefined;
      errors.push(o ? `${o.doc}:${o.line + Number(m![2]) - 1}:${m![3]} ${m![4]} (${m![1]})` : l);
    }
    if (errors.length === 0) errors.push(String(e));
  }
  return { checked: files.length, errors };
}
