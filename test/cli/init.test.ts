/** Where a project written by `dstream init` gets dstream from, until dstream is published. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { dependencySpec, initProject } from "../../src/cli/init.js";

test("from a checkout, the new project depends on the checkout's folder, relative to it", () => {
  assert.equal(dependencySpec("/home/u/src/dstream", "/home/u/apps/my-app"), "file:../../src/dstream");
});

test("from an installed copy, the spec its project installed it with, rebased; else its lock file's; else a clear error", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "dstream-init-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const project = join(dir, "proj");
  const copy = join(project, "node_modules", "dstream");
  mkdirSync(copy, { recursive: true });
  writeFileSync(join(project, "package.json"), JSON.stringify({ dependencies: { dstream: "file:../dstream-0.1.0.tgz" } }));
  assert.equal(dependencySpec(copy, join(project, "my-app")), "file:../../dstream-0.1.0.tgz");

  writeFileSync(join(project, "package.json"), JSON.stringify({ dependencies: { dstream: "git+https://example.invalid/dstream.git#v0.1.0" } }));
  assert.equal(dependencySpec(copy, join(dir, "elsewhere")), "git+https://example.invalid/dstream.git#v0.1.0");

  // npx --package <tarball> keeps only a lock file's record of where the package came from.
  writeFileSync(join(project, "package.json"), JSON.stringify({}));
  writeFileSync(join(project, "package-lock.json"), JSON.stringify({ packages: { "node_modules/dstream": { resolved: "file:/opt/dstream-0.1.0.tgz" } } }));
  assert.equal(dependencySpec(copy, join(dir, "app")), `file:${relative(join(dir, "app"), "/opt/dstream-0.1.0.tgz")}`);
  rmSync(join(project, "package-lock.json"));
  assert.throws(() => dependencySpec(copy, join(dir, "app")), /cannot tell where this copy of dstream .* was installed from: pass --dependency/);
});

test("init refuses a folder that is not empty", (t) => {
  const dir = mkdtempSync(join(tmpdir(), "dstream-init-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "keep.txt"), "mine");
  assert.throws(() => initProject(dir, "file:../dstream"), /exists and is not empty; init writes a new project into an empty or new folder/);
});
