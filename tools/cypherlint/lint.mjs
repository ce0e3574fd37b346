// lint.mjs checks photorec's .cypher files with Neo4j's own Cypher front-end
// (@neo4j-cypher/language-support, lintCypherQuery; no database, works offline) and checks each
// file's header (see ../../cypher/doc.go):
//
//   // name: <file name without .cypher>
//   // purpose: <text; further lines start with "//   ">
//   // mode: read | write
//   // params: $a, $b | none
//   // returns: col, col | none
//   // rows: <formula> <= <budget>     (optional: the most rows a read expands, see cypher/README.md)
//
// A file fails when: the header is missing a field, repeats one or has an unknown one; the mode
// is not read/write; the name is not the file's; the file holds more than one statement; the
// $params it uses differ from the header's; or the front-end reports anything at all (syntax and
// semantic errors, deprecations, and labels, relationship types, property keys or functions
// outside schema.json / Neo4j's function catalogue).
//
// Usage: node lint.mjs DIR_OR_FILE...   runs the self-test first (so a linter that stopped
//                                       finding problems fails too), then lints; exits 1 when
//                                       the self-test or any file fails.
//        node lint.mjs --self-test      only the self-test: testdata/good must pass, and each
//                                       file of testdata/bad must fail with the text of its
//                                       "// expect:" line.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  lintCypherQuery,
  parseParameters,
  parseStatementsStrs,
  testData,
} from '@neo4j-cypher/language-support';

const here = path.dirname(fileURLToPath(import.meta.url));
const vocabulary = JSON.parse(fs.readFileSync(path.join(here, 'schema.json'), 'utf8'));
const FIELDS = ['name', 'purpose', 'mode', 'params', 'returns'];
const OPTIONAL = ['rows'];
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

// parseHeader returns {fields, problems} for the leading // comment lines of text.
export function parseHeader(text, { allowExpect = false } = {}) {
  const fields = {};
  const problems = [];
  let last = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith('//')) break;
    const cont = /^\/\/ {2,}(\S.*)$/.exec(line);
    if (cont) {
      if (last !== 'purpose') problems.push(`continuation line after "${last ?? 'nothing'}": ${line}`);
      else fields.purpose += ' ' + cont[1].trim();
      continue;
    }
    const m = /^\/\/ ([a-z]+):(.*)$/.exec(line);
    if (!m) {
      problems.push(`header line is not "// key: value": ${line}`);
      continue;
    }
    const [, key, raw] = m;
    if (!FIELDS.includes(key) && !OPTIONAL.includes(key) && !(allowExpect && key === 'expect')) {
      problems.push(`unknown header field "${key}"`);
      continue;
    }
    if (key in fields) problems.push(`header field "${key}" repeated`);
    fields[key] = raw.trim();
    last = key;
  }
  for (const f of FIELDS) {
    if (!fields[f]) problems.push(`header field "${f}" missing or empty`);
  }
  if (fields.rows !== undefined && !/^\S.*<=\s*[1-9][0-9]*$/.test(fields.rows)) {
    problems.push(`rows "${fields.rows}" is not "<formula> <= <budget>"`);
  }
  if (fields.mode && !['read', 'write'].includes(fields.mode)) {
    problems.push(`mode "${fields.mode}" is not read or write`);
  }
  const list = (value, what, prefix) => {
    if (value === undefined || value === 'none') return [];
    const out = [];
    for (const item of value.split(',').map((s) => s.trim())) {
      const name = prefix ? item.replace(/^\$/, '') : item;
      if ((prefix && !item.startsWith('$')) || !IDENT.test(name)) {
        problems.push(`${what} entry "${item}" is not ${prefix ? 'a $name' : 'a column name'}`);
        continue;
      }
      if (out.includes(name)) problems.push(`${what} entry "${item}" repeated`);
      out.push(name);
    }
    return out;
  };
  fields.paramList = list(fields.params, 'params', true);
  fields.returnList = list(fields.returns, 'returns', false);
  return { fields, problems };
}

// lintFile returns the problems of one .cypher file (empty when it passes).
export function lintFile(file, { allowExpect = false } = {}) {
  const text = fs.readFileSync(file, 'utf8');
  const { fields, problems } = parseHeader(text, { allowExpect });
  const base = path.basename(file, '.cypher');
  if (fields.name && fields.name !== base) {
    problems.push(`header name "${fields.name}" is not the file name "${base}"`);
  }
  const statements = parseStatementsStrs(text).filter((s) => s.replace(/\/\/.*$/gm, '').trim() !== '');
  if (statements.length !== 1) problems.push(`${statements.length} statements, want exactly 1`);
  const used = [...new Set(parseParameters(text, false))].sort();
  const declared = [...fields.paramList].sort();
  for (const p of used) if (!declared.includes(p)) problems.push(`uses $${p}, not declared in the header`);
  for (const p of declared) if (!used.includes(p)) problems.push(`declares $${p}, not used`);
  const result = lintCypherQuery(text, {
    parameters: Object.fromEntries(fields.paramList.map((p) => [p, null])),
    labels: vocabulary.labels,
    relationshipTypes: vocabulary.relationshipTypes,
    propertyKeys: [...vocabulary.propertyKeys, ...vocabulary.rowKeys],
    // Neo4j's built-in function and procedure catalogue as the package ships it.
    functions: testData.mockSchema.functions,
    procedures: testData.mockSchema.procedures,
  });
  for (const d of result.diagnostics) {
    const kind = d.severity === 1 ? 'error' : 'warning';
    problems.push(`${d.range.start.line + 1}:${d.range.start.character + 1}: ${kind}: ${d.message}`);
  }
  return { problems, expect: fields.expect };
}

// cypherFiles lists the .cypher files under each argument, sorted.
function cypherFiles(args) {
  const out = [];
  const walk = (p) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
    } else if (p.endsWith('.cypher')) {
      out.push(p);
    }
  };
  args.forEach(walk);
  return out;
}

function lintAll(args) {
  const files = cypherFiles(args);
  let failed = 0;
  for (const f of files) {
    const { problems } = lintFile(f);
    if (problems.length > 0) {
      failed++;
      for (const p of problems) console.log(`${f}: ${p}`);
    }
  }
  console.log(`cypherlint: ${files.length - failed} passed, ${failed} failed`);
  return files.length > 0 && failed === 0;
}

function selfTest() {
  let ok = true;
  const good = cypherFiles([path.join(here, 'testdata/good')]);
  const bad = cypherFiles([path.join(here, 'testdata/bad')]);
  for (const f of good) {
    const { problems } = lintFile(f);
    if (problems.length > 0) {
      ok = false;
      console.log(`FAIL ${f}: want no problems, got:\n  ${problems.join('\n  ')}`);
    }
  }
  for (const f of bad) {
    const { problems, expect } = lintFile(f, { allowExpect: true });
    if (!expect) {
      ok = false;
      console.log(`FAIL ${f}: bad fixture without an "// expect:" line`);
    } else if (!problems.some((p) => p.includes(expect))) {
      ok = false;
      console.log(`FAIL ${f}: want a problem containing "${expect}", got:\n  ${problems.join('\n  ') || '(none)'}`);
    }
  }
  if (good.length === 0 || bad.length === 0) ok = false;
  console.log(`cypherlint self-test: ${good.length} good and ${bad.length} bad fixtures, ${ok ? 'ok' : 'FAILED'}`);
  return ok;
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error('usage: node lint.mjs DIR_OR_FILE... | --self-test');
  process.exit(2);
}
const ok = args[0] === '--self-test' ? selfTest() : selfTest() && lintAll(args);
process.exit(ok ? 0 : 1);
