import type * as acorn from "acorn";

export type FunctionNode = acorn.ArrowFunctionExpression | acorn.FunctionExpression | acorn.FunctionDeclaration;

export interface FreeIdentifierReport {
  /** Unresolved identifiers, in order of first use. */
  readonly free: string[];
  /** Free identifiers the function assigns to (`count++`, `total = x`). */
  readonly assigned: string[];
  /** `this` of the analysed function itself or of an enclosing scope. */
  readonly usesThis: boolean;
  readonly usesSuper: boolean;
  /** `arguments` that resolves outside the analysed function (arrow at top level). */
  readonly usesArguments: boolean;
  /** `new.target` that resolves outside the analysed function. */
  readonly usesNewTarget: boolean;
  readonly usesImportMeta: boolean;
  /** Specifiers of `import(...)`; null when the specifier is not a string literal. */
  readonly dynamicImports: Array<string | null>;
}

class Scope {
  private readonly names = new Set<string>();
  constructor(readonly parent: Scope | null) {}
  declare(name: string): void {
    this.names.add(name);
  }
  resolves(name: string): boolean {
    for (let s: Scope | null = this; s !== null; s = s.parent) if (s.names.has(name)) return true;
    return false;
  }
}

/**
 * `nested`: inside a non-arrow function (or class field / static block) that
 * is itself inside the analysed function, so `this` and `super` are its own.
 * `ownsNewTarget`: inside any non-arrow function, the analysed one included.
 */
interface Ctx {
  readonly nested: boolean;
  readonly ownsNewTarget: boolean;
}

type Walkable = acorn.Expression | acorn.Super | acorn.PrivateIdentifier | acorn.SpreadElement;

class Walker {
  readonly free = new Set<string>();
  readonly assigned = new Set<string>();
  usesThis = false;
  usesSuper = false;
  usesArguments = false;
  usesNewTarget = false;
  usesImportMeta = false;
  readonly dynamicImports: Array<string | null> = [];

  reference(name: string, scope: Scope, write = false): void {
    if (scope.resolves(name)) return;
    this.free.add(name);
    if (write) this.assigned.add(name);
    if (name === "arguments") this.usesArguments = true;
  }

  fn(node: FunctionNode, outer: Scope, ctx: Ctx, top: boolean): void {
    const arrow = node.type === "ArrowFunctionExpression";
    // The analysed function's own `this` is still a dependency on its caller's receiver, so only nested ones are "owned".
    const inner: Ctx = arrow ? ctx : { nested: ctx.nested || !top, ownsNewTarget: true };
    let scope = outer;
    if (node.type === "FunctionExpression" && node.id) {
      scope = new Scope(outer);
      scope.declare(node.id.name);
    }
    const params = new Scope(scope);
    if (!arrow) params.declare("arguments");
    for (const p of node.params) declarePattern(p, params);
    for (const p of node.params) this.pattern(p, params, inner, true);
    if (node.body.type === "BlockStatement") {
      // Defaults were resolved above, before the body's declarations exist: `(a = x) => { var x }` reads an outer `x`.
      const body = new Scope(params);
      hoistVars(node.body.body, body);
      declareLexical(node.body.body, body);
      this.statements(node.body.body, body, inner);
    } else {
      this.expr(node.body, params, inner);
    }
  }

  cls(node: acorn.ClassDeclaration | acorn.ClassExpression, outer: Scope, ctx: Ctx): void {
    const scope = new Scope(outer);
    if (node.id) scope.declare(node.id.name);
    if (node.superClass) this.expr(node.superClass, scope, ctx);
    const member: Ctx = { nested: true, ownsNewTarget: true };
    for (const m of node.body.body) {
      if (m.type === "StaticBlock") {
        const s = new Scope(scope);
        hoistVars(m.body, s);
        declareLexical(m.body, s);
        this.statements(m.body, s, member);
        continue;
      }
      // Computed keys run in the class's surrounding context, with the outer `this`.
      if (m.computed) this.expr(m.key, scope, ctx);
      if (m.type === "MethodDefinition") this.fn(m.value, scope, ctx, false);
      else if (m.value) this.expr(m.value, new Scope(scope), member);
    }
  }

  statements(body: ReadonlyArray<acorn.Statement | acorn.ModuleDeclaration>, scope: Scope, ctx: Ctx): void {
    for (const s of body) this.stmt(s, scope, ctx);
  }

  stmt(s: acorn.Statement | acorn.ModuleDeclaration, scope: Scope, ctx: Ctx): void {
    switch (s.type) {
      case "ExpressionStatement":
        this.expr(s.expression, scope, ctx);
        return;
      case "BlockStatement": {
        const b = new Scope(scope);
        declareLexical(s.body, b);
        this.statements(s.body, b, ctx);
        return;
      }
      case "EmptyStatement":
      case "DebuggerStatement":
      case "BreakStatement":
      case "ContinueStatement":
        return;
      case "WithStatement":
        this.expr(s.object, scope, ctx);
        this.stmt(s.body, scope, ctx);
        return;
      case "ReturnStatement":
        if (s.argument) this.expr(s.argument, scope, ctx);
        return;
      case "ThrowStatement":
        this.expr(s.argument, scope, ctx);
        return;
      case "LabeledStatement":
        this.stmt(s.body, scope, ctx);
        return;
      case "IfStatement":
        this.expr(s.test, scope, ctx);
        this.stmt(s.consequent, scope, ctx);
        if (s.alternate) this.stmt(s.alternate, scope, ctx);
        return;
      case "SwitchStatement": {
        this.expr(s.discriminant, scope, ctx);
        const b = new Scope(scope);
        for (const c of s.cases) declareLexical(c.consequent, b);
        for (const c of s.cases) {
          if (c.test) this.expr(c.test, b, ctx);
          this.statements(c.consequent, b, ctx);
        }
        return;
      }
      case "TryStatement":
        this.stmt(s.block, scope, ctx);
        if (s.handler) {
          const c = new Scope(scope);
          if (s.handler.param) {
            declarePattern(s.handler.param, c);
            this.pattern(s.handler.param, c, ctx, true);
          }
          this.stmt(s.handler.body, c, ctx);
        }
        if (s.finalizer) this.stmt(s.finalizer, scope, ctx);
        return;
      case "WhileStatement":
      case "DoWhileStatement":
        this.expr(s.test, scope, ctx);
        this.stmt(s.body, scope, ctx);
        return;
      case "ForStatement": {
        const f = new Scope(scope);
        if (s.init) {
          if (s.init.type === "VariableDeclaration") {
            if (s.init.kind !== "var") declareDeclaration(s.init, f);
            this.stmt(s.init, f, ctx);
          } else this.expr(s.init, f, ctx);
        }
        if (s.test) this.expr(s.test, f, ctx);
        if (s.update) this.expr(s.update, f, ctx);
        this.stmt(s.body, f, ctx);
        return;
      }
      case "ForInStatement":
      case "ForOfStatement": {
        const f = new Scope(scope);
        if (s.left.type === "VariableDeclaration") {
          if (s.left.kind !== "var") declareDeclaration(s.left, f);
          this.stmt(s.left, f, ctx);
        } else this.pattern(s.left, f, ctx, false);
        this.expr(s.right, f, ctx);
        this.stmt(s.body, f, ctx);
        return;
      }
      case "FunctionDeclaration":
        this.fn(s, scope, ctx, false);
        return;
      case "VariableDeclaration":
        for (const d of s.declarations) {
          this.pattern(d.id, scope, ctx, true);
          if (d.init) this.expr(d.init, scope, ctx);
        }
        return;
      case "ClassDeclaration":
        this.cls(s, scope, ctx);
        return;
      default:
        // import/export declarations cannot occur inside a function body.
        return;
    }
  }

  /** `binding`: identifiers are declarations (already declared), not references. */
  pattern(p: acorn.Pattern, scope: Scope, ctx: Ctx, binding: boolean): void {
    switch (p.type) {
      case "Identifier":
        if (!binding) this.reference(p.name, scope, true);
        return;
      case "MemberExpression":
        this.expr(p, scope, ctx);
        return;
      case "ObjectPattern":
        for (const prop of p.properties) {
          if (prop.type === "RestElement") this.pattern(prop.argument, scope, ctx, binding);
          else {
            if (prop.computed) this.expr(prop.key, scope, ctx);
            this.pattern(prop.value, scope, ctx, binding);
          }
        }
        return;
      case "ArrayPattern":
        for (const e of p.elements) if (e) this.pattern(e, scope, ctx, binding);
        return;
      case "RestElement":
        this.pattern(p.argument, scope, ctx, binding);
        return;
      case "AssignmentPattern":
        this.pattern(p.left, scope, ctx, binding);
        this.expr(p.right, scope, ctx);
        return;
    }
  }

  expr(e: Walkable, scope: Scope, ctx: Ctx): void {
    switch (e.type) {
      case "Identifier":
        this.reference(e.name, scope);
        return;
      case "Literal":
      case "PrivateIdentifier":
        return;
      case "ThisExpression":
        if (!ctx.nested) this.usesThis = true;
        return;
      case "Super":
        if (!ctx.nested) this.usesSuper = true;
        return;
      case "ArrayExpression":
        for (const el of e.elements) if (el) this.expr(el, scope, ctx);
        return;
      case "ObjectExpression":
        for (const prop of e.properties) {
          if (prop.type === "SpreadElement") this.expr(prop.argument, scope, ctx);
          else {
            if (prop.computed) this.expr(prop.key, scope, ctx);
            // Shorthand `{a}` has value === an Identifier `a`, so it is a reference.
            this.expr(prop.value, scope, ctx);
          }
        }
        return;
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        this.fn(e, scope, ctx, false);
        return;
      case "ClassExpression":
        this.cls(e, scope, ctx);
        return;
      case "UpdateExpression":
        if (e.argument.type === "Identifier") this.reference(e.argument.name, scope, true);
        else this.expr(e.argument, scope, ctx);
        return;
      case "UnaryExpression":
      case "AwaitExpression":
      case "SpreadElement":
        this.expr(e.argument, scope, ctx);
        return;
      case "YieldExpression":
        if (e.argument) this.expr(e.argument, scope, ctx);
        return;
      case "BinaryExpression":
      case "LogicalExpression":
        this.expr(e.left, scope, ctx);
        this.expr(e.right, scope, ctx);
        return;
      case "AssignmentExpression":
        this.pattern(e.left, scope, ctx, false);
        this.expr(e.right, scope, ctx);
        return;
      case "MemberExpression":
        this.expr(e.object, scope, ctx);
        if (e.computed) this.expr(e.property, scope, ctx);
        return;
      case "ConditionalExpression":
        this.expr(e.test, scope, ctx);
        this.expr(e.consequent, scope, ctx);
        this.expr(e.alternate, scope, ctx);
        return;
      case "CallExpression":
      case "NewExpression":
        this.expr(e.callee, scope, ctx);
        for (const a of e.arguments) this.expr(a, scope, ctx);
        return;
      case "SequenceExpression":
        for (const x of e.expressions) this.expr(x, scope, ctx);
        return;
      case "TemplateLiteral":
        for (const x of e.expressions) this.expr(x, scope, ctx);
        return;
      case "TaggedTemplateExpression":
        this.expr(e.tag, scope, ctx);
        this.expr(e.quasi, scope, ctx);
        return;
      case "MetaProperty":
        if (e.meta.name === "import") this.usesImportMeta = true;
        else if (!ctx.ownsNewTarget) this.usesNewTarget = true;
        return;
      case "ChainExpression":
      case "ParenthesizedExpression":
        this.expr(e.expression, scope, ctx);
        return;
      case "ImportExpression":
        this.dynamicImports.push(
          e.source.type === "Literal" && typeof e.source.value === "string" ? e.source.value : null,
        );
        this.expr(e.source, scope, ctx);
        if (e.options) this.expr(e.options, scope, ctx);
        return;
    }
  }
}

function declarePattern(p: acorn.Pattern, scope: Scope): void {
  switch (p.type) {
    case "Identifier":
      scope.declare(p.name);
      return;
    case "ObjectPattern":
      for (const prop of p.properties) declarePattern(prop.type === "RestElement" ? prop.argument : prop.value, scope);
      return;
    case "ArrayPattern":
      for (const e of p.elements) if (e) declarePattern(e, scope);
      return;
    case "RestElement":
      declarePattern(p.argument, scope);
      return;
    case "AssignmentPattern":
      declarePattern(p.left, scope);
      return;
    case "MemberExpression":
      return;
  }
}

function declareDeclaration(d: acorn.VariableDeclaration, scope: Scope): void {
  for (const decl of d.declarations) declarePattern(decl.id, scope);
}

/** Block-level declarations, visible in the whole block (TDZ does not change what is free). */
function declareLexical(body: ReadonlyArray<acorn.Statement | acorn.ModuleDeclaration>, scope: Scope): void {
  for (const s of body) {
    if (s.type === "VariableDeclaration" && s.kind !== "var") declareDeclaration(s, scope);
    else if ((s.type === "FunctionDeclaration" || s.type === "ClassDeclaration") && s.id) scope.declare(s.id.name);
  }
}

/**
 * `var` is function-scoped, so it is declared wherever it appears below this
 * function body, except inside nested functions and classes. Function
 * declarations in blocks stay block-scoped: the source is revived in strict
 * mode, where Annex B hoisting does not apply.
 */
function hoistVars(body: ReadonlyArray<acorn.Statement | acorn.ModuleDeclaration>, scope: Scope): void {
  for (const s of body) hoistVarsIn(s, scope);
}

function hoistVarsIn(s: acorn.Statement | acorn.ModuleDeclaration, scope: Scope): void {
  switch (s.type) {
    case "VariableDeclaration":
      if (s.kind === "var") declareDeclaration(s, scope);
      return;
    case "BlockStatement":
      hoistVars(s.body, scope);
      return;
    case "IfStatement":
      hoistVarsIn(s.consequent, scope);
      if (s.alternate) hoistVarsIn(s.alternate, scope);
      return;
    case "ForStatement":
      if (s.init && s.init.type === "VariableDeclaration") hoistVarsIn(s.init, scope);
      hoistVarsIn(s.body, scope);
      return;
    case "ForInStatement":
    case "ForOfStatement":
      if (s.left.type === "VariableDeclaration") hoistVarsIn(s.left, scope);
      hoistVarsIn(s.body, scope);
      return;
    case "WhileStatement":
    case "DoWhileStatement":
    case "LabeledStatement":
    case "WithStatement":
      hoistVarsIn(s.body, scope);
      return;
    case "TryStatement":
      hoistVarsIn(s.block, scope);
      if (s.handler) hoistVarsIn(s.handler.body, scope);
      if (s.finalizer) hoistVarsIn(s.finalizer, scope);
      return;
    case "SwitchStatement":
      for (const c of s.cases) hoistVars(c.consequent, scope);
      return;
    default:
      return;
  }
}

/** Free identifiers of `node`, treated as the function being shipped. */
export function freeIdentifiers(node: FunctionNode): FreeIdentifierReport {
  const w = new Walker();
  w.fn(node, new Scope(null), { nested: false, ownsNewTarget: false }, true);
  return {
    free: [...w.free],
    assigned: [...w.assigned],
    usesThis: w.usesThis,
    usesSuper: w.usesSuper,
    usesArguments: w.usesArguments,
    usesNewTarget: w.usesNewTarget,
    usesImportMeta: w.usesImportMeta,
    dynamicImports: w.dynamicImports,
  };
}
