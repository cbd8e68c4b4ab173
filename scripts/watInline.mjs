// A small inliner for the text format, so that the hand-written kernels can keep their maths in
// small functions without paying for calls: V8 does not inline WebAssembly calls, and every call
// spills the caller's vectors. Every function that is not exported and has no control labels or
// `return` (exp, log, the horizontal sums, ...) is expanded where it is called, its parameters
// and locals renamed per call site and declared in the caller, and then dropped from the module.
// Functions named `$call.…` are left as calls (per-pixel helpers: inlining them only grows the
// module).
// Works on the folded form (every instruction in parentheses), which seglossSimd.wat uses.

/** S-expressions of a .wat text: nested arrays of atoms (comments dropped). */
export function parse(text) {
  const tokens = [];
  const re = /;;[^\n]*|\(;[\s\S]*?;\)|"(?:[^"\\]|\\.)*"|[()]|[^\s()";]+/g;
  for (const m of text.matchAll(re)) if (!m[0].startsWith(';;') && !m[0].startsWith('(;')) tokens.push(m[0]);
  let i = 0;
  const read = () => {
    const tok = tokens[i++];
    if (tok !== '(') return tok;
    const list = [];
    while (tokens[i] !== ')') {
      if (i >= tokens.length) throw new Error('watInline: unbalanced parentheses');
      list.push(read());
    }
    i++;
    return list;
  };
  const forms = [];
  while (i < tokens.length) forms.push(read());
  return forms;
}

export function print(node) {
  return Array.isArray(node) ? `(${node.map(print).join(' ')})` : node;
}

const CONTROL = new Set(['return', 'br', 'br_if', 'br_table', 'loop', 'block']);

function uses(node, atoms) {
  return Array.isArray(node) ? node.some((n) => uses(n, atoms)) : atoms.has(node);
}

function rename(node, names) {
  if (!Array.isArray(node)) return names.get(node) ?? node;
  return node.map((n) => rename(n, names));
}

/** The module with every inlinable function expanded at its calls and removed. */
export function inlineModule(module) {
  const [head, ...fields] = module;
  if (head !== 'module') throw new Error('watInline: expected (module ...)');
  const funcs = new Map();
  for (const f of fields) {
    if (!Array.isArray(f) || f[0] !== 'func' || typeof f[1] !== 'string' || !f[1].startsWith('$')) continue;
    const exported = f.some((x) => Array.isArray(x) && x[0] === 'export');
    const params = f.filter((x) => Array.isArray(x) && x[0] === 'param').map((x) => ({ name: x[1], type: x[2] }));
    const locals = f.filter((x) => Array.isArray(x) && x[0] === 'local').map((x) => ({ name: x[1], type: x[2] }));
    const result = f.find((x) => Array.isArray(x) && x[0] === 'result');
    const body = f.filter((x, k) => k >= 2 && !(Array.isArray(x) && ['param', 'local', 'result', 'export'].includes(x[0])));
    const inline = !exported && !f[1].startsWith('$call.') && !uses(body, CONTROL);
    funcs.set(f[1], { exported, params, locals, result, body, inline });
  }
  let site = 0;
  // Expands inlinable calls in `node`; new locals of the caller go to `extra`.
  const expand = (node, extra) => {
    if (!Array.isArray(node)) return node;
    const args = node.map((n) => expand(n, extra));
    const callee = args[0] === 'call' ? funcs.get(args[1]) : undefined;
    if (!callee?.inline) return args;
    const names = new Map();
    const k = site++;
    for (const v of [...callee.params, ...callee.locals]) {
      const name = `${v.name}__${k}`;
      names.set(v.name, name);
      extra.push(['local', name, v.type]);
    }
    const sets = callee.params.map((p, j) => ['local.set', names.get(p.name), args[2 + j]]);
    // Locals start at zero in a fresh call; here they may hold an earlier call's values.
    const zero = callee.locals.map((v) => ['local.set', names.get(v.name), zeroOf(v.type)]);
    const body = callee.body.map((n) => expand(rename(n, names), extra));
    return ['block', ...(callee.result ? [callee.result] : []), ...sets, ...zero, ...body];
  };
  const out = ['module'];
  for (const f of fields) {
    if (Array.isArray(f) && f[0] === 'func' && funcs.get(f[1])?.inline) continue;
    if (!Array.isArray(f) || f[0] !== 'func') {
      out.push(f);
      continue;
    }
    const extra = [];
    const expanded = f.map((n, k) => (k < 2 ? n : expand(n, extra)));
    // Declarations (param, result, local) must precede the body: insert the new locals after them.
    const split = expanded.findIndex((x, k) => k >= 2 && !(Array.isArray(x) && ['param', 'local', 'result', 'export'].includes(x[0])));
    const at = split < 0 ? expanded.length : split;
    out.push([...expanded.slice(0, at), ...extra, ...expanded.slice(at)]);
  }
  return out;
}

function zeroOf(type) {
  return type === 'v128' ? ['v128.const', 'i32x4', '0', '0', '0', '0'] : [`${type}.const`, '0'];
}

/** The .wat text with its inlinable functions expanded (see above). */
export function inlineWat(text) {
  const forms = parse(text);
  if (forms.length !== 1) throw new Error('watInline: expected one module');
  return print(inlineModule(forms[0]));
}
